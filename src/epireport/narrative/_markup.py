r"""The line-based markup templates write, and its parser into a document tree.

Templates do not build the tree themselves: they print a small plain-text markup that reads
like the summary it becomes, and :func:`parse_markup` turns it into a document. One line is one
thing:

``# 标题``
    the document title (once).
``## 小标题`` ``### …`` ``#### …`` ``##### …``
    a section heading at depth 1 to 4, *without* its number: 一、 （一） 1. （1） come from the
    tree, so a section that ends up empty disappears and the rest renumber.
``::: shi`` … ``:::``
    a block enumeration; the style is one of ``shi`` (一是), ``di`` (第一，), ``arabic`` (the
    institution's item numbering: 1. by default, or 1、 or （1）), ``arabic_dun`` (1、),
    ``paren_arabic`` (（1）) or ``paren_chinese`` (（一）), followed by ``inline`` for one that
    runs on inside a paragraph. Inside it, ``- text`` starts an item; further plain lines and
    nested fences belong to the item above them. In ``shi`` and ``di`` enumerations the first
    sentence of an item is its lead (一是 **强抓社会宣传**，……).
``::: table 标题`` … ``:::``
    a table: ``| a | b |`` rows, the first one the header.
``@optional``
    under a heading: the section may come out empty (every item conditional, say). Without
    it, a heading with nothing printed under it is an error in final mode and a warning in
    drafts, naming the heading and its template line: a body lost to a template slip never
    vanishes unnoticed. (A heading of the template found inside a line, its line break eaten
    by a tag at the end of the line above, is an error too.)
``@closing``
    what follows (unnumbered paragraphs after the last section) is the closing.
``@signature 单位`` and ``@date 2020-02-10``
    the signature block.
``\text``
    a paragraph that starts with a character the markup would otherwise read (``#``, ``-``,
    ``:``, ``@``, ``|``).
anything else
    a paragraph. Blank lines are ignored.

Figures and omissions travel through the text as invisible private-use characters (see
:mod:`epireport.narrative._markers`, the one module that writes them; templates never see
them): the parser strips them, attaches the facts to the
sentence they stand in (sentences end at 。！？；) and drops what an omission leaves behind.
The plain words a template prints with ``{{ }}`` travel in *slots* (:func:`slot`: a figure
marker without a fact), which the parser strips as well; they let a compiled plan tell the
template's own text from what changes per report (:mod:`epireport.narrative._compiled`).
What an omission leaves behind goes:

- a sentence containing :data:`DROP` is removed;
- a paragraph with no sentence left is removed;
- an enumeration item is removed when its lead vanished, or when it had more than its lead
  (more sentences, nested blocks) and all of that vanished: a lead alone says nothing;
- a heading containing :data:`DROP` removes its whole section;
- an enumeration, table or section with nothing left is removed (a section with nothing
  *printed* under its heading is another matter, see ``@optional``).

Connectors that an omission leaves dangling (``、、``, ``，。``, a paragraph ending in ``；``)
are cleaned up. No escaping is done: the markup is plain text, and HTML escaping is the HTML
renderer's job (see :mod:`epireport.narrative._environment`).
"""

from __future__ import annotations

import datetime
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Final

import attrs

from epireport.document import (
    MAX_SECTION_DEPTH,
    Block,
    Document,
    Enumeration,
    EnumerationItem,
    EnumerationStyle,
    FactRef,
    Meta,
    Paragraph,
    Section,
    Sentence,
    Signature,
    Table,
    _has_words,
    _is_clean,
    _preset_spans,
)
from epireport.exceptions import EpireportTemplateWarning, TemplateError
from epireport.narrative._markers import (
    DROP,
    FACT_CLOSE,
    FACT_MID,
    FACT_OPEN,
    MARKER_CHARS,
    fact_marker,
    slot,
    strip_markers,
)

