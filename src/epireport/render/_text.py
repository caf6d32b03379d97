"""Plain text, laid out as the seeds are: one line per paragraph, indented with two 　."""

from epireport.document import (
    Document,
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTable,
    RenderedTitle,
    numbered,
)
from epireport.render._layout import DRAFT_MARK
from epireport.render._options import RenderOptions

__all__ = ["DRAFT_MARK", "INDENT", "render_text"]

#: Paragraphs and headings start with two full-width spaces, as typed in Chinese documents.
INDENT = "　　"


def render_text(document: Document, options: RenderOptions) -> str:
    """Draw *document* as plain text: the title line, then one indented line per paragraph.

    Headings carry their numbers (一、 （一） 1. （1）), enumeration items their markers; a
    table is its caption, then one tab-separated line per row; the signature follows a blank
    line. The result ends with a newline.
    """
    lines: list[str] = []
    if options.is_draft(document.meta.draft):
        lines.append(DRAFT_MARK)
    for event in numbered(document):
        # Exact types, the most frequent first: the walker makes these classes only.
        kind = type(event)
        if kind is RenderedParagraph:
            lines.append(INDENT + event.text)  # type: ignore[union-attr]
        elif kind is RenderedHeading:
            lines.append(INDENT + event.full)  # type: ignore[union-attr]
        elif isinstance(event, RenderedTitle):
            lines.append(event.text)
        elif isinstance(event, RenderedParagraph):
            lines.append(INDENT + event.text)
        elif isinstance(event, RenderedHeading):
            lines.append(INDENT + event.full)
        elif isinstance(event, RenderedTable):
            if event.caption:
                lines.append(INDENT + event.caption)
            lines.extend("\t".join(row) for row in (event.header, *event.rows))
        elif isinstance(event, RenderedSignature):
            lines.append("")
            lines.append(event.unit)
            if event.date:
                lines.append(event.date)
    return "\n".join(lines) + "\n"
