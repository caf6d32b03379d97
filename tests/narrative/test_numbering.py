"""Item numbering as offices write it: 1. 1、 or （1） per institution, and no 3.1月 misreading."""

from collections.abc import Callable

import attrs
import pytest

from epireport._plugins import Plugins
from epireport.document import RenderedParagraph, numbered
from epireport.exceptions import ModelError
from epireport.lint import lint_text
from epireport.model._institution import Institution
from epireport.model._report import ReportInput
from epireport.narrative._compose import compose
from epireport.narrative._static_facts import StaticFacts
from epireport.render._options import RenderOptions
from epireport.render._text import render_text

MakePlugins = Callable[..., Plugins]

ITEMS = (
    "# 工作总结\n## 业主安全\n::: arabic\n- 规范小区出入口管理。\n"
    "- 生活垃圾清运每日两次。\n- {{ day }}开始每日消毒。\n:::\n"
)


def items(doc: object) -> list[str]:
    return [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph) and e.marker]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("numbering", "expected"),
    [
        (
            "1.",
            ["1.规范小区出入口管理。", "2.生活垃圾清运每日两次。", "3.\u20091月28日开始每日消毒。"],
        ),
        (
            "1、",
            ["1、规范小区出入口管理。", "2、生活垃圾清运每日两次。", "3、1月28日开始每日消毒。"],
        ),
        (
            "（1）",
            [
                "（1）规范小区出入口管理。",
                "（2）生活垃圾清运每日两次。",
                "（3）1月28日开始每日消毒。",
            ],
        ),
    ],
)
def test_arabic_lists_follow_the_institutions_numbering(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
    numbering: str,
    expected: list[str],
) -> None:
    """::: arabic takes the institution's style; 3. before 1月 gets a thin space, 3、 needs none."""
    chosen = attrs.evolve(institution, item_numbering=numbering)
    template = ITEMS.replace("{{ day }}", "1月28日")
    doc = compose(
        report, chosen, StaticFacts(full_values), plugins_for({"demo/report.md.j2": template})
    )
    assert items(doc) == expected


def test_the_thin_space_follows_each_reports_text_through_compiled_plans(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """The same shape filled with a day, then a word, then a day: each walk decides anew."""
    plugins = plugins_for(
        {"demo/report.md.j2": ITEMS.replace("{{ day }}", "{{ narrative.leader }}")}
    )
    facts = StaticFacts(full_values)
    seen = []
    for leader in ["1月28日", "即日", "2月3日", "即日", "1月28日"]:
        narrative = {**report.narrative, "leader": leader}
        doc = compose(attrs.evolve(report, narrative=narrative), institution, facts, plugins)
        seen.append(items(doc)[-1])
    assert seen == [
        "3.\u20091月28日开始每日消毒。",
        "3.即日开始每日消毒。",
        "3.\u20092月3日开始每日消毒。",
        "3.即日开始每日消毒。",
        "3.\u20091月28日开始每日消毒。",
    ]


def test_an_unknown_numbering_is_refused(institution: Institution) -> None:
    """Only 1. 1、 and （1） are item numberings; the error lists them."""
    with pytest.raises(ModelError, match=r"Institution\.item_numbering: expected one of '1\.'"):
        attrs.evolve(institution, item_numbering="1)")


def test_what_epireport_writes_lints_clean_in_its_own_numbering(
    plugins_for: MakePlugins,
    institution: Institution,
    report: ReportInput,
    full_values: dict[str, int],
) -> None:
    """Rendered in 1、 and linted as 1、, no finding; linted as 1. the items are reported."""
    chosen = attrs.evolve(institution, item_numbering="1、")
    template = ITEMS.replace("{{ day }}", "1月28日")
    doc = compose(
        report, chosen, StaticFacts(full_values), plugins_for({"demo/report.md.j2": template})
    )
    text = render_text(doc, RenderOptions())
    assert lint_text(text, numbering="1、") == []
    findings = lint_text(text, numbering="1.")
    assert [(f.rule_id, f.line) for f in findings] == [("EPI502", 3)]
    assert "'1.'" in findings[0].message
    assert "'1、'" in findings[0].message
