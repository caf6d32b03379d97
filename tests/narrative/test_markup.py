"""The markup templates print, parsed into the document tree."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.document import (
    Enumeration,
    EnumerationStyle,
    FactRef,
    Meta,
    Paragraph,
    RenderedHeading,
    RenderedParagraph,
    Table,
    numbered,
)
from epireport.exceptions import TemplateError
from epireport.narrative._figures import items
from epireport.narrative._markup import DROP, fact_marker, parse_markup, split_sentences
from epireport.narrative._numerals import run_in_marker, section_number

META = Meta(institution="demo", unit="城关区", period="202002")
REF = FactRef("leaflets/d1/202002", "leaflets", "d1", "202002", "3.2万余", "32456", ("v1",))


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_markup(text, [REF], META, template="t.md.j2")


def test_title_sections_and_closing() -> None:
    """Title, preamble, sections, closing and signature land where the markup puts them."""
    doc = parse(
        "# 总结\n前言。\n## 一节\n正文。\n### 小节\n细节。\n@closing\n结尾。\n"
        "@signature 城关区\n@date 2020-02-10\n"
    )
    assert doc.title == "总结"
    assert [p.text for p in doc.preamble if isinstance(p, Paragraph)] == ["前言。"]
    assert doc.sections[0].heading == "一节"
    assert doc.sections[0].sections[0].heading == "小节"
    assert [p.text for p in doc.closing if isinstance(p, Paragraph)] == ["结尾。"]
    assert doc.signature is not None
    assert doc.signature.date == datetime.date(2020, 2, 10)


def test_figure_marker_becomes_sentence_fact() -> None:
    """A figure marker is stripped from the text and attached to its sentence only."""
    doc = parse(f"# T\n成立工作组。印发宣传单{fact_marker(0, '3.2万余张')}。其余。\n")
    paragraph = doc.preamble[0]
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == "成立工作组。印发宣传单3.2万余张。其余。"
    assert [s.facts for s in paragraph.sentences] == [(), (REF,), ()]


def test_dropped_sentence_and_dangling_connector() -> None:
    """A sentence with an omission disappears and the paragraph does not end on ；."""
    doc = parse(f"# T\n宣传重点部署；宣传推进情况{DROP}；\n")
    paragraph = doc.preamble[0]
    assert isinstance(paragraph, Paragraph)
    assert paragraph.text == "宣传重点部署。"


def test_empty_section_is_dropped_and_rest_renumber() -> None:
    """A section whose only paragraph vanished is dropped, so the next one becomes 二、."""
    doc = parse(f"# T\n## 甲\n甲文。\n## 乙\n乙文{DROP}。\n## 丙\n丙文。\n")
    headings = [e for e in numbered(doc) if isinstance(e, RenderedHeading)]
    assert [h.full for h in headings] == ["一、甲", "二、丙"]


def test_heading_with_omission_drops_section() -> None:
    """An omission in a heading removes the section with its subsections."""
    doc = parse(f"# T\n## 甲{DROP}\n文。\n### 子\n文。\n## 乙\n文。\n")
    assert [s.heading for s in doc.sections] == ["乙"]


def test_item_without_body_is_dropped_but_lead_only_item_stays() -> None:
    """An item whose body vanished goes; an item that only ever had a lead stays."""
    doc = parse(f"# T\n::: shi\n- 甲。甲的数字{DROP}。\n- 乙。\n- 丙。丙文。\n:::\n")
    enumeration = doc.preamble[0]
    assert isinstance(enumeration, Enumeration)
    assert [i.lead.text for i in enumeration.items if i.lead] == ["乙。", "丙。"]


def test_nested_inline_enumeration_runs_into_item() -> None:
    """A nested inline fence belongs to the item above it and runs on in its paragraph."""
    doc = parse(
        "# T\n::: shi\n- 完善三项制度，落实网格管理。\n::: shi inline\n- 建立坐班制度\n"
        "- 建立日排查制度\n:::\n- 制定文件。\n:::\n"
    )
    texts = [e.text for e in numbered(doc) if isinstance(e, RenderedParagraph)]
    assert texts[0] == "一是完善三项制度，落实网格管理。一是建立坐班制度；二是建立日排查制度。"
    assert texts[1] == "二是制定文件。"


def test_arabic_items_have_no_lead() -> None:
    """Items of a 1. 2. list are paragraphs without a lead."""
    doc = parse("# T\n::: arabic\n- 规范出入口管理；\n- 垃圾清运。\n:::\n")
    enumeration = doc.preamble[0]
    assert isinstance(enumeration, Enumeration)
    assert enumeration.style is EnumerationStyle.ARABIC
    assert all(item.lead is None for item in enumeration.items)


def test_table() -> None:
    """A table fence gives a header and rows; rows with an omission are left out."""
    doc = parse(
        "# T\n::: table 宣传品\n| 品种 | 数量 |\n|---|---|\n"
        f"| 广告牌 | 120 |\n| 横幅 | {DROP} |\n:::\n"
    )
    table = doc.preamble[0]
    assert isinstance(table, Table)
    assert table.caption == "宣传品"
    assert table.header == ("品种", "数量")
    assert table.rows == (("广告牌", "120"),)


def test_escaped_line_is_a_paragraph() -> None:
    """A backslash makes a line starting with # a paragraph."""
    doc = parse("# T\n\\#话题# 宣传。\n")
    assert isinstance(doc.preamble[0], Paragraph)
    assert doc.preamble[0].text == "#话题# 宣传。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# T\n::: shi\n- a\n", "never closed"),
        ("# T\n- a\n", "must stand inside"),
        ("# T\n::: bullets\n:::\n", "unknown block"),
        ("# T\n### deep\n", "no parent"),
        ("# T\n# again\n", "second title"),
        ("# T\n@date tomorrow\n", "@date"),
        ("# T\n@nonsense\n", "unknown directive"),
        ("no title\n", "no '# title'"),
    ],
)
def test_malformed_markup(text: str, message: str) -> None:
    """Malformed markup is a TemplateError naming the template and saying what is wrong."""
    with pytest.raises(TemplateError, match=message) as info:
        parse(text)
    assert "t.md.j2" in str(info.value)


