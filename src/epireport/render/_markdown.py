"""Markdown (CommonMark + GFM tables): one line per paragraph, data text escaped."""

import re
import unicodedata
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
# that can start emphasis, links and images, code, table cells or a heading's closing sequence
# anywhere in a line, and that Python-Markdown unescapes as well (its tables extension: |).
_INLINE: Final = re.compile(r"([\\`*_\[\]|#>])")
# Python-Markdown leaves a backslash before < & ~ in the text: entities read alike in both.
_ENTITIES: Final = {"<": "&lt;", "&": "&amp;", "~": "&#126;"}
_ENTITY: Final = re.compile("[<&~]")
# Block syntax a paragraph line could open by accident. An ordered list needs a space (or the
# line's end) after its 1. or 1) in both parsers, a bullet list after its - or +: 1.每日 and
# 3.2万余 stay text as they are, 3. 1月28日 does not. A line of three or more - (spaces
# between allowed) is a thematic break; a block quote's > is escaped with the inline ones.
_ORDERED: Final = re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)")
_BULLET: Final = re.compile(r"^([-+])(?=[ \t]|$)|^(-)(?=(?:[ \t]*-){2,}[ \t]*$)")


def _escape_inline(text: str) -> str:
    escaped = _INLINE.sub(r"\\\1", text)
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], escaped)


def escape_markdown(text: str) -> str:
    r"""Escape *text* so that Markdown shows it literally, as one paragraph line.

    Inline syntax (``*_[]`|#>``) is backslash-escaped everywhere and ``< & ~`` written as
    entities (Python-Markdown would keep a backslash before them); a line that would open a
    list or a thematic break (``3. 1月``, ``- 口罩``, ``---``) is escaped at its start
    (``3\. 1月``), so that a numbered item stays a paragraph. Anything else is left as it
    is (``1.每日``): CommonMark and Python-Markdown both read it back as the same text.
    """
    escaped = _escape_inline(text)
    escaped = _ORDERED.sub(r"\1\\\2", escaped)
    return _BULLET.sub(r"\\\1\2", escaped)


def _is_punctuation(char: str) -> bool:
    """Punctuation or a symbol, as CommonMark's flanking rules count it (6.2)."""
    return unicodedata.category(char)[0] in "PS"


def _strong(text: str, following: str) -> str:
    """``**text**`` followed by *following*, the emphasis read alike by both parsers.

    A closing ``**`` right after punctuation (。) and before a letter (共) does not close in
    CommonMark (6.2, right-flanking). There the lead's last mark alone goes after the
    delimiters: ``**一是……“最后一公里”**。一是`` closes, since the ``**`` stands between two
    marks, and everything else HTML and DOCX set in bold, the closing quote included, is
    bold. (Moving the whole run of marks out left ``**……“最后一公里**”。``, the opening quote
    bold and the closing one not.) Closing before the 。 without moving it would need
    something between ``**`` and the letter (a ``<wbr>``, a character reference), which
    ``epireport lint`` reads as text between 。 and 一是.
    """
    tail = ""
    if (
        len(text) > 1
        and following
        and _is_punctuation(text[-1])
        and not following[0].isspace()
        and not _is_punctuation(following[0])
    ):
        text, tail = text[:-1], text[-1]
    return f"**{_escape_inline(text)}**{_escape_inline(tail + following)}"


def _paragraph(event: RenderedParagraph) -> str:
    runs = paragraph_runs(event)
    if not any(run.bold for run in runs):
        return escape_markdown(event.text)
    bold = "".join(run.text for run in runs if run.bold)
    rest = "".join(run.text for run in runs if not run.bold)
    # The line opens with **: no list, quote or break to escape at its start.
    return _strong(bold, rest)


def _cell(text: str) -> str:
    return escape_markdown(text) if text else " "


def render_markdown(document: Document, options: RenderOptions) -> str:
    r"""Draw *document* as Markdown: ``#`` title, ``##`` to ``#####`` numbered headings.

    Every paragraph is one line (a line break between Chinese characters would show as a
    space), escaped only where it would open a list (``3\. 1月28日``, not ``1.每日``); an
    item's marker and lead sentence are strong (``**一是强抓社会宣传**。`` before more text,
    the lead's closing quote included, as every format sets them apart); tables are GFM pipe tables
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