__all__ = [
    "DROP",
    "FACT_CLOSE",
    "FACT_MID",
    "FACT_OPEN",
    "MARKER_CHARS",
    "all_neutral",
    "fact_marker",
    "has_drop",
    "is_neutral",
    "parse_markup",
    "slot",
    "split_sentences",
    "strip_markers",
]

_MARKERS_RE: Final = re.compile(f"[{MARKER_CHARS}]")
# A sentence ends at 。！？； (and ! ? ;), with any closing quotes or brackets that follow.
# The definition; split_sentences cuts the same pieces with str methods (see _split).
_SENTENCE_RE: Final = re.compile(
    r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)》〉】\]\"']*)?|[。！？；!?;]+"
)
# The terminators besides 。 and ； (rare in Chinese prose), and the closers of _SENTENCE_RE.
_RARE_TERMINATORS: Final = "！？!?;"
_CLOSERS: Final = "”’」』）)》〉】]\"'"
_SEPARATORS: Final = "，,、；;：:"
_LEADING: Final = _SEPARATORS + " \u3000"
_EMPTY: Final = _SEPARATORS + "。！？!? \u3000"
_DOUBLED_RE: Final = re.compile(r"([，、；])[，、；]+")
_BEFORE_END_RE: Final = re.compile(r"[，,、；;：:\s]+(?=[。！？!?])")
_AFTER_OPEN_RE: Final = re.compile(r"(?<=[（(“‘《])[，、；]+")
# Whether _tidy has anything to do: a ，、； after ，、；（(“‘《, or a 。！？!? after a separator or
# a space. It matches where the three patterns above would, but starts from the punctuation
# (a quick scan for a few characters) and only then looks behind: several times faster than
# trying the alternatives at every position, and almost every sentence is clean.
_NEEDS_TIDY_RE: Final = re.compile(
    r"[，、；。！？!?](?:(?<=[，、；])(?<=[，、；（(“‘《].)|(?<=[。！？!?])(?<=[，,、；;：:\s].))"
)
# What a slot may hold for compiled plans to fill it (is_neutral): none of the characters that
# the parser or the walker reads. Controls and spaces of every kind; ASCII punctuation but the
# . and % of numbers (12.5%); general punctuation (“”‘’…— and the zero-width spaces); CJK
# punctuation (、。《》「」【】); the private-use area (markers, plan tokens); full-width and
# small-form punctuation (（），：；！？); surrogates and non-characters.
_NOT_NEUTRAL_RE: Final = re.compile(
    "[\x00-\x20\x7f-\xa0!-$&-\\-/:-@\\[-`{-~\u1680\u180e\u2000-\u206f\u3000-\u303f"
    "\ue000-\uf8ff\ufe10-\ufe6f\ufeff\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
    "\uff5b-\uff65\ud800-\udfff\ufffe\uffff]"
)
_STYLES: Final = {style.value: style for style in EnumerationStyle}
# A heading mark after text on the same line: the line break before the heading was lost.
_JOINED_HEADING_RE: Final = re.compile(r"[^#\s]\s*(#{2,5}) (\S.*)$")
_RUN_IN: Final = frozenset({EnumerationStyle.SHI, EnumerationStyle.DI})
_DATE_RE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def is_neutral(text: str) -> bool:
    """Whether *text* is words and numbers only: nothing the parser or the walker reads.

    Neutral text is not empty and holds no punctuation (but the ``.`` and ``%`` of numbers),
    no space of any kind, no control character and no private-use character: 3.2万余张,
    城关1区, 2020年2月29日 and 增长12.5% are neutral; 区委常委、宣传部部长 is not. Where such a
    text stands never changes how a line is cut into sentences, what is tidied or how the
    tree is numbered, which is what compiled plans rely on.
    """
    return bool(text) and _NOT_NEUTRAL_RE.search(text) is None


