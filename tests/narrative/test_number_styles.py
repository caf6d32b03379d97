"""Number styles with provenance: Chinese numerals for small counts, 约 with a compact figure."""

# Template lines are whole prose paragraphs, one per line as the markup wants them.
# ruff: noqa: E501

from collections.abc import Callable

import pytest

from epireport._plugins import Plugins
from epireport.document import Document, RenderedParagraph, numbered
from epireport.exceptions import ModelError
from epireport.facts import compute_facts
from epireport.lint._data import claims_from_json
from epireport.lint._lint import lint_text
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._values import DataValue
from epireport.narrative._compose import compose

MakePlugins = Callable[..., Plugins]
DAY = Period.parse("20200215")
INSTITUTION = Institution(
    code="demo",
    title="乡镇",
    indicator_sets=(
        IndicatorSet(
            "s",
            "集",
            (
                Indicator("teams", "工作组", "个", numerals_below=10),
                Indicator("machines", "消毒机", "台", numerals_below=10),
                Indicator("area", "消杀面积", "平方米", precision=0),
                Indicator("meetings", "会议", "次"),
            ),
        ),
    ),
)


def compose_line(plugins_for: MakePlugins, line: str, **figures: int) -> Document:
    """Compose one paragraph over the town's facts."""
    values = tuple(DataValue.reported(code, "T", DAY, n) for code, n in figures.items())
    report = ReportInput(institution="demo", unit="T", unit_name="镇", period=DAY, values=values)
    plugins = plugins_for({"demo/report.md.j2": f"# 标题\n{line}\n"})
    return compose(report, INSTITUTION, compute_facts(report, INSTITUTION), plugins)


def text(document: Document) -> str:
    """The text of the document's first paragraph."""
    return next(e.text for e in numbered(document) if isinstance(e, RenderedParagraph))


def test_small_counts_in_chinese_numerals(plugins_for: MakePlugins) -> None:
    """Below the indicator's threshold a count is 两个; from it on, digits; each keeps its fact."""
    doc = compose_line(
        plugins_for,
        '成立{{ figure("teams") }}工作组，配备{{ figure("machines") }}消毒机。',
        teams=2,
        machines=12,
    )
    assert text(doc) == "成立两个工作组，配备12台消毒机。"
    refs = doc.preamble[0].sentences[0].facts  # type: ignore[union-attr]
    assert [(r.indicator, r.text, r.value) for r in refs] == [
        ("teams", "两", "2"),
        ("machines", "12", "12"),
    ]


def test_numeral_and_approx_styles(plugins_for: MakePlugins) -> None:
    """style="numeral" writes any count in numerals; style="approx" writes 约 and a compact figure."""
    doc = compose_line(
        plugins_for,
        '召开{{ figure("meetings", style="numeral") }}会议，消杀{{ figure("area", style="approx") }}。',
        meetings=3,
        area=123456,
    )
    assert text(doc) == "召开三次会议，消杀约12万平方米。"
    refs = doc.preamble[0].sentences[0].facts  # type: ignore[union-attr]
    assert [(r.text, r.value) for r in refs] == [("三", "3"), ("约12万", "123456")]


def test_lint_still_checks_numeral_and_approx_figures(plugins_for: MakePlugins) -> None:
    """The figures keep their facts: a tampered 两 or 约12万 is caught, the original passes."""
    doc = compose_line(
        plugins_for,
        '成立{{ figure("teams") }}工作组，消杀{{ figure("area", style="approx") }}。',
        teams=2,
        area=123456,
    )
    claims = claims_from_json(doc.to_dict())
    assert lint_text("标题\n成立两个工作组，消杀约12万平方米。", data=claims) == []
    assert [
        f.rule_id for f in lint_text("标题\n成立三个工作组，消杀约12万平方米。", data=claims)
    ] == ["EPI701"]
    assert [
        f.rule_id for f in lint_text("标题\n成立两个工作组，消杀约15万平方米。", data=claims)
    ] == ["EPI701"]


def test_numerals_only_for_integer_counts() -> None:
    """A decimal indicator cannot ask for numerals; the threshold is bounded."""
    with pytest.raises(ModelError, match="only integer counts"):
        Indicator("t", "吨数", "吨", "decimal", numerals_below=10)
    with pytest.raises(ModelError, match="numerals_below: expected a count"):
        Indicator("t", "次数", "次", numerals_below=-1)
