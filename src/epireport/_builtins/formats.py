"""Built-in report formats: plain text, Markdown, HTML, JSON and DOCX."""

from epireport._plugins import hookimpl
from epireport.document import Document
from epireport.render._formats import ReportFormat
from epireport.render._html import render_html
from epireport.render._json import render_json
from epireport.render._markdown import render_markdown
from epireport.render._options import RenderOptions
from epireport.render._text import render_text

__all__ = ["epireport_register_formats", "render_docx"]


def render_docx(document: Document, options: RenderOptions) -> bytes:
    """Draw *document* as DOCX; python-docx is imported only when a DOCX is asked for."""
    # Imported here: python-docx is an optional extra and slow to import.
    from epireport.render._docx import render_docx as render

    return render(document, options)


@hookimpl
def epireport_register_formats() -> list[ReportFormat]:
    """Register the built-in formats: text, markdown, html, json and docx."""
    return [
        ReportFormat(
            code="text",
            title="纯文本",
            suffix=".txt",
            media_type="text/plain",
            binary=False,
            render=render_text,
        ),
        ReportFormat(
            code="markdown",
            title="Markdown",
            suffix=".md",
            media_type="text/markdown",
            binary=False,
            render=render_markdown,
        ),
        ReportFormat(
            code="html",
            title="网页（HTML）",
            suffix=".html",
            media_type="text/html",
            binary=False,
            render=render_html,
        ),
        ReportFormat(
            code="json",
            title="JSON（文档树与数据来源）",
            suffix=".json",
            media_type="application/json",
            binary=False,
            render=render_json,
        ),
        ReportFormat(
            code="docx",
            title="Word 文档（DOCX）",
            suffix=".docx",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            binary=True,
            render=render_docx,
        ),
    ]