def all_neutral(texts: list[str]) -> bool:
    """Whether every one of *texts* is neutral (:func:`is_neutral`), with one regex search."""
    return "" not in texts and _NOT_NEUTRAL_RE.search("".join(texts)) is None


def has_drop(text: str) -> bool:
    """Whether *text* carries an omission marker (the piece holding it is to disappear)."""
    return DROP in text


def _tidy(text: str) -> str:
    """Clean the connectors an omission leaves behind (、、 ，。 （、)."""
    # Most sentences are clean: one search spares three substitutions.
    if _NEEDS_TIDY_RE.search(text) is None:
        return text
    text = _DOUBLED_RE.sub(r"\1", text)
    text = _AFTER_OPEN_RE.sub("", text)
    return _BEFORE_END_RE.sub("", text)


def split_sentences(text: str) -> list[str]:
    """Split raw marked-up *text* into sentences ending at 。！？； (markers stay in place)."""
    return _split(text, [c for c in _RARE_TERMINATORS if c in text])


def _split(text: str, rare: Sequence[str]) -> list[str]:
    """Cut *text* as ``_SENTENCE_RE.finditer`` does; *rare*: the rare terminators it may hold.

    The regex engine walks Chinese text character by character (≈15 ns each); ``replace``
    and ``split`` run in C at a fraction of that. A piece is a run of other characters and
    the run of terminators after it, with the closing quotes or brackets that follow; a run
    of terminators with nothing before it is a piece of its own, without closers.
    """
    norm = text.replace("；", "。") if "；" in text else text
    for terminator in rare:
        norm = norm.replace(terminator, "。")
    chunks = norm.split("。")
    last = len(chunks) - 1
    if not last:
        return [text] if text else []
    pieces = []
    size = len(text)
    start = 0  # where the current piece starts
    at = 0  # where chunk i starts
    i = 0
    while i < last:
        run = at + len(chunks[i])  # the terminator after chunk i
        j = i + 1
        while j < last and not chunks[j]:
            j += 1  # empty chunks between terminators: one run
        at = end = run + j - i
        if run > start:
            while end < size and text[end] in _CLOSERS:
                end += 1
        pieces.append(text[start:end])
        start = end
        i = j
    if start < size:
        pieces.append(text[start:])
    return pieces


def _sentence(raw: str, refs: Sequence[FactRef], trusted: bool = False) -> Sentence | None:
    """Turn one raw sentence into a :class:`Sentence`, or ``None`` if it is to be dropped.

    *trusted*: the caller checked that *raw* is clean and *refs* are FactRefs (see
    :class:`_Parser`), so the sentence may skip validation.
    """
    if DROP in raw:
        return None
    facts: list[FactRef] = []
    starts: list[int] = []  # where each fact's figure starts in the joined parts
    stray = False
    if FACT_OPEN in raw:
        # What a regex substitution of whole figures would do, with str methods (the regex
        # engine is slow on CJK text): a piece after FACT_OPEN is a figure when it reads
        # <digits> FACT_MID <text without markers> FACT_CLOSE; anything else stays, and its
        # stray markers go below.
        chunks = raw.split(FACT_OPEN)
        parts = [chunks[0]]
        count = len(refs)
        at = len(chunks[0])  # the length of the parts so far
        for chunk in chunks[1:]:
            index_text, mid, rest = chunk.partition(FACT_MID)
            figure, close, after = rest.partition(FACT_CLOSE)
            # isdecimal() is \d (Unicode category Nd); DROP is not in raw, FACT_OPEN not in
            # chunk, FACT_CLOSE not in figure: FACT_MID is the one marker left to rule out.
            if (
                mid
                and close
                and FACT_MID not in figure
                and (not index_text or index_text.isdecimal())
            ):
                if index_text:  # a figure; without an index, a slot (words, no fact)
                    index = int(index_text)
                    if 0 <= index < count:
                        facts.append(refs[index])
                        starts.append(at)
                parts.append(figure)
                parts.append(after)
                at += len(figure) + len(after)
            else:
                parts.append(FACT_OPEN)
                parts.append(chunk)
                at += 1 + len(chunk)
                stray = True
        text = joined = "".join(parts)
    else:
        text = joined = raw
    # FACT_OPEN is left only by a piece that is not a figure (stray above).
    if stray or FACT_MID in text or FACT_CLOSE in text:
        text = _MARKERS_RE.sub("", text)  # stray pieces of a marker cut by a template
    if _NEEDS_TIDY_RE.search(text) is not None:  # _tidy's own test, without the call
        text = _tidy(text)
    text = text.lstrip(_LEADING)
    if not text.strip(_EMPTY):
        return None
    sentence = Sentence._trusted(text, tuple(facts)) if trusted else Sentence(text, tuple(facts))
    if facts:
        _preset_spans(sentence, _spans(joined, sentence.text, starts, sentence.facts))
    return sentence


