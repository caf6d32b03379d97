"""Markdown (CommonMark + GFM tables): one line per paragraph, data text escaped."""

import re
from typing import Final

from epireport.document import (
    Document,
    RenderedHeading,
    RenderedParagraph,
    RenderedSignature,
    RenderedTable,
    RenderedTitle,
    numbered,
)
from epireport.render._options import RenderOptions

__all__ = ["escape_markdown", "render_markdown"]

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that can start emphasis, links and images, raw HTML, code, entities, table cells,
# strikethrough or a heading's closing sequence anywhere in a line. The rest ('.', '-', '('
# ...) only matter at the start of a line.
_INLINE: Final = re.compile(r"([\\`*_\[\]<>&|~#])")
# Block syntax a paragraph could open by accident: an ordered list (1. or 1)), a bullet list,
# a block quote, a setext underline, a thematic break, a heading, a code fence.
_ORDERED: Final = re.compile(r"^(\d{1,9})([.)])")
_LEADING: Final = frozenset("-+=")


def escape_markdown(text: str) -> str:
    r"""Escape *text* so that Markdown shows it literally, as one paragraph line.

    Inline syntax (``*_[]<>`&|~#``) is backslash-escaped everywhere; a line that would open
    a list, a quote or a heading (``1.``, ``-``, ``+``, ``=``) is escaped at its start
    (``1\.``), so a numbered item stays a paragraph.
    """
    escaped = _INLINE.sub(r"\\\1", text)
    escaped = _ORDERED.sub(r"\1\\\2", escaped)
    if escaped[:1] in _LEADING:
        escaped = "\\" + escaped
    return escaped


def _cell(text: str) -> str:
    return escape_markdown(text) if text else " "


def render_markdown(document: Document, options: RenderOptions) -> str:
    r"""Draw *document* as Markdown: ``#`` title, ``##`` to ``#####`` numbered headings.

    Every paragraph is one line (a line break between Chinese characters would show as a
    space) with its marker escaped (``1\.``); tables are GFM pipe tables under their caption.
    """
    blocks: list[str] = []
    if options.is_draft(document.meta.draft):
        blocks.append("**【草稿】**")
    for event in numbered(document):
        if isinstance(event, RenderedTitle):
            blocks.append("# " + escape_markdown(event.text))
        elif isinstance(event, RenderedHeading):
            blocks.append("#" * (event.level + 1) + " " + escape_markdown(event.full))
        elif isinstance(event, RenderedParagraph):
            blocks.append(escape_markdown(event.text))
        elif isinstance(event, RenderedTable):
            if event.caption:
                blocks.append(escape_markdown(event.caption))
            rows = [
                "| " + " | ".join(_cell(c) for c in event.header) + " |",
                "|" + "|".join(" --- " for _ in event.header) + "|",
                *("| " + " | ".join(_cell(c) for c in row) + " |" for row in event.rows),
            ]
            blocks.append("\n".join(rows))
        elif isinstance(event, RenderedSignature):
            # A hard line break (backslash) keeps unit and date together but on two lines.
            sig = escape_markdown(event.unit)
            if event.date:
                sig += "\\\n" + escape_markdown(event.date)
            blocks.append(sig)
    return "\n\n".join(blocks) + "\n"
