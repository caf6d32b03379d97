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