def _spans(
    joined: str, text: str, starts: list[int], facts: Sequence[FactRef]
) -> tuple[tuple[int, int], ...]:
    """Where each figure stands in *text*, from where it started in *joined*.

    *text* is *joined* with characters taken out (stray markers, dangling connectors, leading
    separators, what cleaning removes; never a figure's digits): an offset moves left by
    the characters removed before it. A figure that did not survive is ``(-1, -1)``.
    """
    if text == joined:
        return tuple(
            [(start, start + len(ref.text)) for start, ref in zip(starts, facts, strict=True)]
        )
    if joined.lstrip(_LEADING) == text:
        shift = len(joined) - len(text)  # only the leading separators went (the usual case)
        return tuple(
            [
                (start - shift, start - shift + len(ref.text))
                for start, ref in zip(starts, facts, strict=True)
            ]
        )
    # Greedy subsequence: each character of text is the next equal one of joined.
    moved: dict[int, int] = {}
    wanted = set(starts)
    j = 0
    for i, char in enumerate(joined):
        if j < len(text) and text[j] == char:
            if i in wanted:
                moved[i] = j
            j += 1
    spans = []
    for start, ref in zip(starts, facts, strict=True):
        new = moved.get(start)
        end = -1 if new is None else new + len(ref.text)
        if new is None or text[new:end] != ref.text:
            spans.append((-1, -1))
        else:
            spans.append((new, end))
    return tuple(spans)


def _sentences(
    raw: str | list[str],
    refs: Sequence[FactRef],
    trusted: bool = False,
    rare: Sequence[str] = _RARE_TERMINATORS,
) -> tuple[list[Sentence], int]:
    """Return the surviving sentences of *raw* (or of its pieces) and how many it had.

    *rare*: the terminators besides 。 and ； that *raw* may hold (see :func:`_split`).
    """
    pieces = _split(raw, rare) if isinstance(raw, str) else raw
    kept = []
    for piece in pieces:
        sentence = _sentence(piece, refs, trusted)
        if sentence is not None:
            kept.append(sentence)
    return kept, len(pieces)


def _end_paragraph(sentences: list[Sentence], trusted: bool = False) -> list[Sentence]:
    # A paragraph whose last clauses were omitted must not end on ；、，.
    if sentences:
        last = sentences[-1]
        stripped = last.text.rstrip()
        if stripped and stripped[-1] in "；;，,、":
            text = stripped.rstrip("；;，,、") + "。"
            if trusted:
                sentences[-1] = Sentence._trusted(text, last.facts)
            else:
                sentences[-1] = Sentence(text, last.facts)
            if last.facts:
                # Only the end changed: the figures stand where they stood.
                _preset_spans(sentences[-1], last.spans)
    return sentences


@attrs.define
class _Item:
    lead: Sentence | None
    blocks: list[Block]
    had_more: bool
    lead_lost: bool


