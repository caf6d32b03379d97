"""The invisible markers between a template's output and the markup parser, and nowhere else.

A figure in prose must stay attached to its fact on its way from ``figure("leaflets")`` to a
:class:`~epireport.document.Sentence`. Jinja2 only moves strings, so the way out of a template
is an internal *markup stream* in which private-use characters mark each figure
(``FACT_OPEN <index> FACT_MID <visible text> FACT_CLOSE``, the index into the render's
:class:`~epireport.document.FactRef` list), each omission (:data:`DROP`) and each *slot* (a
figure marker without an index: the plain words a template prints, which compiled plans fill
in; :mod:`epireport.narrative._compiled`).

Those characters must never be seen by a template author: ``{{ figure("leaflets") | length }}``
is the length of 3.2万余张, and ``[:2]`` cannot cut a marker in half. So, as markupsafe's
``Markup`` carries "already escaped" through Jinja2, a :class:`MarkedText` carries the markers
*beside* its value: it is a ``str`` whose value is exactly the visible text (what ``len``,
slicing, iteration, comparisons and every filter see) and which knows its markup form
(:meth:`MarkedText._to_markup`). The markup form is produced only where a value is printed
(the environment's ``finalize``) or joined with others in a way that keeps figures
(``~``, ``+``, ``| join``, :func:`~epireport.narrative._figures.items`), and read back only by
the parser; captured output (``{% set %}…{% endset %}``, macros, ``caller()``, ``super()``)
comes back through :func:`concat` as a :class:`MarkedText` again.

What does not keep the fact: any filter or method that makes new text from a figure
(``| upper``, ``| replace``, ``[:2]``, ``"%s" % …``, ``.format``) gives plain ``str``, the
visible text without its fact, as Markup's methods give plain text when they cannot keep the
escaping. Print the figure itself and write the words around it.

This module is the one place that knows the encoding: the constants, the writers
(:func:`fact_marker`, :func:`slot`) and the reader's helpers (:func:`strip_markers`,
:func:`has_markers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = [
    "DROP",
    "DROPPED",
    "FACT_CLOSE",
    "FACT_MID",
    "FACT_OPEN",
    "MARKER_CHARS",
    "MarkedText",
    "concat",
    "fact_marker",
    "has_markers",
    "join",
    "join_values",
    "marked",
    "marked_figure",
    "markup_of",
    "slot",
    "strip_markers",
]

#: Opens a figure: ``FACT_OPEN <index> FACT_MID <visible text> FACT_CLOSE``.
FACT_OPEN: Final = "\ue000"
#: Separates a figure's fact index from its visible text.
FACT_MID: Final = "\ue001"
#: Closes a figure.
FACT_CLOSE: Final = "\ue002"
#: An omission: the sentence (or heading, or table row) holding it disappears.
DROP: Final = "\ue003"
#: Every character the markup reserves; they never reach the document.
MARKER_CHARS: Final = FACT_OPEN + FACT_MID + FACT_CLOSE + DROP

_MARKERS_RE: Final = re.compile(f"[{MARKER_CHARS}]")
# The head of a figure or slot marker: FACT_OPEN, the fact index (none for a slot), FACT_MID.
_MARKER_HEAD_RE: Final = re.compile(f"{FACT_OPEN}\\d*{FACT_MID}")


def fact_marker(index: int, text: str) -> str:
    """Wrap the visible *text* of a figure with the invisible reference to fact *index*."""
    return f"{FACT_OPEN}{index}{FACT_MID}{text}{FACT_CLOSE}"


def slot(text: str) -> str:
    """Mark *text*, words a template printed, as a slot: a figure marker with no fact.

    The parser keeps the text and drops the markers, as for a figure; the environment's
    ``finalize`` marks every neutral ``{{ }}`` output so (see
    :func:`~epireport.narrative._markup.is_neutral`).
    """
    return f"{FACT_OPEN}{FACT_MID}{text}{FACT_CLOSE}"


def has_markers(text: str) -> bool:
    """Whether *text* holds any marker character (four scans in C, no regex)."""
    return FACT_MID in text or DROP in text or FACT_OPEN in text or FACT_CLOSE in text


def strip_markers(text: str) -> str:
    """Remove the markers from *text*, keeping the visible figures and words.

    A figure's fact index goes with its markers (``共{marker}`` reads 共3块, not 共03块), then
    any stray marker character.
    """
    if FACT_OPEN in text:
        text = _MARKER_HEAD_RE.sub("", text)
    return _MARKERS_RE.sub("", text)


class MarkedText(str):
    """Text a template can use as text, carrying the figures and omissions it holds.

    The ``str`` value is the visible text only: ``len``, slicing, iteration, comparison and
    Jinja2's filters see what the reader will read. The markup form (the same text with its
    invisible markers) is what the environment prints into the markup stream. A
    :class:`MarkedText` is falsy when nothing is visible, an omitted figure included.

    ``+`` with another string keeps the figures of both; anything else that makes new text
    from it (``upper()``, ``replace()``, slicing, ``%``) gives a plain ``str`` of visible text.
    """

    # A str subclass cannot have slots of its own: the markup form lives in the instance dict.
    _markup: str

    @classmethod
    def _of(cls, visible: str, markup: str) -> MarkedText:
        """The text whose visible value is *visible* and whose markup form is *markup*."""
        self = str.__new__(cls, visible)
        self._markup = markup
        return self

    def _to_markup(self) -> str:
        """Return the markup form, invisible markers included (for the environment)."""
        return self._markup

    def __add__(self, other: str) -> str:
        """``self + other``: the visible texts joined, the figures of both kept."""
        if isinstance(other, str):
            return join_values((self, other))
        return NotImplemented

    def __radd__(self, other: str) -> str:
        """``other + self`` (Python asks the subclass first): the figures of both kept."""
        if isinstance(other, str):
            return join_values((other, self))
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"


def markup_of(value: object) -> str:
    """The markup form of *value*: a :class:`MarkedText`'s own, else ``str(value)``."""
    if isinstance(value, MarkedText):
        return value._to_markup()
    return value if type(value) is str else str(value)


