import html as htmllib
import re

import pytest

from epireport.document import (
    Document,
    Enumeration,
    EnumerationItem,
    EnumerationStyle,
    Meta,
    Paragraph,
    Section,
    Sentence,
    Table,
)
from epireport.render._markdown import escape_markdown, render_markdown
from epireport.render._options import RenderOptions

OPTIONS = RenderOptions()
markdown = pytest.importorskip("markdown")
markdown_it = pytest.importorskip("markdown_it")
#: The two readers a summary's Markdown must read alike: Python-Markdown (with GFM-like
#: tables) and markdown-it-py's CommonMark.
PARSERS = (
    lambda source: markdown.markdown(source, extensions=["tables"]),
    markdown_it.MarkdownIt("commonmark").render,
)


def plain(html: str) -> str:
    """The text of an HTML fragment: tags dropped, references decoded."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html))


def _doc(*texts: str) -> Document:
    return Document(
        title="总结",
        meta=Meta("a", "b", "c"),
        preamble=tuple(Paragraph((Sentence(t),)) for t in texts),
    )


def test_property_seed(property_document: Document) -> None:
    """Headings become ## 一、 ..., items stay paragraphs, one per line, their 1. unescaped.

    ``1.每日`` opens no list in CommonMark or Python-Markdown (both want a space after the
    dot), so it is written as it is: a backslash there only shows in the source.
    """
    blocks = render_markdown(property_document, OPTIONS).split("\n\n")
    assert blocks[:4] == [
        "# 新冠肺炎疫情防控工作总结",
        "## 一、员工安全",
        "1.每日调查询问员工家里是否有外来人员，并测量员工体温；",
        "2.为员工发放防护用品，每日更换员工佩戴口罩(每人每天发放2只)，增强人体免疫力等。",
    ]
    # Unit and date are paragraphs of their own (no hard line break: see TestSignature).
    assert blocks[-2:] == ["某某物业服务中心", "2020年2月10日\n"]
    assert all("\n" not in b for b in blocks[:-1])


def test_education_inline_lists_are_one_paragraph(education_document: Document) -> None:
    """An item with an inline list is a single Markdown paragraph."""
    blocks = render_markdown(education_document, OPTIONS).rstrip("\n").split("\n\n")
    assert len(blocks) == 5
    assert blocks[2].startswith("**一是完善三项制度，落实网格管理**。一是建立")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.每日测温", "1.每日测温"),
        ("3. 1月28日开始", "3\\. 1月28日开始"),
        ("12)每日测温", "12)每日测温"),
        ("12) 每日测温", "12\\) 每日测温"),
        ("1.", "1\\."),
        ("- 口罩", "\\- 口罩"),
        ("-口罩", "-口罩"),
        ("+ 口罩", "\\+ 口罩"),
        ("---", "\\---"),
        ("- - -", "\\- - -"),
        ("# 口罩", "\\# 口罩"),
        ("> 引用", "\\> 引用"),
        ("=====", "====="),
        ("*强调*与_下划线_", "\\*强调\\*与\\_下划线\\_"),
        ("[链接](http://x)", "\\[链接\\](http://x)"),
        ("<b>粗</b>&amp;", "&lt;b\\>粗&lt;/b\\>&amp;amp;"),
        ("`代码`|~~删除~~", "\\`代码\\`\\|&#126;&#126;删除&#126;&#126;"),
        ("a\\b", "a\\\\b"),
        ("3.2万余", "3.2万余"),
        ("共3.2万余份", "共3.2万余份"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    """Markdown-significant characters in data text are backslash-escaped."""
    assert escape_markdown(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.每日测温",
        "3. 1月28日开始",
        "12) 每日测温",
        "1.",
        "- 口罩",
        "+ 口罩",
        "---",
        "- - -",
        "# 口罩",
        "> 引用",
        "=====",
        "*强调*与_下划线_",
        "[链接](http://x)",
        "<b>粗</b>&amp;",
        "`代码`|~~删除~~",
        "a\\b",
        "3.2万余",
        "5～15片",
    ],
)
def test_escaped_text_reads_back_the_same(text: str) -> None:
    """CommonMark and Python-Markdown both read the escaped text back as one paragraph of it."""
    for parse in PARSERS:
        html = parse(escape_markdown(text)).strip()
        assert html.startswith("<p>"), (parse, html)
        assert html.endswith("</p>"), (parse, html)
        assert plain(html) == text, (parse, html)


def test_data_is_escaped_in_paragraphs_headings_and_tables() -> None:
    """Headings, paragraphs and table cells all go through the escaper."""
    tree = Document(
        title="总结*",
        meta=Meta("a", "b", "c"),
        sections=(
            Section(
                "<script>",
                (Paragraph((Sentence("1.第一"),)), Table("表|1", ("a|b", ""), (("*", "_"),))),
            ),
        ),
    )
    assert render_markdown(tree, OPTIONS) == (
        "# 总结\\*\n\n"
        "## 一、&lt;script\\>\n\n"
        "1.第一\n\n"
        "表\\|1\n\n"
        "| a\\|b |   |\n| --- | --- |\n| \\* | \\_ |\n"
    )


def test_soft_breaks_are_joined() -> None:
    """A newline between Chinese characters disappears instead of showing as a space."""
    assert render_markdown(_doc("防控\n宣传"), OPTIONS) == "# 总结\n\n防控宣传\n"


def test_draft_mark(property_document: Document) -> None:
    """Drafts start with a bold 【草稿】 paragraph."""
    assert render_markdown(property_document, RenderOptions(draft=True)).startswith(
        "**【草稿】**\n\n# "
    )


@pytest.mark.parametrize(
    "institution", ["district-publicity", "education-bureau", "property-company"]
)
def test_reference_summaries_read_alike(institution: str) -> None:
    """Both parsers read each reference summary back as its paragraphs, leads bold as in HTML.

    No paragraph turns into a list, none keeps a backslash, and each strong element holds the
    lead HTML and DOCX set in bold (一是强抓社会宣传，打通宣传“最后一公里”。), its closing quote
    included: only a final 。 before a letter stands after the ``**``, where CommonMark
    could not close the emphasis otherwise.
    """
    from epireport import build_document, demo_input
    from epireport.document import RenderedParagraph, numbered
    from epireport.render._layout import paragraph_runs

    document, _ = build_document(demo_input(institution))
    paragraphs = [e for e in numbered(document) if isinstance(e, RenderedParagraph)]
    leads = ["".join(r.text for r in paragraph_runs(e) if r.bold) for e in paragraphs]
    source = render_markdown(document, OPTIONS)
    for parse in PARSERS:
        html = parse(source)
        assert "<ol" not in html
        assert "<ul" not in html
        assert "\\" not in plain(html)
        texts = [plain(p) for p in re.findall(r"<p>(.*?)</p>", html)]
        for event in paragraphs:
            assert event.text in texts, (parse, event.text)
        strong = [plain(s) for s in re.findall(r"<strong>(.*?)</strong>", html)]
        assert strong == [lead.removesuffix("。") for lead in leads if lead], parse
        assert all(lead.endswith("。") for lead in leads if lead)


def test_lead_keeps_its_closing_quote_bold() -> None:
    """``**一是……“最后一公里”**。``: the quote closes inside the emphasis, as in HTML and DOCX."""
    item = EnumerationItem(
        Sentence("强抓社会宣传，打通宣传“最后一公里”。"),
        (Paragraph((Sentence("共发放宣传单。"),)),),
    )
    document = Document(
        title="总结",
        meta=Meta("a", "b", "c"),
        preamble=(Enumeration((item,), EnumerationStyle.SHI, False),),
    )
    source = render_markdown(document, OPTIONS)
    assert "**一是强抓社会宣传，打通宣传“最后一公里”**。共发放宣传单。" in source
    for parse in PARSERS:
        assert "<strong>一是强抓社会宣传，打通宣传“最后一公里”</strong>。共发放" in parse(source)