@attrs.define
class _Fence:
    kind: str  # "enum" or "table"
    line: int
    style: EnumerationStyle = EnumerationStyle.SHI
    inline: bool = False
    caption: str = ""
    items: list[_Item | None] = attrs.Factory(list)  # None: an item dropped at its start
    rows: list[tuple[str, ...]] = attrs.Factory(list)
    header: tuple[str, ...] | None = None
    header_seen: bool = False


@attrs.define
class _SectionBuilder:
    heading: str
    level: int
    dropped: bool
    line: int = 0  # the line of the output the heading stands on
    blocks: list[Block] = attrs.Factory(list)
    sections: list[_SectionBuilder] = attrs.Factory(list)
    printed: bool = False  # a line of content (not a fence, not blank) stood under it
    optional: bool = False  # @optional: the section may come out empty

    def has_content(self) -> bool:
        return self.printed or any(s.has_content() for s in self.sections)

    def build(self, empties: list[_SectionBuilder], optional: bool = False) -> Section | None:
        optional = optional or self.optional
        subs = [s for s in (b.build(empties, optional) for b in self.sections) if s is not None]
        if self.dropped or (not self.blocks and not subs):
            # Nothing printed under a heading: the template lost its body (see parse_markup).
            # A body whose figures were all omitted is gone by design, and quietly.
            if not (self.dropped or optional or self.sections or self.has_content()):
                empties.append(self)
            return None
        # The blocks and subsections are the parser's own: only the heading needs a check.
        return Section._build(self.heading, tuple(self.blocks), tuple(subs))


