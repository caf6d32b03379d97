"""--data: figures in the prose against the values they claim to state."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import InputError
from epireport.lint._data import claims_from_json, load_claims
from epireport.lint._document import Claim
from epireport.lint._lint import lint_text

TEXT = "共发布户外广告牌120块，印制宣传单3.2万余张。"


def tree(text: str, value: object) -> dict[str, object]:
    """A small document tree in the shape of epireport's JSON output."""
    fact = {"fact_id": "leaflets", "indicator": "leaflets", "text": text, "value": value}
    return {"sections": [{"paragraphs": [{"sentences": [{"text": TEXT, "facts": [fact]}]}]}]}


def rules(data: object) -> list[str]:
    return [f.rule_id for f in lint_text(TEXT, data=claims_from_json(data))]


def test_matching_figure_passes() -> None:
    """3.2万余 holds 32456, and the figure is in the text."""
    assert rules(tree("3.2万余", "32456")) == []


@pytest.mark.parametrize("value", ["32000", "33000", 30000, 31999.5])
def test_value_outside_the_wording(value: object) -> None:
    """3.2万余 needs 32000 < value < 33000."""
    assert rules(tree("3.2万余", value)) == ["EPI701"]


def test_figure_not_in_the_text() -> None:
    """A fact whose figure the text does not contain is EPI702."""
    assert rules(tree("3.3万余", "33100")) == ["EPI702"]


def test_unreadable_figure() -> None:
    """A malformed figure (万余万) is reported as unreadable."""
    findings = lint_text(
        "网民3万余万人次", data=claims_from_json(tree("3万余万", 35000)), rules=None
    )
    assert any(f.rule_id == "EPI701" and "cannot be read" in f.message for f in findings)


def test_phrase_mapping() -> None:
    """A flat mapping checks the first figure after each phrase; missing phrases are EPI702."""
    assert rules({"户外广告牌": 120, "宣传单": 32001}) == []
    assert rules({"户外广告牌": 121}) == ["EPI701"]
    assert rules({"电子显示屏": 35}) == ["EPI702"]


def test_phrase_checked_at_every_occurrence() -> None:
    """A phrase written twice has both figures checked, each reported where it stands."""
    text = "共发布户外广告牌120块。\n其中新增户外广告牌130块。"
    findings = lint_text(text, data=claims_from_json({"户外广告牌": 120}))
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("EPI701", 2, 10)]


def _document_json(sentence: str, figure: str, value: str) -> dict[str, object]:
    """The JSON epireport writes of a one-paragraph document stating *figure* in *sentence*."""
    from epireport.document import Document, FactRef, Meta, Paragraph, Sentence

    fact = FactRef("leaflets@u@2020-02", "leaflets", "u", "2020-02", figure, value)
    document = Document(
        "标题", Meta("inst", "u", "2020-02"), preamble=(Paragraph((Sentence(sentence, (fact,)),)),)
    )
    return document.to_dict()


def test_document_json_checks_figures_by_position() -> None:
    """With epireport's JSON a changed figure is caught where it stands, not at 1:1."""
    data = _document_json("2月12日共发放宣传单12张。", "12", "12")
    claims = claims_from_json(data)
    assert lint_text("标题\n2月12日共发放宣传单12张。", data=claims) == []
    # 12→10 while 12 still stands in the date: the old search by text found the date.
    findings = lint_text("标题\n2月12日共发放宣传单10张。", data=claims)
    assert [(f.rule_id, f.line, f.column) for f in findings] == [("EPI701", 2, 12)]


def test_document_json_finds_a_removed_figure() -> None:
    """A figure deleted from its place is EPI702 at the paragraph it was in."""
    claims = claims_from_json(_document_json("共发放宣传单3.2万余张。", "3.2万余", "32456"))
    findings = lint_text("标题\n共发放宣传单若干张。", data=claims)
    assert [f.rule_id for f in findings] == ["EPI702"]
    assert findings[0].line == 2


def test_null_values_are_skipped() -> None:
    """A fact with a missing (null) value is not a claim."""
    with pytest.raises(InputError, match="no figures found"):
        claims_from_json(tree("3.2万余", None))


def test_load_claims_reports_bad_json(tmp_path: Path) -> None:
    """A data file that is not JSON is an InputError naming the file."""
    path = tmp_path / "data.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match=r"data\.json"):
        load_claims(path)
    path.write_text(json.dumps(tree("120", 120)), encoding="utf-8")
    assert load_claims(path) == [
        Claim(value=120, text="120", source="$.sections[0].paragraphs[0].sentences[0].facts[0]")
    ]


@given(
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=0, max_value=9),
    st.integers(0, 999),
)
def test_hedged_figures_hold_their_values(whole: int, tenth: int, rest: int) -> None:
    """Every value in [x.y万 + 1, x.y万 + 999] passes against x.y万余, and x.y万 itself fails."""
    figure = f"{whole}.{tenth}万余"
    base = whole * 10_000 + tenth * 1_000
    text = f"印制宣传单{figure}张。"
    claim = [Claim(value=Decimal(base + rest), text=figure)]
    found = [f.rule_id for f in lint_text(text, data=claim)]
    assert found == ([] if rest else ["EPI701"])
