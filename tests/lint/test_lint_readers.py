"""Readers: text, Markdown, HTML and DOCX into located paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from epireport.exceptions import ModelError
from epireport.lint._document import Finding, LintDocument, Paragraph, latest_date
from epireport.lint._lint import lint_file, lint_text, read_document
from epireport.lint._readers import read_html, read_markdown, read_text


def test_text_paragraphs_keep_line_and_indent() -> None:
    """Blank lines are skipped; the full-width indent is outside the paragraph but counted."""
    (first, second) = read_text("　　第一段。\n\n  第二段。\n")
    assert (first.text, first.line, first.column) == ("第一段。", 1, 3)
    assert (second.text, second.index, second.line, second.column) == ("第二段。", 2, 3, 3)


def test_markdown_strips_syntax_and_masks_links() -> None:
    """Heading marks are dropped and link targets are masked, so (url) is not punctuation."""
    paragraphs = read_markdown("# 一、总结\n\n详见[通知](http://a.b/c)。\n```\nxx\n```\n")
    assert [p.text[:4] for p in paragraphs] == ["一、总结", "详见[通"]
    findings = lint_text(
        "# 一、总结\n\n详见[通知](http://a.b/c)。\n```\nxx\n```\n", format="markdown"
    )
    assert findings == []


def test_markdown_column_counts_the_heading_mark() -> None:
    """Columns refer to the source line, heading mark included."""
    (finding,) = lint_text("## 召开x次会议", format="markdown")
    assert (finding.line, finding.column) == (1, 6)


def test_html_block_text_and_positions() -> None:
    """HTML gives the text of each block element, located at its source line and column."""
    html = (
        "<html><body>\n<h1>总结</h1>\n<p>召开<b>x</b>次会议，\n  共计120块。</p>\n"
        "<script>var xx;</script></body></html>"
    )
    paragraphs = read_html(html)
    assert [p.text for p in paragraphs] == ["总结", "召开x次会议，共计120块。"]
    (finding,) = lint_text(html, format="html")
    assert (finding.rule_id, finding.line, finding.column) == ("EPI101", 3, 9)


def test_docx_paragraph_numbers(tmp_path: Path) -> None:
    """DOCX findings are located by paragraph number (and column within it)."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、总结")
    document.add_paragraph("")
    document.add_paragraph("召开xx次会议。")
    path = tmp_path / "report.docx"
    document.save(str(path))
    (finding,) = lint_file(path)
    assert (finding.rule_id, finding.line, finding.column) == ("EPI101", 3, 3)
    assert read_document(path).format == "docx"


def test_gb18030_files_are_read(tmp_path: Path) -> None:
    """A text file saved as GB18030 reads like a UTF-8 one."""
    path = tmp_path / "report.txt"
    path.write_bytes("召开x次会议。\n".encode("gb18030"))
    assert [f.rule_id for f in lint_file(path)] == ["EPI101"]


def test_latest_date() -> None:
    """The latest full or partial date wins; partial dates count from their first day."""
    assert str(latest_date(["2020年2月1日", "2023-01-08", "2024年"])) == "2024-01-01"
    assert latest_date(["1月某日"]) is None


def test_human_format() -> None:
    """A finding prints as path:line:col: RULE [severity] message."""
    finding = Finding("EPI101", "error", "placeholder 'x' left in the text", "a.txt", 3, 7)
    assert str(finding) == "a.txt:3:7: EPI101 [error] placeholder 'x' left in the text"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Finding("EPI 1", "error", "m", "p", 1, 1), "Finding.rule_id"),
        (lambda: Finding("EPI101", "fatal", "m", "p", 1, 1), "Finding.severity"),
        (lambda: Finding("EPI101", "error", "m", "p", 0, 1), "Finding.line"),
        (lambda: Paragraph("x", 1, 1, 0), "Paragraph.column"),
        (lambda: LintDocument([], format="pdf"), "LintDocument.format"),
        (lambda: LintDocument([], date="yesterday"), "LintDocument.date"),
    ],
)
def test_validators_name_the_field(build: object, field: str) -> None:
    """Bad values raise ModelError naming class.field."""
    with pytest.raises(ModelError, match=field):
        build()  # type: ignore[operator]