class _Parser:
    """One pass over the lines of a rendered template."""

    def __init__(
        self,
        refs: Sequence[FactRef],
        template: str,
        trusted: bool = False,
        rare: Sequence[str] = _RARE_TERMINATORS,
        arabic: EnumerationStyle = EnumerationStyle.ARABIC,
    ) -> None:
        self.refs = refs
        # What '::: arabic' becomes: the institution's item numbering (1. 1、 （1）).
        self.arabic = arabic
        self.locate: Callable[[int, str], str] | None = None
        # The terminators besides 。 and ； the markup holds (usually none): what _split
        # needs to look for in each line.
        self.rare = rare
        self.template = template
        # The whole markup holds no character clean_text removes and every ref is a FactRef:
        # then every sentence and paragraph cut from it is what the validating constructors
        # would build, and they are built unchecked (Sentence._trusted, Paragraph._trusted).
        # One check of the text instead of one per sentence; anything else takes the checked
        # path, so a bad ref still raises ModelError.
        self.trusted = trusted
        self.title: str | None = None
        self.preamble: list[Block] = []
        self.closing: list[Block] = []
        self.in_closing = False
        self.top: list[_SectionBuilder] = []
        self.stack: list[_SectionBuilder] = []
        self.fences: list[_Fence] = []
        self.signature_unit: str | None = None
        self.signature_date: datetime.date | None = None
        self.line = 0

    def error(self, message: str) -> TemplateError:
        return TemplateError(
            f"template {self.template!r}: line {self.line} of its output: {message}"
        )

    # --------------------------------------------------------------- where blocks go

    def add_block(self, block: Block | None) -> None:
        if block is None:
            return
        if self.fences:
            fence = self.fences[-1]
            if fence.kind != "enum":
                raise self.error("only table rows (| a | b |) may stand inside a table")
            if not fence.items:
                raise self.error("an enumeration's text must start with an item line '- …'")
            item = fence.items[-1]
            if item is not None:
                item.had_more = True
                item.blocks.append(block)
        elif self.in_closing:
            self.closing.append(block)
        elif self.stack:
            self.stack[-1].blocks.append(block)
        else:
            self.preamble.append(block)

    def paragraph(self, raw: str | list[str]) -> Paragraph | None:
        trusted = self.trusted
        sentences, _ = _sentences(raw, self.refs, trusted, self.rare)
        if not sentences:
            return None
        kept = tuple(_end_paragraph(sentences, trusted))
        return Paragraph._trusted(kept) if trusted else Paragraph(kept)

    # --------------------------------------------------------------- lines

    def feed(self, raw_line: str) -> None:
        stripped = raw_line.strip()
        if not stripped.strip(MARKER_CHARS):
            return
        if self.stack and not stripped.startswith(("#", ":::", "@")):
            self.stack[-1].printed = True
        if stripped.startswith("\\"):
            self.add_block(self.paragraph(stripped[1:]))
        elif stripped.startswith(":::"):
            self.fence(stripped[3:].strip())
        elif self.fences and self.fences[-1].kind == "table":
            self.table_row(stripped)
        elif stripped.startswith("#"):
            self.heading(stripped)
        elif stripped.startswith("- ") or stripped == "-":
            self.item(stripped[1:].strip())
        elif stripped.startswith("@"):
            self.directive(stripped)
        else:
            if "# " in stripped:
                self.joined_heading(stripped)
            self.add_block(self.paragraph(stripped))

    def joined_heading(self, text: str) -> None:
        # "……。## 标题": a tag at the end of the line above ate the line break (trim_blocks,
        # or "-%}"), and the heading would silently become part of the paragraph. Only a
        # heading the template itself writes on a line of its own counts (locate finds it):
        # "## " inside a narrative input is text.
        match = _JOINED_HEADING_RE.search(strip_markers(text))
        if match is None or self.locate is None:
            return
        heading = _tidy(match[2]).strip()
        where = self.locate(len(match[1]) - 1, heading)
        if where:
            raise TemplateError(
                f"{where}: the heading {match[1]} {heading!r} is joined to the text before it: "
                "the line break before it was eaten (a tag ending the line above, or '-%}'); "
                "put the tag on a line of its own"
            )

    def heading(self, text: str) -> None:
        if self.fences:
            raise self.error("a heading cannot stand inside ::: … :::")
        hashes = len(text) - len(text.lstrip("#"))
        body = text[hashes:].strip()
        if hashes == 1:
            if self.title is not None:
                raise self.error(f"a second title {strip_markers(body)!r}")
            self.title = _tidy(strip_markers(body))
            if not _has_words(self.title):
                raise self.error(f"the title {self.title!r} has no words")
            return
        level = hashes - 1
        if level > MAX_SECTION_DEPTH:
            raise self.error(f"headings nest at most {MAX_SECTION_DEPTH} deep, got {text!r}")
        if self.in_closing:
            raise self.error("a heading cannot follow @closing")
        if level > len(self.stack) + 1:
            raise self.error(
                f"heading {strip_markers(body)!r} at depth {level} has no parent at depth "
                f"{level - 1}"
            )
        heading = _tidy(strip_markers(body))
        if DROP not in body and not _has_words(heading):
            raise self.error(f"the heading {heading!r} has no words")
        builder = _SectionBuilder(heading, level, DROP in body, self.line)
        del self.stack[level - 1 :]
        if self.stack:
            self.stack[-1].sections.append(builder)
        else:
            self.top.append(builder)
        self.stack.append(builder)

    def fence(self, spec: str) -> None:
        # A style printed by the template ({{ style }}) arrives in a slot.
        spec = strip_markers(spec).strip()
        if not spec:
            if not self.fences:
                raise self.error("':::' closes nothing")
            self.close_fence()
            return
        words = spec.split(maxsplit=1)
        kind = words[0]
        if kind == "table":
            self.fences.append(
                _Fence("table", self.line, caption=_tidy(strip_markers(spec[5:].strip())))
            )
            return
        style = _STYLES.get(kind)
        if style is None:
            allowed = ", ".join(["table", *_STYLES])
            raise self.error(f"unknown block '::: {kind}'; expected one of {allowed}")
        flags = words[1].split() if len(words) > 1 else []
        if any(flag != "inline" for flag in flags):
            raise self.error(f"unknown option in '::: {spec}'; only 'inline' is allowed")
        if self.fences and self.fences[-1].kind == "enum" and not self.fences[-1].items:
            raise self.error("a nested block must follow an item line '- …'")
        if style is EnumerationStyle.ARABIC:
            style = self.arabic
        self.fences.append(_Fence("enum", self.line, style=style, inline=bool(flags)))

    def close_fence(self) -> None:
        fence = self.fences.pop()
        if fence.kind == "table":
            block: Block | None = None
            if fence.header is not None and fence.rows:
                block = Table(fence.caption, fence.header, tuple(fence.rows))
            elif fence.header is not None and not fence.header_seen:
                block = None
            self.add_block(block)
            return
        items = []
        for item in fence.items:
            if item is None or item.lead_lost:
                continue
            if item.had_more and not item.blocks:
                continue  # everything after the lead vanished: a lead alone says nothing
            if item.lead is None and not item.blocks:
                continue
            # The parser's own lead and blocks: of the right types by construction.
            items.append(EnumerationItem._trusted(item.lead, tuple(item.blocks)))
        if not items:
            self.add_block(None)
        elif fence.inline:
            # Checks that the items hold only paragraphs and inline enumerations.
            self.add_block(Enumeration(tuple(items), fence.style, True))
        else:
            self.add_block(Enumeration._trusted(tuple(items), fence.style))

    def item(self, raw: str) -> None:
        if not self.fences or self.fences[-1].kind != "enum":
            raise self.error("an item line '- …' must stand inside '::: shi' … ':::'")
        fence = self.fences[-1]
        pieces = _split(raw, self.rare)
        if fence.style in _RUN_IN and pieces:
            lead = _sentence(pieces[0], self.refs, self.trusted)
            rest = "".join(pieces[1:])
            item = _Item(lead, [], had_more=bool(rest.strip()), lead_lost=lead is None)
            fence.items.append(item)
            if rest.strip():
                # Splitting rest again would give pieces[1:] (the cut never looks back).
                body = self.paragraph(pieces[1:])
                if body is not None:
                    item.blocks.append(body)
            return
        item = _Item(None, [], had_more=True, lead_lost=False)
        fence.items.append(item)
        body = self.paragraph(pieces)
        if body is not None:
            item.blocks.append(body)

    def table_row(self, text: str) -> None:
        if not text.startswith("|"):
            raise self.error(f"a table row starts with '|', got {strip_markers(text)!r}")
        cells = text.strip().strip("|").split("|")
        fence = self.fences[-1]
        if fence.header is None:
            fence.header = tuple(_tidy(strip_markers(c)).strip() for c in cells)
            return
        if set(text) <= set("|-: "):
            return  # a Markdown rule line under the header
        if any(DROP in c for c in cells):
            return
        row = tuple(_tidy(strip_markers(c)).strip() for c in cells)
        if len(row) != len(fence.header):
            raise self.error(
                f"a table row has {len(row)} cells, the header {len(fence.header)}: {row!r}"
            )
        fence.rows.append(row)

    def directive(self, text: str) -> None:
        name, _, argument = text[1:].partition(" ")
        argument = strip_markers(argument).strip()
        if self.fences:
            raise self.error(f"@{name} cannot stand inside ::: … :::")
        if name == "closing":
            self.in_closing = True
        elif name == "optional":
            if argument:
                raise self.error(f"@optional takes nothing after it, got {argument!r}")
            if self.in_closing or not self.stack:
                raise self.error("@optional belongs under a heading: the section it may empty")
            self.stack[-1].optional = True
        elif name == "signature":
            if argument and not _has_words(argument):
                raise self.error(f"@signature {argument!r} names no one")
            self.signature_unit = argument
        elif name == "date":
            if not argument:
                self.signature_date = None
                return
            match = _DATE_RE.fullmatch(argument)
            try:
                if match is None:
                    raise ValueError(argument)
                self.signature_date = datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise self.error(
                    f"@date expects a date such as 2020-02-10, got {argument!r}"
                ) from None
        else:
            raise self.error(
                f"unknown directive @{name}; expected @closing, @optional, @signature or @date"
            )