def marked(markup: str) -> str:
    """The template-facing text of a markup form: plain when it holds no marker."""
    if has_markers(markup):
        return MarkedText._of(strip_markers(markup), markup)
    return markup


def marked_figure(index: int, text: str) -> MarkedText:
    """A figure (fact *index*, visible *text*) as templates see it: no regex needed."""
    return MarkedText._of(text, fact_marker(index, text))


#: What an omission looks like to a template: nothing visible (falsy, ``| length`` 0).
DROPPED: Final = MarkedText._of("", DROP)


def join_values(values: Iterable[object]) -> str:
    """Join *values* as Jinja2's ``~`` does (``str`` of each), keeping their figures.

    Plain ``str`` when no value is a :class:`MarkedText`, as Jinja2's own join gives.
    """
    visible: list[str] = []
    markup: list[str] = []
    kept = False
    for value in values:
        if isinstance(value, MarkedText):
            kept = True
            visible.append(value)
            markup.append(value._to_markup())
        else:
            text = str(value)
            visible.append(text)
            markup.append(text)
    if not kept:
        return "".join(visible)
    return MarkedText._of("".join(visible), "".join(markup))


def join(separator: object, values: Iterable[object]) -> str:
    """``separator.join(values)`` keeping the figures of the values (the ``| join`` filter)."""
    items = list(values)
    sep = str(separator)
    if not any(isinstance(v, MarkedText) for v in items):
        return sep.join(map(str, items))
    return MarkedText._of(
        sep.join(map(str, items)), markup_of(separator).join(map(markup_of, items))
    )


def concat(pieces: Iterable[str]) -> str:
    """Join captured output (the pieces Jinja2 yields, already in markup form).

    The environment's ``concat``: what a ``{% set %}`` block, a macro, ``caller()`` or
    ``super()`` returns to the template is a :class:`MarkedText` when it holds markers, so a
    filter on it sees its visible text, and printing it prints its markup form again.
    """
    text = "".join(pieces)
    if has_markers(text):
        return MarkedText._of(strip_markers(text), text)
    return text
