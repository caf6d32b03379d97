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
from epireport.render._layout import DRAFT_MARK, paragraph_runs
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


# Characters that end a CommonMark right-flanking run when followed by a letter: a closing **
# right after 。 and before 共 would not close (CommonMark 6.2), so the run's trailing
# punctuation goes outside the delimiters there.
_PUNCTUATION: Final = re.compile(r"[\W_]+$")


def _strong(text: str, following: str) -> str:
    """``**text**``, closing where both CommonMark and Python-Markdown see the emphasis end."""
    tail = ""
    if following and not following.isspace() and _PUNCTUATION.search(following[:1]) is None:
        match = _PUNCTUATION.search(text)
        if match is not None and match.start() > 0:
            text, tail = text[: match.start()], text[match.start() :]
    return f"**{escape_markdown(text)}**{escape_markdown(tail)}"


def _paragraph(event: RenderedParagraph) -> str:
    runs = paragraph_runs(event)
    if not any(run.bold for run in runs):
        return escape_markdown(event.text)
    bold = "".join(run.text for run in runs if run.bold)
    rest = "".join(run.text for run in runs if not run.bold)
    return _strong(bold, rest) + escape_markdown(rest)


def _cell(text: str) -> str:
    return escape_markdown(text) if text else " "


def render_markdown(document: Document, options: RenderOptions) -> str:
    r"""Draw *document* as Markdown: ``#`` title, ``##`` to ``#####`` numbered headings.

    Every paragraph is one line (a line break between Chinese characters would show as a
    space) with its marker escaped (``1\.``); an item's marker and lead sentence are strong
    (``**一是强抓社会宣传**。``, as every format sets them apart); tables are GFM pipe tables
    under their caption; the signing unit and the date are paragraphs of their own.
    """
    blocks: list[str] = []
    if options.is_draft(document.meta.draft):
        blocks.append(f"**{DRAFT_MARK}**")
    for event in numbered(document):
        if isinstance(event, RenderedTitle):
            blocks.append("# " + escape_markdown(event.text))
        elif isinstance(event, RenderedHeading):
            blocks.append("#" * (event.level + 1) + " " + escape_markdown(event.full))
        elif isinstance(event, RenderedParagraph):
            blocks.append(_paragraph(event))
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
            # Unit and date are paragraphs of their own: a hard line break (backslash, two
            # trailing spaces) is read differently by CommonMark and Python-Markdown.
            blocks.append(escape_markdown(event.unit))
            if event.date:
                blocks.append(escape_markdown(event.date))
    return "\n\n".join(blocks) + "\n"