def _empty_section(
    template: str, builder: _SectionBuilder, locate: Callable[[int, str], str] | None
) -> str:
    where = locate(builder.level, builder.heading) if locate is not None else ""
    where = where or f"template {template!r}, line {builder.line} of its output"
    hint = ""
    if builder.heading.endswith(("。", "；", "！", "？")):
        hint = (
            " (the heading ends like a sentence: did a '{%-' join the line after it to the "
            "heading?)"
        )
    return (
        f"{where}: the section {builder.heading!r} is empty, nothing is printed under its "
        f"heading{hint}; write its text under the heading, or put '@optional' on the line "
        "under the heading if the section may be left out"
    )


def parse_markup(
    text: str,
    refs: Sequence[FactRef],
    meta: Meta,
    *,
    template: str = "<string>",
    default_title: str = "",
    locate: Callable[[int, str], str] | None = None,
    empties: list[str] | None = None,
    arabic: EnumerationStyle = EnumerationStyle.ARABIC,
) -> Document:
    """Parse the markup a template rendered into a :class:`Document`.

    *refs* are the facts the figure markers point at (by index), *meta* the document's
    metadata; *default_title* is used when the markup has no ``# title`` line. Malformed markup
    (an unclosed ``:::``, an item outside an enumeration, a skipped heading level) raises
    :class:`TemplateError` naming *template* and the line of its output.

    A heading with nothing printed under it (no paragraph, item or row: the template lost the
    section's body) is a :class:`TemplateError` in final mode and an
    :class:`~epireport.exceptions.EpireportTemplateWarning` in drafts, one line per heading,
    unless an ``@optional`` line stands in the section. A section whose printed lines all went
    with omitted figures disappears quietly, as designed. *locate* turns a heading's level
    and text into where the template writes it (``template 'x', line 12``); *empties*, when
    given, collects the draft warnings instead of issuing them. *arabic* is the style
    ``::: arabic`` lists take: the institution's item numbering (``1.``, ``1、`` or ``（1）``).
    """
    trusted = _is_clean(text) and all(isinstance(ref, FactRef) for ref in refs)
    # One look at the whole text instead of one per line (str.__contains__ runs in C).
    rare = [c for c in _RARE_TERMINATORS if c in text]
    parser = _Parser(refs, template, trusted, rare, arabic)
    parser.locate = locate
    for number, line in enumerate(text.splitlines(), 1):
        parser.line = number
        parser.feed(line)
    if parser.fences:
        parser.line = parser.fences[-1].line
        raise parser.error("this '::: …' is never closed with ':::'")
    title = parser.title or default_title
    if not _has_words(title):
        raise TemplateError(f"template {template!r}: the output has no '# title' line")
    lost: list[_SectionBuilder] = []
    sections = [s for s in (b.build(lost) for b in parser.top) if s is not None]
    if lost:
        problems = [_empty_section(template, b, locate) for b in lost]
        if not meta.draft:
            raise TemplateError("\n".join(problems), problems=problems)
        if empties is not None:
            empties.extend(problems)
        else:
            for problem in problems:
                warnings.warn(problem, EpireportTemplateWarning, stacklevel=2)
    signature = None
    if parser.signature_unit is not None or parser.signature_date is not None:
        signature = Signature(parser.signature_unit or meta.unit, parser.signature_date)
    # The parts are the parser's own, sections at most MAX_SECTION_DEPTH deep (heading()
    # refuses deeper ones): Document._build checks the title and the meta only.
    return Document._build(
        title,
        meta,
        tuple(parser.preamble),
        tuple(sections),
        tuple(parser.closing),
        signature,
    )
