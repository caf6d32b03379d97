import pytest

from epireport.document import Document, Meta, Paragraph, Section, Sentence, Table
from epireport.render._markdown import escape_markdown, render_markdown
from epireport.render._options import RenderOptions

OPTIONS = RenderOptions()


def _doc(*texts: str) -> Document:
    return Document(
        title="总结",
        meta=Meta("a", "b", "c"),
        preamble=tuple(Paragraph((Sentence(t),)) for t in texts),
    )


def test_property_seed(property_document: Document) -> None:
    """Headings become ## 一、 ..., items stay paragraphs with an escaped marker, one per line."""
    blocks = render_markdown(property_document, OPTIONS).split("\n\n")
    assert blocks[:4] == [
        "# 新冠肺炎疫情防控工作总结",
        "## 一、员工安全",
        "1\\.每日调查询问员工家里是否有外来人员，并测量员工体温；",
        "2\\.为员工发放防护用品，每日更换员工佩戴口罩(每人每天发放2只)，增强人体免疫力等。",
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
        ("1.每日测温", "1\\.每日测温"),
        ("12)每日测温", "12\\)每日测温"),
        ("- 口罩", "\\- 口罩"),
        ("+ 口罩", "\\+ 口罩"),
        ("# 口罩", "\\# 口罩"),
        ("> 引用", "\\> 引用"),
        ("=====", "\\====="),
        ("*强调*与_下划线_", "\\*强调\\*与\\_下划线\\_"),
        ("[链接](http://x)", "\\[链接\\](http://x)"),
        ("<b>粗</b>&amp;", "\\<b\\>粗\\</b\\>\\&amp;"),
        ("`代码`|~~删除~~", "\\`代码\\`\\|\\~\\~删除\\~\\~"),
        ("a\\b", "a\\\\b"),
        ("3.2万余", "3\\.2万余"),
        ("共3.2万余份", "共3.2万余份"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    """Markdown-significant characters in data text are backslash-escaped."""
    assert escape_markdown(text) == expected


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
        "## 一、\\<script\\>\n\n"
        "1\\.第一\n\n"
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
