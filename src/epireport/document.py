"""The document tree: what templates produce, renderers draw, the linter and JSON output read.

A :class:`Document` holds a title, its :class:`Meta`, a preamble, numbered sections
(:class:`Section`), a closing and a :class:`Signature`. Prose is made of paragraphs
(:class:`Paragraph`) of sentences (:class:`Sentence`); every figure a sentence uses is a
:class:`FactRef` pointing back at the fact and the data values behind it.

Nothing in the tree is numbered: heading numbers (一、 （一） 1. （1）) and enumeration markers
(一是, 第一，, 1., （1）, （一）) come from position, so omitting an item renumbers the rest. The
one place that computes them is :func:`numbered`, a walker yielding render events with numbers
and markers attached; every renderer draws those events and none numbers on its own.

Text that cannot go into XML (control characters other than tab and newline, lone surrogates,
U+FFFE/U+FFFF) is removed by :func:`clean_text` when the tree is built and again when it is
walked, so no renderer can crash on it or write a corrupt file.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final, TypeAlias

import attrs

from epireport.exceptions import ModelError
from epireport.narrative._dates import format_date
from epireport.narrative._numerals import chinese_numeral, run_in_marker, section_number

__all__ = [
    "MAX_SECTION_DEPTH",
    "Block",
    "Document",
    "Enumeration",
    "EnumerationItem",
    "EnumerationStyle",
    "Event",
    "FactRef",
    "Meta",
    "Paragraph",
    "RenderedHeading",
    "RenderedParagraph",
    "RenderedSignature",
    "RenderedTable",
    "RenderedTitle",
    "Section",
    "Sentence",
    "Signature",
    "Table",
    "Violation",
    "clean_text",
    "enumeration_marker",
    "format_date",
    "numbered",
    "one_line",
    "tidy_punctuation",
]

#: Sections nest at most this deep: 一、 → （一） → 1. → （1） (GB/T 9704).
MAX_SECTION_DEPTH: Final = 4

# ---------------------------------------------------------------------------------------------
# Text hygiene: one helper set, used by the tree's converters and by the walker.

# XML 1.0 forbids C0 controls except \t \n \r, lone surrogates and U+FFFE/U+FFFF; \r and the C1
# controls are legal XML but never meant in prose, so they go too ("control characters other
# than tab and newline").
_NOT_XML: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CJK: Final = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_BREAK: Final = re.compile(r"[ \t]*\n[ \t\n]*")
# A separator right before terminal punctuation (；。 ，。 、。) is always a joining mistake.
_SEP_BEFORE_END: Final = re.compile(r"[，,、；;：:\s]+(?=[。！？!?])")
# Whether _SEP_BEFORE_END has anything to do. The regex engine tries that class at every
# position (slow on CJK text); this one scans for the few terminal characters and only then
# looks behind, several times faster, and almost every text is already tidy.
_SEP_BEFORE_END_SEEN: Final = re.compile(r"[。！？!?](?<=[，,、；;：:\s].)")
_SEPARATORS: Final = "，,、；;：:"
_CLAUSE_SEPARATORS: Final = "，,、；;"
_TERMINALS: Final = "。！？!?…"
# Closing quotes and brackets may follow terminal punctuation: 。” still ends a sentence.
_CLOSERS: Final = "”’」』）)》〉】]\"'"


def clean_text(text: str) -> str:
    """Remove characters that cannot go into XML: controls other than tab and newline, etc.

    Used for every string of the tree (by its converters; the internal ``_trusted``
    constructors take only strings checked to need nothing) and again by :func:`numbered`,
    so that no renderer meets them: the HTML, DOCX and JSON outputs stay well-formed.
    """
    return _NOT_XML.sub("", text)


def _is_clean(text: str) -> bool:
    """Whether :func:`clean_text` would leave *text* as it is (for the trusted constructors)."""
    # Ids, codes and numbers are ASCII: isascii() is free and isprintable() a quick C loop
    # (False for tab and newline too, which are clean: the regex decides then).
    if text.isascii() and text.isprintable():
        return True
    return _NOT_XML.search(text) is None


def one_line(text: str) -> str:
    """Join the lines of *text* into one: nothing between Chinese characters, else one space.

    A paragraph is one line in every output; a soft break between Chinese characters would
    show as a stray space in Markdown and HTML, so it disappears instead.
    """
    if "\n" not in text:
        return text

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if not before or not after or (_CJK.match(before) and _CJK.match(after)):
            return ""
        return " "

    return _BREAK.sub(join, text)


def tidy_punctuation(text: str) -> str:
    """Drop separators that stand right before terminal punctuation: ``；。`` becomes ``。``."""
    if _SEP_BEFORE_END_SEEN.search(text) is None:
        return text
    return _SEP_BEFORE_END.sub("", text)


def _line(text: str) -> str:
    """Make *text* drawable: XML-safe, one line, tidy punctuation, no outer whitespace."""
    return tidy_punctuation(one_line(clean_text(text))).strip()


def _ends_terminal(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINALS


def _ends_punctuated(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and (stripped[-1] in _TERMINALS or stripped[-1] in _SEPARATORS)


def _close(text: str, end: str) -> str:
    """End *text* with *end* (；or 。) unless it already ends a sentence; never leave ；。 or 、."""
    if not text or _ends_terminal(text):
        return text
    return text.rstrip(_SEPARATORS) + end if text.rstrip(_SEPARATORS) else ""


def _close_paragraph(text: str) -> str:
    """End a free paragraph: a trailing clause separator (、，；) becomes 。, a colon stays."""
    if text and text[-1] in _CLAUSE_SEPARATORS:
        stripped = text.rstrip(_CLAUSE_SEPARATORS)
        return stripped + "。" if stripped and not _ends_terminal(stripped) else stripped
    return text


def _joint(left: str, right_is_enumeration: bool) -> str:
    """Return what joins *left* to more of its paragraph: 。, ：before a list, or nothing."""
    if not left or _ends_punctuated(left):
        return ""
    return "：" if right_is_enumeration else "。"


def _glue(left: str, right: str, right_is_enumeration: bool) -> str:
    """Concatenate two pieces of one paragraph, punctuating the seam if needed."""
    if not right:
        return left
    return left + _joint(left, right_is_enumeration) + right


def _blank(text: str) -> bool:
    return not text.strip(_SEPARATORS + " \t\n\u3000")


# ---------------------------------------------------------------------------------------------
# Validators and converters.


def _owner(instance: Any, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _clean(value: object) -> object:
    # Converters run before validators: non-strings pass through to be rejected by name.
    return clean_text(value) if isinstance(value, str) else value


def _clean_optional(value: object) -> object:
    return None if value is None else _clean(value)


def _as_tuple(value: object) -> object:
    # Lists from code and from JSON become tuples; strings are not sequences of anything here.
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def _clean_strings(value: object) -> object:
    value = _as_tuple(value)
    if isinstance(value, tuple):
        return tuple(_clean(v) for v in value)
    return value


def _clean_rows(value: object) -> object:
    value = _as_tuple(value)
    if isinstance(value, tuple):
        return tuple(_clean_strings(row) for row in value)
    return value


def _string(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(f"{_owner(instance, attribute)}: expected a string, got {value!r}")


def _optional_string(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _string(instance, attribute, value)


def _has_words(value: str) -> bool:
    """Whether *value* is not blank as a heading or title (what ``_non_blank`` requires)."""
    return bool(_line(value).strip(_SEPARATORS + " "))


def _non_blank(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _has_words(value):
        raise ModelError(f"{_owner(instance, attribute)}: expected a non-blank text, got {value!r}")


def _optional_non_blank(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _non_blank(instance, attribute, value)


def _bool(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ModelError(f"{_owner(instance, attribute)}: expected True or False, got {value!r}")


def _tuple_of(*types: type) -> Callable[[Any, attrs.Attribute[Any], object], None]:
    names = " or ".join(t.__name__ for t in types)

    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise ModelError(
                f"{_owner(instance, attribute)}: expected a sequence of {names}, got {value!r}"
            )
        for i, item in enumerate(value):
            if not isinstance(item, types):
                raise ModelError(
                    f"{_owner(instance, attribute)}[{i}]: expected {names}, got {item!r}"
                )

    return check


# ---------------------------------------------------------------------------------------------
# The tree.

# For the trusted constructors (``_trusted``): what attrs' generated __init__ of a frozen
# slotted class does, minus converters and validators. The slots' own descriptors set a
# field a third faster than object.__setattr__ (no lookup of the name on the class).
_new: Final = object.__new__


def _slot_setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    return tuple(cls.__dict__[name].__set__ for name in names)


@attrs.frozen
class FactRef:
    """A figure used in prose and where it comes from.

    ``fact_id`` names the fact (indicator × unit × period, also given separately), ``text`` is
    the figure as written ("3.2万余"), ``value`` the exact value as text ("32418") and
    ``sources`` the ids of the data values behind it (provenance for the JSON output and the
    linter). ``fact`` is the fact itself (an :class:`epireport.facts.Fact`, or the mapping
    :meth:`Document.from_dict` read back): the JSON output writes its status, reason, coverage
    and comparisons beside the figure. It is not compared: two refs to one figure are equal.
    """

    fact_id: str = attrs.field(converter=_clean, validator=_non_blank)
    indicator: str = attrs.field(converter=_clean, validator=_string)
    unit: str = attrs.field(converter=_clean, validator=_string)
    period: str = attrs.field(converter=_clean, validator=_string)
    text: str = attrs.field(converter=_clean, validator=_string)
    value: str | None = attrs.field(
        default=None, converter=_clean_optional, validator=_optional_string
    )
    sources: tuple[str, ...] = attrs.field(
        default=(), converter=_clean_strings, validator=_tuple_of(str)
    )
    fact: Any = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def _trusted(
        cls,
        fact_id: str,
        indicator: str,
        unit: str,
        period: str,
        text: str,
        value: str | None,
        sources: tuple[str, ...],
        fact: Any = None,
    ) -> FactRef:
        """Build a FactRef without running converters and validators (internal fast path).

        Only for callers that guarantee what the public constructor would: every string
        already clean (``_is_clean``), ``fact_id`` not blank, ``sources`` a tuple of strings.
        The figure functions build one per figure, and re-cleaning seven strings they made
        themselves was the single largest cost of composing a report. Objects built by users,
        plugins and :meth:`Document.from_dict` always go through the validating constructor.
        """
        self = _new(cls)
        (set_fact_id, set_indicator, set_unit, set_period, set_text, set_value, set_sources,
         set_fact) = _FACT_REF_SLOTS  # fmt: skip
        set_fact_id(self, fact_id)
        set_indicator(self, indicator)
        set_unit(self, unit)
        set_period(self, period)
        set_text(self, text)
        set_value(self, value)
        set_sources(self, sources)
        set_fact(self, fact)
        return self


_FACT_REF_SLOTS: Final = _slot_setters(
    FactRef, "fact_id", "indicator", "unit", "period", "text", "value", "sources", "fact"
)


@attrs.frozen
class Sentence:
    """The smallest unit carrying figures: its text and the facts its figures come from.

    :attr:`spans` says where each figure stands in ``text``.
    """

    text: str = attrs.field(converter=_clean, validator=_string)
    facts: tuple[FactRef, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_tuple_of(FactRef)
    )

    @functools.cached_property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Where each figure stands in ``text``: ``(start, end)`` per fact, in order.

        The markup parser and compiled plans set them as they build the text (exact); for a
        sentence built otherwise they are looked for: each fact's figure as written, in
        order, a whole number (not a piece of a longer one), preferring one that is not part
        of a date. ``(-1, -1)`` for a figure not found. Not a field: not compared.
        """
        return _find_spans(self.text, self.facts)

    @classmethod
    def _trusted(cls, text: str, facts: tuple[FactRef, ...]) -> Sentence:
        """Build a Sentence without converters and validators (internal fast path).

        Only for callers that guarantee a clean ``text`` (``_is_clean``) and a tuple of
        :class:`FactRef` objects: the markup parser, which checks the whole rendered markup
        and the refs once instead of every sentence again.
        """
        self = _new(cls)
        _SET_SENTENCE_TEXT(self, text)
        _SET_SENTENCE_FACTS(self, facts)
        return self