def test_split_sentences_keeps_closing_quotes() -> None:
    """A closing quote after 。 stays with its sentence."""
    assert split_sentences("他说：“好。”然后；结束") == ["他说：“好。”", "然后；", "结束"]


@given(st.lists(st.booleans(), min_size=1, max_size=12))
def test_block_enumeration_stays_gap_free(kept: list[bool]) -> None:
    """Whatever items are omitted, the rest are numbered 一是, 二是, ... without gaps."""
    lines = [f"- 第{i}项工作。完成{'' if keep else DROP}任务。" for i, keep in enumerate(kept)]
    doc = parse("# T\n## 工作\n::: shi\n" + "\n".join(lines) + "\n:::\n## 下一步\n继续。\n")
    paragraphs = [e for e in numbered(doc) if isinstance(e, RenderedParagraph) and e.marker]
    expected = [i for i, keep in enumerate(kept) if keep]
    assert [p.marker for p in paragraphs] == [run_in_marker(n) for n in range(1, len(expected) + 1)]
    assert [p.lead for p in paragraphs] == [f"第{i}项工作。" for i in expected]
    headings = [e for e in numbered(doc) if isinstance(e, RenderedHeading)]
    assert [h.number for h in headings] == [section_number(n) for n in range(1, len(headings) + 1)]
    assert len(headings) == (2 if expected else 1)


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["", "、", DROP, "广告牌" + DROP, "  "]),
            st.text(alphabet="甲乙丙丁123", min_size=1, max_size=4),
        ),
        max_size=10,
    ),
    st.sampled_from([None, "和", "及"]),
)
def test_inline_list_leaves_no_dangling_connector(texts: list[str], last: str | None) -> None:
    """items() drops empty and omitted texts and never leaves 、 at an end or doubled."""
    joined = items(texts, last=last)
    if joined == DROP:
        assert all(not t.strip("、 ") or DROP in t for t in texts)
        return
    assert not joined.startswith("、")
    assert not joined.endswith("、")
    assert "、、" not in joined
    assert DROP not in joined


def test_figures_in_headings_and_cells_lose_their_fact_index() -> None:
    """Outside sentences a figure is its visible text only: 共3块, never 共03块."""
    doc = parse(
        f"# 总结{fact_marker(0, '3块')}\n## 发放{fact_marker(0, '3块')}\n正文。\n"
        f"::: table 表\n| 项目 | 数量 |\n| 宣传单 | {fact_marker(0, '3块')} |\n:::\n"
    )
    assert doc.title == "总结3块"
    assert doc.sections[0].heading == "发放3块"
    table = doc.sections[0].blocks[1]
    assert isinstance(table, Table)
    assert table.rows == (("宣传单", "3块"),)
