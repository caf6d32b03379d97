"""Readers: text, Markdown, HTML and DOCX into the paragraphs a :class:`LintDocument` holds.

Text and Markdown are one paragraph per non-blank line (Chinese summaries put each paragraph on
its own line). HTML gives the text of each block element; DOCX each paragraph and table cell,
numbered, through python-docx imported only when a DOCX file is read.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Final

from epireport.exceptions import InputError, Problem, UsageError
from epireport.lint._document import Paragraph

__all__ = [
    "format_of",
    "read_docx",
    "read_html",
    "read_markdown",
    "read_paragraphs",
    "read_text",
]

_SUFFIXES: Final = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}

#: Stands in for Markdown syntax the rules must not read (link targets, inline code): it is
#: neither Chinese, a digit, a space nor punctuation, so no rule fires on it or across it.
MASK: Final = "\ufffc"


def format_of(path: str | Path) -> str:
    """Return the format a file is read as, from its suffix (unknown suffixes read as text)."""
    return _SUFFIXES.get(Path(path).suffix.lower(), "text")


def read_text(text: str) -> list[Paragraph]:
    """Split plain text into paragraphs, one per non-blank line, leading indent kept out."""
    paragraphs: list[Paragraph] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        body = raw.rstrip()
        stripped = body.lstrip(" \t\u3000\ufeff")
        if not stripped:
            continue
        column = len(body) - len(stripped) + 1
        paragraphs.append(Paragraph(stripped, len(paragraphs) + 1, number, column))
    return paragraphs


_MD_PREFIX: Final = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+]\s+(?:\[[ xX]\]\s+)?|(?:\*\*|__))+")
_MD_FENCE: Final = re.compile(r"^\s*(```|~~~)")
_MD_MASKED: Final = re.compile(
    r"`[^`]*`"  # inline code
    r"|(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # link and image targets
    r"|<(?:https?|mailto):[^>]*>"  # autolinks
    r"|</?[A-Za-z][^>]*>"  # inline HTML tags
    r"|!(?=\[)"
)


def _mask(match: re.Match[str]) -> str:
    return MASK * len(match.group())


def read_markdown(text: str) -> list[Paragraph]:
    """Split Markdown into paragraphs, one per non-blank line outside code blocks.

    Heading, quote and bullet markers are left out of the paragraph (its column says where the
    text starts); link targets, inline code and tags are masked so that no rule reads them.
    """
    paragraphs: list[Paragraph] = []
    in_fence = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if _MD_FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        body = raw.rstrip()
        stripped = body.lstrip(" \t\u3000\ufeff")
        prefix = _MD_PREFIX.match(stripped)
        if prefix:
            stripped = stripped[prefix.end() :]
        if not stripped.strip("|-: ") or set(stripped) <= {"-", "*", "_", "=", " "}:
            continue  # table rules and thematic breaks carry no prose
        column = len(body) - len(stripped) + 1
        masked = _MD_MASKED.sub(_mask, stripped)
        paragraphs.append(Paragraph(masked, len(paragraphs) + 1, number, column))
    return paragraphs


_BLOCKS: Final = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "td",
        "th",
        "dt",
        "dd",
        "caption",
        "blockquote",
        "pre",
        "div",
        "title",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "table",
        "tr",
        "ul",
        "ol",
        "dl",
        "body",
        "html",
        "address",
    ]
)
_SKIPPED: Final = frozenset({"script", "style", "template", "head"})
_CJK: Final = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


class _BlockText(HTMLParser):
    """Collects the text of block elements with the source place of every piece."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[Paragraph] = []
        self._text: list[str] = []
        self._length = 0
        self._segments: list[tuple[int, int, int]] = []
        self._skip = 0
        self._title_kept = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED and not (tag == "head" and self._title_kept):
            self._skip += 1
        elif tag == "br" or tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        line, column = self.getpos()  # column is 0-based
        for number, piece in enumerate(data.split("\n")):
            if number:
                line, column = line + 1, 0
            lead = len(piece) - len(piece.lstrip())
            body = piece.strip() if number or self._length == 0 else piece.rstrip()
            if not piece.strip():
                continue
            if number and self._text and self._length:
                # A line break inside a block is a space between Latin words, nothing in Chinese.
                prev = self._text[-1][-1:]
                if not (_CJK.match(prev) or _CJK.match(body[:1])):
                    self._text.append(" ")
                    self._length += 1
            start_col = column + (lead if (number or self._length == 0) else 0) + 1
            self._segments.append((self._length, line, start_col))
            self._text.append(body)
            self._length += len(body)

    def _flush(self) -> None:
        text = "".join(self._text).rstrip()
        if text:
            _, line, column = self._segments[0]
            paragraph = Paragraph(
                text, len(self.paragraphs) + 1, line, column, tuple(self._segments)
            )
            self.paragraphs.append(paragraph)
        self._text, self._length, self._segments = [], 0, []

    def close(self) -> None:
        super().close()
        self._flush()


def read_html(text: str) -> list[Paragraph]:
    """Return the text of each block element (p, li, td, h1 ...) of an HTML page as paragraphs."""
    parser = _BlockText()
    parser.feed(text)
    parser.close()
    return parser.paragraphs


def read_docx(path: str | Path) -> list[Paragraph]:
    """Return the paragraphs (then table cells) of a DOCX file; ``line`` is the paragraph number.

    Needs python-docx (``pip install epireport[docx]``).
    """
    try:
        import docx
    except ImportError:  # pragma: no cover - depends on the environment
        raise UsageError("reading DOCX needs python-docx: pip install 'epireport[docx]'") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zipfile and lxml errors of many kinds
        raise InputError([Problem(str(path), f"cannot read as DOCX: {exc}")]) from exc
    texts: list[str] = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    paragraphs: list[Paragraph] = []
    for number, raw in enumerate(texts, start=1):
        stripped = raw.strip(" \t\u3000\n")
        if stripped:
            lead = len(raw) - len(raw.lstrip(" \t\u3000\n"))
            paragraphs.append(Paragraph(stripped, len(paragraphs) + 1, number, lead + 1))
    return paragraphs


def read_paragraphs(text: str, format: str) -> list[Paragraph]:
    """Split already-read *text* of a text format (text, markdown, html) into paragraphs."""
    if format == "text":
        return read_text(text)
    if format == "markdown":
        return read_markdown(text)
    if format == "html":
        return read_html(text)
    raise UsageError(f"lint: cannot read {format!r} from text; expected text, markdown or html")