_SET_SENTENCE_TEXT, _SET_SENTENCE_FACTS, _SET_SENTENCE_SPANS = _slot_setters(
    Sentence, "text", "facts", "spans"
)


def _preset_spans(sentence: Sentence, spans: tuple[tuple[int, int], ...]) -> Sentence:
    """Give *sentence* the spans its builder worked out (the parser's, a plan's); return it."""
    _SET_SENTENCE_SPANS(sentence, spans)
    return sentence


# A figure's neighbours that make it part of a longer number (3 in 2023, 12.5 in 12.55).
_NUMBER_BEFORE: Final = "0123456789.,"
_NUMBER_AFTER: Final = "0123456789"
# What follows a number that is part of a date or a time (2月, 7日, 2020年), not a figure.
_DATE_AFTER: Final = "年月日时点号"


def _find_spans(text: str, facts: tuple[FactRef, ...]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for ref in facts:
        figure = ref.text
        found = -1
        fallback = -1
        start = text.find(figure, cursor) if figure else -1
        while start != -1:
            end = start + len(figure)
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            whole = not (before and before in _NUMBER_BEFORE and figure[:1].isdigit()) and not (
                after
                and (after in _NUMBER_AFTER or (after == "." and text[end + 1 : end + 2].isdigit()))
                and figure[-1:].isdigit()
            )
            if whole:
                if after and after in _DATE_AFTER:
                    fallback = start if fallback == -1 else fallback
                else:
                    found = start
                    break
            start = text.find(figure, start + 1)
        found = fallback if found == -1 else found
        if found == -1:
            spans.append((-1, -1))
        else:
            spans.append((found, found + len(figure)))
            cursor = found + len(figure)
    return tuple(spans)


@attrs.frozen
class Paragraph:
    """A paragraph of prose: sentences drawn one after another on one line."""

    sentences: tuple[Sentence, ...] = attrs.field(
        converter=_as_tuple, validator=_tuple_of(Sentence)
    )

    @classmethod
    def _trusted(cls, sentences: tuple[Sentence, ...]) -> Paragraph:
        """Build a Paragraph from a tuple of Sentences, unchecked (the markup parser's path)."""
        self = _new(cls)
        _SET_PARAGRAPH_SENTENCES(self, sentences)
        return self

    @property
    def text(self) -> str:
        """The paragraph's text: its sentences concatenated."""
        return "".join([s.text for s in self.sentences])  # a list joins faster than a generator

    @property
    def facts(self) -> tuple[FactRef, ...]:
        """Every fact the paragraph's sentences use, in order."""
        return tuple([f for s in self.sentences for f in s.facts])


(_SET_PARAGRAPH_SENTENCES,) = _slot_setters(Paragraph, "sentences")


class EnumerationStyle(enum.Enum):
    """How the items of an enumeration are marked; markers come from position."""

    #: 一是 二是 三是 (run-in points of a work summary).
    SHI = "shi"
    #: 第一， 第二， 第三，
    DI = "di"
    #: 1. 2. 3.
    ARABIC = "arabic"
    #: 1、 2、 3、 (the item style many offices use; chosen per institution)
    ARABIC_DUN = "arabic_dun"
    #: （1） （2） （3）
    PAREN_ARABIC = "paren_arabic"
    #: （一） （二） （三）
    PAREN_CHINESE = "paren_chinese"


def enumeration_marker(n: int, style: EnumerationStyle) -> str:
    """Return the marker of the *n*-th item (from 1): 一是, 第一，, 1., 1、, （1） or （一）."""
    if type(n) is not int or n < 1:
        raise ModelError(f"enumeration_marker.n: expected a positive int, not {n!r}")
    if style is EnumerationStyle.SHI:
        return run_in_marker(n, "shi")
    if style is EnumerationStyle.DI:
        return run_in_marker(n, "di") + "，"
    if style is EnumerationStyle.ARABIC:
        return f"{n}."
    if style is EnumerationStyle.ARABIC_DUN:
        return f"{n}、"
    if style is EnumerationStyle.PAREN_ARABIC:
        return f"（{n}）"
    return f"（{chinese_numeral(n)}）"


def _style(value: object) -> object:
    if isinstance(value, EnumerationStyle):
        return value
    try:
        return EnumerationStyle(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in EnumerationStyle)
        raise ModelError(f"Enumeration.style: expected one of {allowed}, got {value!r}") from None


def _lead(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Sentence):
        raise ModelError(f"EnumerationItem.lead: expected a Sentence or None, got {value!r}")


def _item_blocks(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_blocks(instance, attribute, value)  # defined once Table exists


@attrs.frozen
class EnumerationItem:
    """One item of an enumeration: an optional lead sentence, then blocks.

    In a block enumeration the marker, the lead and the first block (when it is a paragraph
    or an inline enumeration) make the item's first paragraph ("一是完善三项制度，落实网格
    管理。一是建立……"); further blocks follow as their own paragraphs.
    """

    lead: Sentence | None = attrs.field(default=None, validator=_lead)
    blocks: tuple[Block, ...] = attrs.field(default=(), converter=_as_tuple, validator=_item_blocks)

    @classmethod
    def _trusted(cls, lead: Sentence | None, blocks: tuple[Block, ...]) -> EnumerationItem:
        """Build an item from a Sentence (or None) and a tuple of blocks, unchecked.

        The markup parser's path: it builds both itself, of the right types.
        """
        self = _new(cls)
        _SET_ITEM_LEAD(self, lead)
        _SET_ITEM_BLOCKS(self, blocks)
        return self


_SET_ITEM_LEAD, _SET_ITEM_BLOCKS = _slot_setters(EnumerationItem, "lead", "blocks")


_items: Final = _tuple_of(EnumerationItem)


@attrs.frozen
class Enumeration:
    """Numbered points: 一是……二是……, 第一，……, 1. 2., （1）（2） or （一）（二）.

    ``inline=True`` draws the whole enumeration as one paragraph, items joined with ；and
    the last ended with 。("一是……；二是……。"); its items may then hold only paragraphs and
    inline enumerations. ``inline=False`` draws each item as its own paragraph starting with
    its marker. Markers are not stored: omitting an item renumbers the rest.
    """

    items: tuple[EnumerationItem, ...] = attrs.field(converter=_as_tuple, validator=_items)
    style: EnumerationStyle = attrs.field(converter=_style)
    inline: bool = attrs.field(validator=_bool)

    @classmethod
    def _trusted(cls, items: tuple[EnumerationItem, ...], style: EnumerationStyle) -> Enumeration:
        """Build a block (not inline) enumeration of *items* in *style*, unchecked.

        The markup parser's path, for items it built itself. An inline enumeration checks
        its items' blocks (only paragraphs and inline enumerations) and always takes the
        public constructor.
        """
        self = _new(cls)
        _SET_ENUM_ITEMS(self, items)
        _SET_ENUM_STYLE(self, style)
        _SET_ENUM_INLINE(self, False)
        return self

    def __attrs_post_init__(self) -> None:
        if not self.inline:
            return
        for i, item in enumerate(self.items):
            for block in item.blocks:
                if not _is_inline(block):
                    raise ModelError(
                        f"Enumeration.items[{i}]: an inline enumeration holds only paragraphs "
                        f"and inline enumerations, got {type(block).__name__}"
                    )


_SET_ENUM_ITEMS, _SET_ENUM_STYLE, _SET_ENUM_INLINE = _slot_setters(
    Enumeration, "items", "style", "inline"
)


def _is_inline(block: object) -> bool:
    return isinstance(block, Paragraph) or (isinstance(block, Enumeration) and block.inline)


# Built once: a validator closure per call was a measurable part of building a tree.
_check_strings: Final = _tuple_of(str)
_check_rows: Final = _tuple_of(tuple)


def _header(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_strings(instance, attribute, value)
    assert isinstance(value, tuple)  # checked just above; narrows for len()
    if not value:
        raise ModelError("Table.header: expected at least one column, got ()")


def _rows(instance: Table, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_rows(instance, attribute, value)
    assert isinstance(value, tuple)
    for i, row in enumerate(value):
        _check_strings(instance, attribute, row)
        if len(row) != len(instance.header):
            raise ModelError(
                f"Table.rows[{i}]: expected {len(instance.header)} cells like the header, "
                f"got {row!r}"
            )


@attrs.frozen
class Table:
    """A table: caption, header cells and rows of cells (all text, as written)."""

    caption: str = attrs.field(converter=_clean, validator=_string)
    header: tuple[str, ...] = attrs.field(converter=_clean_strings, validator=_header)
    rows: tuple[tuple[str, ...], ...] = attrs.field(
        default=(), converter=_clean_rows, validator=_rows
    )


#: A block of a section, an item, the preamble or the closing.
Block: TypeAlias = "Paragraph | Enumeration | Table"


_check_blocks: Final = _tuple_of(Paragraph, Enumeration, Table)
_blocks: Final = _check_blocks


def _sections(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_sections(instance, attribute, value)  # defined once Section exists


@attrs.frozen
class Section:
    """A headed section. ``heading`` has no number: 一、 （一） 1. （1） come from its place."""

    heading: str = attrs.field(converter=_clean, validator=_non_blank)
    blocks: tuple[Block, ...] = attrs.field(default=(), converter=_as_tuple, validator=_blocks)
    sections: tuple[Section, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_sections
    )

    @classmethod
    def _build(
        cls, heading: str, blocks: tuple[Block, ...], sections: tuple[Section, ...]
    ) -> Section:
        """Build a section of blocks and subsections the caller built (the parser's path).

        Unchecked when *heading* is clean and not blank (the one check that can fail for
        such arguments); otherwise the public constructor runs and raises its usual error.
        """
        if not (_is_clean(heading) and _has_words(heading)):
            return cls(heading, blocks, sections)
        return cls._trusted(heading, blocks, sections)

    @classmethod
    def _trusted(
        cls, heading: str, blocks: tuple[Block, ...], sections: tuple[Section, ...]
    ) -> Section:
        """Build a section with no check at all: for compiled plans, whose skeleton passed them.

        The caller guarantees everything :meth:`_build` checks and the heading too.
        """
        self = _new(cls)
        _SET_SECTION_HEADING(self, heading)
        _SET_SECTION_BLOCKS(self, blocks)
        _SET_SECTION_SECTIONS(self, sections)
        return self


_check_sections: Final = _tuple_of(Section)
_SET_SECTION_HEADING, _SET_SECTION_BLOCKS, _SET_SECTION_SECTIONS = _slot_setters(
    Section, "heading", "blocks", "sections"
)


def _date(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (
        not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
    ):
        raise ModelError(f"{_owner(instance, attribute)}: expected a date or None, got {value!r}")


@attrs.frozen
class Signature:
    """Who signs the document and when (the date may be left for the signer)."""

    unit: str = attrs.field(converter=_clean, validator=_non_blank)
    date: datetime.date | None = attrs.field(validator=_date)


def _to_codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Violation:
    """A validation rule the document's data fails, as the document carries it.

    ``importance`` is ``error`` or ``warning``; ``left`` and ``right`` are the two sides of the
    comparison as written (``None`` when a side could not be computed); ``codes`` the
    indicators the rule reads, so a reader can find the figures it touches.
    """

    rule: str = attrs.field(converter=_clean, validator=_string)
    importance: str = attrs.field(converter=_clean, validator=_string)
    unit: str = attrs.field(converter=_clean, validator=_string)
    period: str = attrs.field(converter=_clean, validator=_string)
    message: str = attrs.field(converter=_clean, validator=_string)
    left: str | None = attrs.field(default=None, converter=_clean_optional)
    right: str | None = attrs.field(default=None, converter=_clean_optional)
    codes: tuple[str, ...] = attrs.field(default=(), converter=_to_codes)


def _to_violations(value: Iterable[Violation]) -> tuple[Violation, ...]:
    return tuple(value)


def _violations(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(isinstance(v, Violation) for v in value):
        raise ModelError(f"Meta.violations: expected a tuple of Violation, got {value!r}")


@attrs.frozen
class Meta:
    """What the document is about: institution, reporting unit, period; how it was made.

    ``violations`` are the validation rules its data fails that a render let through (a draft,
    or ``--allow-violations``), and the warnings: the document says what its figures do not
    satisfy instead of leaving it unsaid.
    """

    institution: str = attrs.field(converter=_clean, validator=_string)
    unit: str = attrs.field(converter=_clean, validator=_string)
    period: str = attrs.field(converter=_clean, validator=_string)
    generated: str | None = attrs.field(
        default=None, converter=_clean_optional, validator=_optional_string
    )
    draft: bool = attrs.field(default=False, validator=_bool)
    violations: tuple[Violation, ...] = attrs.field(
        default=(), converter=_to_violations, validator=_violations
    )

    @classmethod
    def _build(cls, institution: str, unit: str, period: str, draft: bool) -> Meta:
        """Build a Meta of strings and a bool, unchecked when the strings are clean.

        compose() builds one per report; the converters would change nothing then.
        """
        if not (
            type(institution) is str
            and type(unit) is str
            and type(period) is str
            and type(draft) is bool
            and _is_clean(institution)
            and _is_clean(unit)
            and _is_clean(period)
        ):
            return cls(institution=institution, unit=unit, period=period, draft=draft)
        self = _new(cls)
        set_institution, set_unit, set_period, set_generated, set_draft, set_violations = (
            _META_SLOTS
        )
        set_institution(self, institution)
        set_unit(self, unit)
        set_period(self, period)
        set_generated(self, None)
        set_draft(self, draft)
        set_violations(self, ())
        return self


_META_SLOTS: Final = _slot_setters(
    Meta, "institution", "unit", "period", "generated", "draft", "violations"
)


def _meta(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Meta):
        raise ModelError(f"Document.meta: expected a Meta, got {value!r}")


def _signature(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, Signature):
        raise ModelError(f"Document.signature: expected a Signature or None, got {value!r}")


def _check_depth(sections: tuple[Section, ...], depth: int) -> None:
    for section in sections:
        if depth > MAX_SECTION_DEPTH:
            raise ModelError(
                f"Document.sections: sections nest at most {MAX_SECTION_DEPTH} deep "
                f"(一、 （一） 1. （1）), {section.heading!r} is at depth {depth}"
            )
        _check_depth(section.sections, depth + 1)


@attrs.frozen
class Document:
    """A whole work summary: title, meta, preamble, numbered sections, closing, signature.

    ``title`` is ``None`` for a summary without a title (``title: ""`` in its report input):
    the walk then yields no :class:`RenderedTitle` and the formats start with what follows.
    """

    title: str | None = attrs.field(converter=_clean_optional, validator=_optional_non_blank)
    meta: Meta = attrs.field(validator=_meta)
    preamble: tuple[Block, ...] = attrs.field(default=(), converter=_as_tuple, validator=_blocks)
    sections: tuple[Section, ...] = attrs.field(
        default=(), converter=_as_tuple, validator=_sections
    )
    closing: tuple[Block, ...] = attrs.field(default=(), converter=_as_tuple, validator=_blocks)
    signature: Signature | None = attrs.field(default=None, validator=_signature)

    def __attrs_post_init__(self) -> None:
        _check_depth(self.sections, 1)

    @functools.cached_property
    def _events(self) -> tuple[Event, ...]:
        # What numbered() yields, worked out once per document: the tree is immutable, and
        # a document is usually drawn more than once (formats, the linter). A compiled plan
        # presets it (epireport.narrative._compiled). Not a field: not compared, not shown.
        return tuple(_walk_document(self))

    @classmethod
    def _build(
        cls,
        title: str | None,
        meta: Meta,
        preamble: tuple[Block, ...],
        sections: tuple[Section, ...],
        closing: tuple[Block, ...],
        signature: Signature | None,
    ) -> Document:
        """Build a document of parts the caller built (the markup parser's path).

        The blocks, sections and signature must be of their types, and the sections at
        most :data:`MAX_SECTION_DEPTH` deep (the parser refuses deeper headings). Unchecked
        when *title* is clean and not blank and *meta* a :class:`Meta`; otherwise the
        public constructor runs and raises its usual error.
        """
        if not (type(meta) is Meta and (title is None or (_is_clean(title) and _has_words(title)))):
            return cls(title, meta, preamble, sections, closing, signature)
        return cls._trusted(title, meta, preamble, sections, closing, signature)

    @classmethod
    def _trusted(
        cls,
        title: str | None,
        meta: Meta,
        preamble: tuple[Block, ...],
        sections: tuple[Section, ...],
        closing: tuple[Block, ...],
        signature: Signature | None,
    ) -> Document:
        """Build a document with no check at all: for compiled plans, whose skeleton passed.

        The caller guarantees everything :meth:`_build` checks, the title and meta too.
        """
        self = _new(cls)
        set_title, set_meta, set_preamble, set_sections, set_closing, set_signature = (
            _DOCUMENT_SLOTS
        )
        set_title(self, title)
        set_meta(self, meta)
        set_preamble(self, preamble)
        set_sections(self, sections)
        set_closing(self, closing)
        set_signature(self, signature)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Return the tree as JSON-able dicts and lists (stable key order, facts per sentence).

        Every figure is written as a full fact: its id, indicator, unit and period, the text
        as written and the exact value, ``start`` and ``end`` (where it stands in its
        sentence's text), status, reason, coverage, comparisons, the violations of
        ``meta.violations`` that touch it (same unit and period, its indicator among the
        codes) and its sources.
        """
        notes = _NoteIndex(self.meta.violations)
        return {
            "title": self.title,
            "meta": _meta_to_dict(self.meta),
            "preamble": [_block_to_dict(b, notes) for b in self.preamble],
            "sections": [_section_to_dict(s, notes) for s in self.sections],
            "closing": [_block_to_dict(b, notes) for b in self.closing],
            "signature": None
            if self.signature is None
            else {
                "unit": self.signature.unit,
                "date": None if self.signature.date is None else self.signature.date.isoformat(),
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        """Build a document from :meth:`to_dict` output; raise ModelError naming the bad path."""
        r = _Reader(data, "$")
        signature = r.optional("signature")
        return cls(
            title=r.optional("title"),
            meta=_meta_from(r.child("meta")),
            preamble=r.blocks("preamble"),
            sections=tuple(_section_from(s) for s in r.children("sections")),
            closing=r.blocks("closing"),
            signature=None if signature is None else _signature_from(r.child("signature")),
        )


_DOCUMENT_SLOTS: Final = _slot_setters(
    Document, "title", "meta", "preamble", "sections", "closing", "signature"
)
(_SET_DOCUMENT_EVENTS,) = _slot_setters(Document, "_events")


# ---------------------------------------------------------------------------------------------
# Serialisation helpers (hand-written: the tree is stdlib + attrs only).


def _violation_to_dict(violation: Violation) -> dict[str, Any]:
    note = attrs.asdict(violation)
    note["codes"] = list(violation.codes)
    return note


def _meta_to_dict(meta: Meta) -> dict[str, Any]:
    data = attrs.asdict(meta, recurse=False)
    data["violations"] = [_violation_to_dict(v) for v in meta.violations]
    return data


class _NoteIndex:
    """The document's violations by (unit, period, indicator code): which touch a figure."""

    def __init__(self, violations: tuple[Violation, ...]) -> None:
        self._by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for v in violations:
            note = _violation_to_dict(v)
            for code in v.codes:
                self._by_key.setdefault((v.unit, v.period, code), []).append(note)

    def of(self, ref: FactRef) -> list[dict[str, Any]]:
        return list(self._by_key.get((ref.unit, ref.period, ref.indicator), ()))


def _number_text(value: object) -> str | None:
    """A number as exact text for JSON (Decimals lose nothing), ``None`` for ``None``."""
    return None if value is None else str(value)


def _enum_text(value: object) -> str:
    if value is None:
        return ""
    member = getattr(value, "value", value)
    return member if isinstance(member, str) else str(member)


def _change_to_dict(change: object) -> dict[str, Any] | None:
    kind = getattr(change, "kind", None)
    if kind is None:
        return None
    return {
        "kind": _enum_text(kind),
        "value": _number_text(getattr(change, "value", None)),
        "current": _number_text(getattr(change, "current", None)),
        "previous": _number_text(getattr(change, "previous", None)),
    }


def _fact_detail(ref: FactRef) -> dict[str, Any]:
    """Status, reason, coverage and comparisons of the fact behind *ref*, as JSON."""
    fact = ref.fact
    if isinstance(fact, Mapping):  # read back by from_dict: written as it came
        return {
            "status": fact.get("status"),
            "reason": fact.get("reason", ""),
            "coverage": fact.get("coverage"),
            "comparisons": dict(fact.get("comparisons") or {}),
        }
    if fact is None:
        # A count the template wrote (tally, completeness counts): nothing more is known.
        status = "value" if ref.value is not None else "missing"
        return {"status": status, "reason": "", "coverage": None, "comparisons": {}}
    coverage = getattr(fact, "coverage", None)
    completeness = getattr(fact, "completeness", None)
    covered: dict[str, Any] | None = None
    if coverage is not None:
        covered = {
            "expected": getattr(coverage, "expected", None),
            "reported": getattr(coverage, "submitted", getattr(coverage, "reported", None)),
            "zero_reported": getattr(coverage, "zero_reports", None),
            "late": getattr(completeness, "late", None),
        }
    comparisons: dict[str, Any] = {}
    for name in ("previous", "last_year"):
        change = _change_to_dict(getattr(fact, name, None))
        if change is not None:
            comparisons[name] = change
    cumulative_period = getattr(fact, "cumulative_period", None)
    if cumulative_period is not None:
        comparisons["cumulative"] = {
            "value": _number_text(getattr(fact, "cumulative", None)),
            "period": str(cumulative_period),
        }
    rank = getattr(fact, "rank", None)
    if rank is not None:
        comparisons["rank"] = {
            "position": getattr(rank, "position", None),
            "of": getattr(rank, "of", None),
            "tied": getattr(rank, "tied", None),
        }
    return {
        "status": _enum_text(getattr(fact, "status", None)) or None,
        "reason": _enum_text(getattr(fact, "reason", "")),
        "coverage": covered,
        "comparisons": comparisons,
    }


def _sentence_to_dict(s: Sentence, notes: _NoteIndex) -> dict[str, Any]:
    facts = []
    for f, (start, end) in zip(s.facts, s.spans, strict=True):
        facts.append(
            {
                "fact_id": f.fact_id,
                "indicator": f.indicator,
                "unit": f.unit,
                "period": f.period,
                "text": f.text,
                "value": f.value,
                "start": None if start < 0 else start,
                "end": None if start < 0 else end,
                **_fact_detail(f),
                "violations": notes.of(f),
                "sources": list(f.sources),
            }
        )
    return {"text": s.text, "facts": facts}


def _block_to_dict(block: Block, notes: _NoteIndex) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {
            "type": "paragraph",
            "sentences": [_sentence_to_dict(s, notes) for s in block.sentences],
        }
    if isinstance(block, Enumeration):
        return {
            "type": "enumeration",
            "style": block.style.value,
            "inline": block.inline,
            "items": [
                {
                    "lead": None if item.lead is None else _sentence_to_dict(item.lead, notes),
                    "blocks": [_block_to_dict(b, notes) for b in item.blocks],
                }
                for item in block.items
            ],
        }
    return {
        "type": "table",
        "caption": block.caption,
        "header": list(block.header),
        "rows": [list(row) for row in block.rows],
    }


def _section_to_dict(section: Section, notes: _NoteIndex) -> dict[str, Any]:
    return {
        "heading": section.heading,
        "blocks": [_block_to_dict(b, notes) for b in section.blocks],
        "sections": [_section_to_dict(s, notes) for s in section.sections],
    }


class _Reader:
    """Read one mapping of a serialised tree, naming the JSON path of whatever is wrong."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise ModelError(f"Document.from_dict: {path}: expected an object, got {data!r}")
        self.data = data
        self.path = path

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise ModelError(f"Document.from_dict: {self.path}: missing key {key!r}")
        return self.data[key]

    def optional(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def child(self, key: str) -> _Reader:
        return _Reader(self.get(key), f"{self.path}.{key}")

    def children(self, key: str, required: bool = True) -> Iterator[_Reader]:
        value = self.get(key) if required else self.optional(key, [])
        if not isinstance(value, list | tuple):
            raise ModelError(
                f"Document.from_dict: {self.path}.{key}: expected a list, got {value!r}"
            )
        for i, item in enumerate(value):
            yield _Reader(item, f"{self.path}.{key}[{i}]")

    def blocks(self, key: str) -> tuple[Block, ...]:
        return tuple(_block_from(b) for b in self.children(key, required=False))


_DETAIL_KEYS: Final = ("status", "reason", "coverage", "comparisons")


def _span_from(f: _Reader, length: int) -> tuple[int, int] | None:
    """A figure's ``start`` and ``end`` as written, ``None`` when absent; checked in range."""
    start, end = f.optional("start"), f.optional("end")
    if start is None and end is None:
        return None
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= length:
        raise ModelError(
            f"Document.from_dict: {f.path}: expected start and end offsets within the "
            f"sentence (0 to {length}), got {start!r} and {end!r}"
        )
    return start, end


def _sentence_from(r: _Reader) -> Sentence:
    refs = []
    spans: list[tuple[int, int] | None] = []
    text = r.get("text")
    length = len(text) if isinstance(text, str) else 0
    for f in r.children("facts", required=False):
        detail = {key: f.data[key] for key in _DETAIL_KEYS if key in f.data}
        refs.append(
            FactRef(
                fact_id=f.get("fact_id"),
                indicator=f.get("indicator"),
                unit=f.get("unit"),
                period=f.get("period"),
                text=f.get("text"),
                value=f.optional("value"),
                sources=f.optional("sources", ()),
                fact=detail or None,
            )
        )
        spans.append(_span_from(f, length))
    sentence = Sentence(text=text, facts=tuple(refs))
    if refs and all(span is not None for span in spans):
        _preset_spans(sentence, tuple(span for span in spans if span is not None))
    return sentence


def _block_from(r: _Reader) -> Block:
    kind = r.get("type")
    if kind == "paragraph":
        return Paragraph(tuple(_sentence_from(s) for s in r.children("sentences")))
    if kind == "enumeration":
        items = tuple(
            EnumerationItem(
                lead=None if item.optional("lead") is None else _sentence_from(item.child("lead")),
                blocks=item.blocks("blocks"),
            )
            for item in r.children("items")
        )
        return Enumeration(items=items, style=r.get("style"), inline=r.get("inline"))
    if kind == "table":
        return Table(
            caption=r.optional("caption", ""), header=r.get("header"), rows=r.optional("rows", ())
        )
    raise ModelError(
        f"Document.from_dict: {r.path}.type: expected 'paragraph', 'enumeration' or 'table', "
        f"got {kind!r}"
    )


def _section_from(r: _Reader) -> Section:
    return Section(
        heading=r.get("heading"),
        blocks=r.blocks("blocks"),
        sections=tuple(_section_from(s) for s in r.children("sections", required=False)),
    )


def _meta_from(r: _Reader) -> Meta:
    violations: tuple[Violation, ...] = tuple(
        Violation(
            rule=v.get("rule"),
            importance=v.get("importance"),
            unit=v.get("unit"),
            period=v.get("period"),
            message=v.get("message"),
            left=v.optional("left"),
            right=v.optional("right"),
            codes=tuple(v.optional("codes", ())),
        )
        for v in r.children("violations", required=False)
    )
    return Meta(
        institution=r.get("institution"),
        unit=r.get("unit"),
        period=r.get("period"),
        generated=r.optional("generated"),
        draft=r.optional("draft", False),
        violations=violations,
    )


def _signature_from(r: _Reader) -> Signature:
    raw = r.optional("date")
    date: datetime.date | None = None
    if raw is not None:
        try:
            date = datetime.date.fromisoformat(raw)
        except (TypeError, ValueError):
            raise ModelError(
                f"Document.from_dict: {r.path}.date: expected a date such as '2020-02-10', "
                f"got {raw!r}"
            ) from None
    return Signature(unit=r.get("unit"), date=date)


# ---------------------------------------------------------------------------------------------
# The walker: the one place that numbers headings and marks enumeration items.


@attrs.frozen
class RenderedTitle:
    """Render event: the document title, drawable as is."""

    text: str


@attrs.frozen
class RenderedHeading:
    """Render event: a heading at *level* (1 to 4) with its number (一、 （一） 1. （1）)."""

    level: int
    number: str
    text: str

    @property
    def full(self) -> str:
        """Number and heading together, as printed: 一、员工安全."""
        return self.number + self.text


@attrs.frozen
class RenderedParagraph:
    """Render event: one paragraph, one line, punctuation final.

    ``marker`` (一是, 1. ...; empty for free prose) and ``lead`` (the item's lead sentence)
    are split off so that a renderer may set them apart (bold leads in DOCX); ``text`` is what
    is printed. ``depth`` is the depth of the enclosing section (0 in preamble and closing).
    """

    depth: int
    marker: str
    lead: str
    body: str
    facts: tuple[FactRef, ...] = ()

    @property
    def text(self) -> str:
        """The paragraph as printed: marker, lead and body."""
        return self.marker + self.lead + self.body


@attrs.frozen
class RenderedTable:
    """Render event: a table with clean one-line cells."""

    depth: int
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class RenderedSignature:
    """Render event: the signing unit and the date as printed (empty when not yet dated)."""

    unit: str
    date: str


#: What :func:`numbered` yields.
Event: TypeAlias = (
    RenderedTitle | RenderedHeading | RenderedParagraph | RenderedTable | RenderedSignature
)


def numbered(document: Document) -> Iterator[Event]:
    """Walk *document* in reading order, yielding render events with numbers and markers.

    Headings are numbered by depth and position, enumeration items by style and position
    (items with nothing to say are skipped and do not take a number). Texts are XML-safe, on
    one line, with final punctuation: inline enumerations joined with ；and ended with 。, no
    ``；。`` and no line ending with 、. The walk is done once per document and remembered.
    """
    return iter(document._events)


def _preset_events(document: Document, events: tuple[Event, ...]) -> None:
    """Give *document* its events, worked out by the caller (a compiled plan's fill).

    Only for events equal to what walking the document gives (the plan checks that once per
    output shape, see :mod:`epireport.narrative._compiled`).
    """
    _SET_DOCUMENT_EVENTS(document, events)


def _walk_document(document: Document) -> Iterator[Event]:
    if document.title is not None:
        yield RenderedTitle(_heading_text(document.title))
    yield from _walk_blocks(document.preamble, 0)
    for n, section in enumerate(document.sections, 1):
        yield from _walk_section(section, 1, n)
    yield from _walk_blocks(document.closing, 0)
    if document.signature is not None:
        sig = document.signature
        yield RenderedSignature(
            _heading_text(sig.unit), "" if sig.date is None else format_date(sig.date)
        )


def _heading_text(text: str) -> str:
    return _line(text).rstrip(_CLAUSE_SEPARATORS + "：: ")


def _cell(text: str) -> str:
    return _line(text).rstrip("、")


def _walk_section(section: Section, level: int, n: int) -> Iterator[Event]:
    yield RenderedHeading(level, section_number(n, level), _heading_text(section.heading))
    yield from _walk_blocks(section.blocks, level)
    for m, sub in enumerate(section.sections, 1):
        yield from _walk_section(sub, level + 1, m)


def _walk_blocks(blocks: Iterable[Block], depth: int) -> Iterator[Event]:
    for block in blocks:
        if isinstance(block, Table):
            yield RenderedTable(
                depth,
                _cell(block.caption),
                tuple(_cell(c) for c in block.header),
                tuple(tuple(_cell(c) for c in row) for row in block.rows),
            )
        elif isinstance(block, Enumeration) and not block.inline:
            yield from _walk_enumeration(block, depth)
        else:
            # _flat's text is tidy already (_line and _inline_text end with tidying).
            text = _close_paragraph(_flat(block))
            if text:
                yield RenderedParagraph(depth, "", "", text, _facts(block))


def _facts(block: Block) -> tuple[FactRef, ...]:
    if isinstance(block, Paragraph):
        return block.facts
    if isinstance(block, Enumeration):
        return tuple(
            f
            for item in block.items
            for f in ((item.lead.facts if item.lead else ()) + _many_facts(item.blocks))
        )
    return ()


def _many_facts(blocks: Iterable[Block]) -> tuple[FactRef, ...]:
    return tuple(f for b in blocks for f in _facts(b))


def _flat(block: Block) -> str:
    """Return the one-line text of a paragraph or an inline enumeration."""
    if isinstance(block, Paragraph):
        return _line(block.text)
    if isinstance(block, Enumeration):
        return _inline_text(block)
    return ""  # tables never flow into a paragraph (validated for inline items)


def _flow(pieces: Iterable[Block]) -> str:
    text = ""
    for block in pieces:
        text = _glue(text, _flat(block), isinstance(block, Enumeration))
    return text


def _inline_text(enumeration: Enumeration) -> str:
    contents = [
        _glue(_line(item.lead.text) if item.lead else "", _flow(item.blocks), _starts_enum(item))
        for item in enumeration.items
    ]
    contents = [c for c in contents if not _blank(c)]
    parts = []
    for n, content in enumerate(contents, 1):
        end = "。" if n == len(contents) else "；"
        parts.append(
            _unambiguous(enumeration_marker(n, enumeration.style), content) + _close(content, end)
        )
    return tidy_punctuation("".join(parts))


#: Between an item mark 3. and a text starting with a figure (3. 1月28日): not 3.1月28日.
_THIN_SPACE: Final = "\u2009"


def _unambiguous(marker: str, text: str) -> str:
    """*marker*, with a thin space when it ends in ``.`` and *text* starts with a digit.

    ``3.1月28日`` reads as the decimal 3.1; ``3. 1月28日`` (a thin space, U+2009) cannot. The
    ``1、`` style never needs it (``3、1月28日``).
    """
    if marker.endswith(".") and text[:1].isdigit():
        return marker + _THIN_SPACE
    return marker


def _says_nothing(block: Block) -> bool:
    # A paragraph without words: what an item whose sentences all vanished holds.
    return isinstance(block, Paragraph) and _blank(block.text)


def _starts_enum(item: EnumerationItem) -> bool:
    return bool(item.blocks) and isinstance(item.blocks[0], Enumeration)


def _walk_enumeration(enumeration: Enumeration, depth: int) -> Iterator[Event]:
    prepared = []
    for item in enumeration.items:
        lead = _line(item.lead.text) if item.lead else ""
        first: tuple[Block, ...] = ()
        rest = item.blocks
        while not lead and rest and _says_nothing(rest[0]):
            rest = rest[1:]  # the item's text is its first paragraph with words
        if rest and _is_inline(rest[0]):
            first, rest = rest[:1], rest[1:]
        body = _flow(first)
        if _blank(lead) and _blank(body) and not rest:
            continue  # an empty item takes no number, so the rest renumber
        facts = (item.lead.facts if item.lead else ()) + _many_facts(first)
        prepared.append((lead, body, rest, facts, bool(first) and _starts_enum(item)))
    # Run-in points (一是, 第一，) are paragraphs of their own and end with 。; list items
    # (1. （1）) run on with ；until the last.
    run_in = enumeration.style in (EnumerationStyle.SHI, EnumerationStyle.DI)
    for n, (lead, body, rest, facts, body_is_enum) in enumerate(prepared, 1):
        last = n == len(prepared)
        end = "。" if run_in or last or rest else "；"
        if body:
            lead += _joint(lead, body_is_enum)
            # body is tidy already (_flow of at most one block ends with tidying), and
            # tidying is idempotent: only what _close adds may need it again.
            body = _close(body, end)
        elif lead and not (rest and lead.endswith(("：", ":"))):
            lead = _close(lead, end)
        marker = _unambiguous(enumeration_marker(n, enumeration.style), lead or body)
        yield RenderedParagraph(depth, marker, lead, tidy_punctuation(body), facts)
        yield from _walk_blocks(rest, depth)
