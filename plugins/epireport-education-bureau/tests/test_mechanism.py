"""The “四个三”: items follow the measures an input lists, counts follow the items."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from epireport_education_bureau import plugin
from epireport_education_bureau._mechanism import BLOCKS, Mechanism, mechanism
from hypothesis import given, settings
from hypothesis import strategies as st

from epireport import Plugins, build_document, skeleton_input
from epireport.document import Document
from epireport.lint import lint_text
from epireport.model import ReportInput
from epireport.narrative import chinese_count, chinese_numeral
from epireport.render import RenderOptions, render_text

Texts = Callable[[Document], list[str]]
Lint = Callable[[Document], dict[str, list[Any]]]

CODES = tuple(m.code for m in plugin.MEASURES)
LEADS = ("完善{}项制度", "制定{}类文件", "突出{}项宣传", "落实{}条措施")


def without(report: ReportInput, *codes: str) -> ReportInput:
    """*report* (as a skeleton) with the measures *codes* left out."""
    kept = tuple(m for m in report.measures if m.code not in codes)
    return attrs.evolve(skeleton_input(report), measures=kept)


def compose(plugins: Plugins, report: ReportInput) -> Document:
    """The draft document of *report*."""
    document, _ = build_document(report, plugins=plugins, draft=True)
    return document


def test_blocks_cover_the_catalogue_in_order() -> None:
    """Every catalogue measure belongs to one block item, in the catalogue's order."""
    assert tuple(code for block in BLOCKS for code in block.codes) == CODES
    for block in BLOCKS:
        assert {m.category for m in plugin.MEASURES if m.code in block.codes} == {block.category}


def test_full_mechanism_is_four_threes() -> None:
    """All measures taken: four blocks of three."""
    full = mechanism(CODES)
    assert full.counts == (3, 3, 3, 3)
    assert (full.blocks, full.uniform) == (4, 3)


def test_duty_item_stands_with_either_measure() -> None:
    """The first system item stands for the duty system or the access control, counted once."""
    assert Mechanism({"duty_system", "access_control"}).count("systems") == 1
    assert Mechanism({"access_control"}).count("systems") == 1
    assert Mechanism(set()).count("systems") == 0


def test_unknown_block_is_named() -> None:
    """Asking for a block that does not exist names the known ones."""
    with pytest.raises(KeyError, match="systems"):
        Mechanism(set()).count("system")


@given(st.sets(st.sampled_from(CODES)))
def test_counts_are_consistent(taken: set[str]) -> None:
    """Counts stay within 0 to 3, blocks count the non-empty ones, uniform only when equal."""
    found = Mechanism(taken)
    assert all(0 <= n <= 3 for n in found.counts)
    assert found.blocks == sum(1 for n in found.counts if n)
    present = {n for n in found.counts if n}
    assert found.uniform == (present.pop() if len(present) == 1 else None)


def test_example_takes_every_measure(example: ReportInput) -> None:
    """The example lists the whole catalogue, so its summary is the seed's full mechanism."""
    assert tuple(m.code for m in example.measures) == CODES


def test_omitted_block_makes_three_threes(
    plugins: Plugins, example: ReportInput, texts: Texts, lint: Lint
) -> None:
    """Without the three documents measures the headline is “三个三” and the rest renumber."""
    document = compose(plugins, without(example, "bureau_plan", "unit_plans", "archives"))
    paragraphs = texts(document)
    assert "建立了“三个三”工作机制" in paragraphs[1]
    assert [p[:10] for p in paragraphs[2:]] == [
        "一是完善三项制度，落",
        "二是突出三项宣传，正",
        "三是落实三条措施，强",
    ]
    assert lint(document) == {"text": [], "markdown": [], "html": [], "docx": []}


def test_omitted_item_changes_its_block_count(
    plugins: Plugins, example: ReportInput, texts: Texts, lint: Lint
) -> None:
    """Without the daily report, 完善两项制度; the headline can no longer be “四个三”."""
    document = compose(plugins, without(example, "daily_report"))
    paragraphs = texts(document)
    assert "建立了四个方面的工作机制" in paragraphs[1]
    assert paragraphs[2].startswith("一是完善两项制度，落实网格管理。一是建立主要负责人")
    assert "二是建立教职工及学生日排查制度" in paragraphs[2]
    assert "三是" not in paragraphs[2]
    assert lint(document) == {"text": [], "markdown": [], "html": [], "docx": []}


def test_access_control_alone_leads_its_item(
    plugins: Plugins, example: ReportInput, texts: Texts
) -> None:
    """Without the duty system, the access control stands as the first system on its own."""
    paragraphs = texts(compose(plugins, without(example, "duty_system")))
    assert paragraphs[2].startswith(
        "一是完善三项制度，落实网格管理。一是落实门禁制度，严格控制进入校园人员及车辆"
    )


def test_single_block_states_no_headline(
    plugins: Plugins, example: ReportInput, texts: Texts
) -> None:
    """With one block left, the intro names no mechanism; the block keeps its own count."""
    document = compose(plugins, without(example, *CODES[4:]))
    paragraphs = texts(document)
    assert "工作机制" not in paragraphs[1]
    assert "夯实工作举措，压实工作责任，扎实做好教育系统" in paragraphs[1]
    assert paragraphs[2].startswith("一是完善三项制度")


def test_linter_catches_a_wrong_headline(plugins: Plugins, final: Document, lint: Lint) -> None:
    """EPI503 watches the headline: the same text claiming “三个三” is an error."""
    text = render_text(final, RenderOptions()).replace("“四个三”", "“三个三”")
    rules = list(plugins.lint_rules().values())
    assert "EPI503" in {f.rule_id for f in lint_text(text, rules=rules)}


@settings(max_examples=40, deadline=None)
@given(taken=st.sets(st.sampled_from(CODES)))
def test_any_choice_of_measures_counts_right(
    plugins: Plugins, example: ReportInput, taken: set[str]
) -> None:
    """Whatever measures are listed, the counts written match the items, and lint is clean."""
    found = mechanism(taken)
    document = compose(plugins, without(example, *(c for c in CODES if c not in taken)))
    text = render_text(document, RenderOptions())
    rules = list(plugins.lint_rules().values())
    found_ids = [f.rule_id for f in lint_text(text, rules=rules, draft=document.meta.draft)]
    assert found_ids == []
    if found.blocks > 1 and found.uniform:
        headline = f"“{chinese_count(found.blocks)}个{chinese_numeral(found.uniform)}”"
        assert f"建立了{headline}工作机制" in text
    leads = [
        lead.format(chinese_count(n)) for lead, n in zip(LEADS, found.counts, strict=True) if n
    ]
    assert re.findall(r"[一二三四]是(完善|制定|突出|落实)(.)(项|类|条)", text) == [
        (lead[:2], lead[2], lead[3]) for lead in leads
    ]
