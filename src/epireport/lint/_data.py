"""``--data``: the figures the prose claims to state, and the checks that hold it to them.

A data file is JSON in one of two shapes:

- epireport's JSON output (a document tree whose sentences carry facts), or anything else in
  which objects carry a figure as written and its value: every object with ``"text"``
  (``"3.2万余"``) and a ``"value"`` that is a number or a numeric string (``32456``,
  ``"32456"``) is a claim, wherever it sits; ``"style"`` is used when present; objects whose
  value is ``null`` (a missing figure) are skipped;
- a flat mapping of phrases (indicator names) to values, ``{"宣传单": 32456}``: the figure
  written after each occurrence of the phrase must hold the value.

epireport's own JSON (a whole document: ``title``, ``meta``, ``sections``) says where each
figure stands: its sentence, and its ``start`` and ``end`` there. Its figures are then checked
*by position*: the document is walked as every renderer walks it, each figure placed in its
printed paragraph, that paragraph found among the linted file's paragraphs (text, Markdown,
HTML or DOCX; edited paragraphs are matched to the nearest one), and the figure actually
written at that place read back and held to the value. A tampered figure is caught where it
stands, whatever other figures or dates share its digits, and reported at its line and column.
"""

from __future__ import annotations

import difflib
import json
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import attrs

from epireport.exceptions import InputError, ModelError, Problem
from epireport.lint._document import Claim, Hit, LintDocument, Paragraph

__all__ = [
    "PlacedClaim",
    "check_figure_missing",
    "check_figure_value",
    "claims_from_json",
    "load_claims",
]

_NUMBER_TYPES: Final = (int, float)
_FIGURE: Final = re.compile(
    r"(?<![\d.])[近约]?\d[\d,]*(?:\.\d+)?(?:[余多](?=[万亿]))?[万亿]?[余多]?%?"
)
_NUMERAL_CHARS: Final = frozenset("零〇一二两三四五六七八九十百千万亿")
_NUMERAL: Final = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_STOPS: Final = re.compile(r"[，。；、,;！!？?\n]")
_WINDOW: Final = 20


def _is_number(value: object) -> bool:
    """Whether *value* is a JSON number or a string holding one (the document tree's form)."""
    if isinstance(value, str):
        try:
            return Decimal(value.strip()).is_finite()
        except ArithmeticError:
            return False
    return isinstance(value, _NUMBER_TYPES) and not isinstance(value, bool)


@attrs.frozen
class PlacedClaim(Claim):
    """A claim that knows where its figure stands (from epireport's own JSON).

    ``layout`` is the text of every paragraph the document prints, in order (shared by the
    claims of one document); the figure is ``layout[paragraph][start:end]``.
    """

    layout: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    paragraph: int = 0
    start: int = 0
    end: int = 0
    #: The data's figure as stated when it is approximate (``480余``, ``约500``): the written
    #: figure must then stand for every value it may be, never claim more precision.
    stated: str = ""


_DOCUMENT_KEYS: Final = frozenset({"title", "meta", "sections"})


def claims_from_json(data: object, source: str = "$") -> list[Claim]:
    """Return the claims in parsed JSON *data* (see the module docstring for the shapes).

    Raises :class:`~epireport.exceptions.InputError` listing every malformed claim, or when
    there is no claim at all.
    """
    problems: list[Problem] = []
    claims: list[Claim] = []
    if isinstance(data, dict) and data and all(_is_number(v) for v in data.values()):
        for phrase, value in data.items():
            try:
                claims.append(Claim(value=value, phrase=phrase, source=f"{source}.{phrase}"))
            except ModelError as exc:
                problems.append(Problem(f"{source}.{phrase}", str(exc)))
    elif isinstance(data, dict) and data.keys() >= _DOCUMENT_KEYS:
        placed = _placed_claims(data, source)
        if placed is None:
            _walk(data, source, claims, problems)
        else:
            claims.extend(placed)
    else:
        _walk(data, source, claims, problems)
    if problems:
        raise InputError(problems)
    if not claims:
        raise InputError(
            [
                Problem(
                    source,
                    "no figures found: expected objects with 'text' and 'value', "
                    "or a mapping of phrases to numbers",
                )
            ]
        )
    return claims


def _walk(node: object, where: str, claims: list[Claim], problems: list[Problem]) -> None:
    if isinstance(node, dict):
        text, value = node.get("text"), node.get("value")
        if isinstance(text, str) and _is_number(value):
            style = node.get("style")
            try:
                claims.append(
                    Claim(
                        value=value,
                        text=text,
                        style=style if isinstance(style, str) else None,
                        source=where,
                    )
                )
            except ModelError as exc:
                problems.append(Problem(where, str(exc)))
        for key, child in node.items():
            _walk(child, f"{where}.{key}", claims, problems)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _walk(child, f"{where}[{i}]", claims, problems)


def _placed_claims(data: Mapping[str, Any], source: str) -> list[Claim] | None:
    """The figures of a whole epireport document, placed; ``None`` if it is not one."""
    # Imported here: the document tree is only needed when --data is epireport's JSON.
    from epireport.document import (
        Document,
        Enumeration,
        RenderedHeading,
        RenderedParagraph,
        RenderedSignature,
        RenderedTitle,
        Section,
        Sentence,
        numbered,
    )
    from epireport.document import Paragraph as TreeParagraph

    try:
        document = Document.from_dict(data)
    except ModelError:
        return None
    # The sentences with figures, in reading order, with their JSON paths.
    sentences: list[tuple[Sentence, str]] = []

    def blocks(items: Sequence[Any], where: str) -> None:
        for b, block in enumerate(items):
            at = f"{where}[{b}]"
            if isinstance(block, TreeParagraph):
                for n, sentence in enumerate(block.sentences):
                    if sentence.facts:
                        sentences.append((sentence, f"{at}.sentences[{n}]"))
            elif isinstance(block, Enumeration):
                for i, item in enumerate(block.items):
                    if item.lead is not None and item.lead.facts:
                        sentences.append((item.lead, f"{at}.items[{i}].lead"))
                    blocks(item.blocks, f"{at}.items[{i}].blocks")

    def sections(items: Sequence[Section], where: str) -> None:
        for n, section in enumerate(items):
            blocks(section.blocks, f"{where}[{n}].blocks")
            sections(section.sections, f"{where}[{n}].sections")

    blocks(document.preamble, f"{source}.preamble")
    sections(document.sections, f"{source}.sections")
    blocks(document.closing, f"{source}.closing")

    layout: list[str] = []
    figures: list[tuple[int, int, int, Any, str]] = []  # paragraph, start, end, ref, source
    queue = iter(sentences)
    for event in numbered(document):
        if isinstance(event, RenderedTitle):
            layout.append(event.text)
        elif isinstance(event, RenderedHeading):
            layout.append(event.full)
        elif isinstance(event, RenderedSignature):
            layout.extend(t for t in (event.unit, event.date) if t)
        elif isinstance(event, RenderedParagraph):
            layout.append(event.text)
            wanted = len(event.facts)
            cursor = 0
            while wanted > 0:
                found = next(queue, None)
                if found is None:
                    break
                sentence, where = found
                wanted -= len(sentence.facts)
                cursor = _place(event.text, cursor, sentence, where, len(layout) - 1, figures)
    if not figures:
        return None
    shared = tuple(layout)
    claims: list[Claim] = []
    for paragraph, start, end, ref, where in figures:
        stated = ""
        value = ref.value
        if value is not None and not _is_number(value):
            bounds = _approximate(value)
            if bounds is not None:
                stated, value = value, str(bounds.low)
        if value is None or not _is_number(value):
            continue  # a placeholder (draft) states nothing
        claims.append(
            PlacedClaim(
                value=value,
                text=ref.text,
                source=where,
                layout=shared,
                paragraph=paragraph,
                start=start,
                end=end,
                stated=stated,
            )
        )
    return claims


def _place(
    text: str,
    cursor: int,
    sentence: Any,
    where: str,
    paragraph: int,
    figures: list[tuple[int, int, int, Any, str]],
) -> int:
    """Find *sentence* in the printed paragraph *text* from *cursor*; record its figures.

    The printed text is the sentence's, tidied (a separator before 。 goes): the sentence is
    looked for whole, then up to its last figure, then each figure with what precedes it.
    """
    spans = sentence.spans
    ends = [end for start, end in spans if start >= 0]
    last = max(ends, default=0)
    at = text.find(sentence.text, cursor)
    if at == -1 and last:
        at = text.find(sentence.text[:last], cursor)
    for n, (ref, (start, end)) in enumerate(zip(sentence.facts, spans, strict=True)):
        source = f"{where}.facts[{n}]"
        if start < 0:
            continue
        if at != -1:
            figures.append((paragraph, at + start, at + end, ref, source))
            continue
        context = sentence.text[max(0, start - 8) : end]
        found = text.find(context, cursor)
        if found != -1:
            begin = found + len(context) - (end - start)
            figures.append((paragraph, begin, begin + end - start, ref, source))
            cursor = begin + end - start
    if at != -1:
        return at + (len(sentence.text) if text.startswith(sentence.text, at) else last)
    return cursor


def load_claims(path: str | Path) -> list[Claim]:
    """Read the claims of the JSON data file *path* (``--data``)."""
    name = str(path)
    try:
        data: Any = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read: {exc.strerror or exc}")]) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(name, f"not a JSON file: {exc}")]) from exc
    try:
        return claims_from_json(data)
    except InputError as exc:
        raise InputError(
            [Problem(f"{name}: {p.location}", p.message) for p in exc.problems], source=name
        ) from None


def _parse(text: str, style: str | None) -> Any:
    # Imported here: the narrative package is only needed when --data is given.
    from epireport.narrative._numbers import NumberInterval, parse_number

    if text and all(ch in _NUMERAL_CHARS for ch in text):
        # A count written in Chinese numerals (两人, 三次: figure(style="numeral")).
        from epireport.narrative._numerals import parse_chinese_numeral

        return NumberInterval.point(parse_chinese_numeral(text))
    return parse_number(text, style)


def _approximate(text: str) -> Any:
    """The interval of an approximate figure as stated in the data (480余), else None."""
    if not any(mark in text for mark in "约近余多"):
        return None
    try:
        return _parse(text, "exact")
    except ModelError:
        return None


def _within(figure: str, style: str | None, stated: str, source: str) -> str | None:
    """Check that *figure* stands for every value the approximate *stated* may be."""
    try:
        written = _parse(figure, style)
        data = _parse(stated, "exact")
    except ModelError as exc:
        return f"figure {figure!r} ({source}) cannot be read: {exc}"
    low_ok = written.low < data.low or (
        written.low == data.low and (written.low_closed or not data.low_closed)
    )
    high_ok = written.high > data.high or (
        written.high == data.high and (written.high_closed or not data.high_closed)
    )
    if low_ok and high_ok:
        return None
    return (
        f"figure {figure!r} stands for {written} but the data ({source}) states {stated!r}, "
        f"{data}: the prose is more precise than its input, or wrong"
    )


def _occurrences(doc: LintDocument, figure: str) -> Iterator[tuple[Paragraph, int]]:
    pattern = re.compile(r"(?<![\d.])" + re.escape(figure) + r"(?![\d]|\.\d|[万亿余多%])")
    for paragraph in doc.paragraphs:
        for match in pattern.finditer(paragraph.text):
            yield paragraph, match.start()


def _first_place(doc: LintDocument) -> tuple[int, int]:
    if doc.paragraphs:
        return doc.paragraphs[0].line, doc.paragraphs[0].column
    return 1, 1


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------------------------------------
# Figures by position: the printed paragraphs of the data matched to the linted ones.


@attrs.frozen
class _Verdict:
    """What was found where a placed claim's figure should stand."""

    claim: PlacedClaim
    line: int
    column: int
    written: str | None  # the figure written there; None when there is none


def _matches(layout: Sequence[str], paragraphs: Sequence[Paragraph]) -> dict[int, int]:
    """Pair the printed paragraphs *layout* with the linted *paragraphs* (index to index).

    Equal texts pair first (in order); the paragraphs between two such pairs pair by
    likeness, in order: an edited paragraph (a tampered figure, Markdown emphasis) still
    finds its place.
    """
    texts = [p.text for p in paragraphs]
    pairs: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, list(layout), texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.update({i1 + k: j1 + k for k in range(i2 - i1)})
        elif tag == "replace":
            j = j1
            for i in range(i1, i2):
                best, best_ratio = -1, 0.5
                for candidate in range(j, j2):
                    ratio = _likeness(layout[i], texts[candidate])
                    if ratio > best_ratio:
                        best, best_ratio = candidate, ratio
                if best != -1:
                    pairs[i] = best
                    j = best + 1
    return pairs


def _likeness(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() <= 0.5 or matcher.quick_ratio() <= 0.5:
        return 0.0
    return matcher.ratio()


def _mapper(expected: str, actual: str) -> Any:
    """A function mapping offsets in *expected* to offsets in *actual* (an edited copy)."""
    if expected == actual:
        return lambda offset: offset
    opcodes = difflib.SequenceMatcher(None, expected, actual, autojunk=False).get_opcodes()

    def to_actual(offset: int) -> int:
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= offset < i2:
                if tag == "equal":
                    return j1 + offset - i1
                return min(j1 + offset - i1, max(j1, j2 - 1))
        return len(actual)

    return to_actual


def _written_at(text: str, start: int, end: int) -> tuple[int, str] | None:
    """The figure written over ``text[start:end]``: where it starts and its text."""
    for pattern in (_FIGURE, _NUMERAL):
        for match in pattern.finditer(text, max(0, start - 24), min(len(text), end + 24)):
            if match.start() < end and match.end() > start:
                return match.start(), match.group()
    return None


_VERDICTS: dict[int, tuple[LintDocument, list[_Verdict]]] = {}
_VERDICTS_LOCK: Final = threading.Lock()


def _verdicts(doc: LintDocument) -> list[_Verdict]:
    """Where each placed claim's figure stands in *doc* and what is written there."""
    with _VERDICTS_LOCK:
        cached = _VERDICTS.get(id(doc))
        if cached is not None and cached[0] is doc:
            return cached[1]
    placed = [c for c in doc.claims if isinstance(c, PlacedClaim)]
    verdicts: list[_Verdict] = []
    pairs_of: dict[int, dict[int, int]] = {}
    for claim in placed:
        layout = claim.layout
        pairs = pairs_of.get(id(layout))
        if pairs is None:
            pairs = pairs_of[id(layout)] = _matches(layout, doc.paragraphs)
        index = pairs.get(claim.paragraph)
        if index is None:
            line, column = _near(doc, pairs, claim.paragraph)
            verdicts.append(_Verdict(claim, line, column, None))
            continue
        paragraph = doc.paragraphs[index]
        to_actual = _mapper(layout[claim.paragraph], paragraph.text)
        start = to_actual(claim.start)
        end = to_actual(claim.end - 1) + 1 if claim.end > claim.start else start
        written = _written_at(paragraph.text, start, end)
        if written is None:
            line, column = paragraph.locate(min(start, max(0, len(paragraph.text) - 1)))
            verdicts.append(_Verdict(claim, line, column, None))
        else:
            line, column = paragraph.locate(written[0])
            verdicts.append(_Verdict(claim, line, column, written[1]))
    with _VERDICTS_LOCK:
        if len(_VERDICTS) > 8:
            _VERDICTS.clear()
        _VERDICTS[id(doc)] = (doc, verdicts)
    return verdicts


def _near(doc: LintDocument, pairs: Mapping[int, int], paragraph: int) -> tuple[int, int]:
    """The place of the linted paragraph matched just before *paragraph* (or the first)."""
    before = [j for i, j in pairs.items() if i < paragraph]
    if before:
        found = doc.paragraphs[max(before)]
        return found.line, found.column
    return _first_place(doc)


def _placed_value(verdict: _Verdict) -> str | None:
    claim, written = verdict.claim, verdict.written
    if written is None:
        return None
    expected = claim.text or ""
    try:
        _parse(expected, claim.style)
    except ModelError:
        # Not a figure the parser reads (增长12.5%): it must stand as written.
        if written == expected:
            return None
        return f"figure {written!r} stands where the data ({claim.source}) wrote {expected!r}"
    if isinstance(claim, PlacedClaim) and claim.stated:
        message = _within(written, claim.style, claim.stated, claim.source)
    else:
        message = _mismatch(written, claim.style, claim.value, claim.source)
    if message is not None and written != expected:
        message += f" (it wrote {expected!r})"
    return message


def check_figure_value(doc: LintDocument) -> Iterator[Hit]:
    """EPI701 figure-value: a figure does not hold the value ``--data`` says it states.

    ``3.2万余`` stands for 32000 < value < 33000 (GB/T 15835 and epireport's rules: 余
    floors, 近 ceils, 约 rounds); a claim of 30000 for it is reported, and so is a figure that
    cannot be read at all (万余万). Where the data itself is approximate (a fact stated 480余
    or 约500), the figure must stand for every value the data may be: 480余 and 约500 hold
    480余, 485 and 500余 do not. Silent without ``--data``.
    """
    for verdict in _verdicts(doc):
        message = _placed_value(verdict)
        if message is not None:
            yield Hit(message, verdict.line, verdict.column)
    for claim in doc.claims:
        if isinstance(claim, PlacedClaim):
            continue
        if claim.text is not None:
            places = list(_occurrences(doc, claim.text))
            if places:
                line, column = places[0][0].locate(places[0][1])
            else:
                line, column = _first_place(doc)
            message = _mismatch(claim.text, claim.style, claim.value, claim.source)
            if message:
                yield Hit(message, line, column)
        else:
            yield from _phrase_value(doc, claim)


def _mismatch(figure: str, style: str | None, value: Decimal, source: str) -> str | None:
    try:
        interval = _parse(figure, style)
    except ModelError as exc:
        return f"figure {figure!r} ({source}) cannot be read: {exc}"
    if value in interval:
        return None
    return f"figure {figure!r} stands for {interval} but the data ({source}) says {_plain(value)}"


def _figures_after(doc: LintDocument, phrase: str) -> Iterator[tuple[Paragraph, int, str]]:
    for paragraph in doc.paragraphs:
        text = paragraph.text
        start = text.find(phrase)
        while start != -1:
            end = start + len(phrase)
            stop = _STOPS.search(text, end)
            limit = min(end + _WINDOW, stop.start() if stop else len(text))
            match = _FIGURE.search(text, end, limit)
            if match:
                yield paragraph, match.start(), match.group()
            start = text.find(phrase, end)


def _phrase_value(doc: LintDocument, claim: Claim) -> Iterator[Hit]:
    assert claim.phrase is not None
    # Every occurrence: a phrase written twice states its figure twice, and both must hold.
    for paragraph, offset, figure in _figures_after(doc, claim.phrase):
        message = _mismatch(figure, claim.style, claim.value, claim.source)
        if message is not None:
            yield doc.hit(paragraph, offset, f"{claim.phrase}: {message}")


def check_figure_missing(doc: LintDocument) -> Iterator[Hit]:
    """EPI702 figure-missing: a figure or phrase from ``--data`` does not appear in the text.

    A claim with a figure needs that figure, as written, in the document; a phrase claim
    needs the phrase followed by a figure. Silent without ``--data``.
    """
    for verdict in _verdicts(doc):
        if verdict.written is None:
            placed = verdict.claim
            yield Hit(
                f"figure {placed.text!r} ({placed.source}, value {_plain(placed.value)}) "
                "does not stand where the data places it",
                verdict.line,
                verdict.column,
            )
    line, column = _first_place(doc)
    for claim in doc.claims:
        if isinstance(claim, PlacedClaim):
            continue
        if claim.text is not None:
            if next(_occurrences(doc, claim.text), None) is None:
                yield Hit(
                    f"figure {claim.text!r} ({claim.source}, value {_plain(claim.value)}) "
                    "does not appear in the text",
                    line,
                    column,
                )
        elif claim.phrase is not None and next(_figures_after(doc, claim.phrase), None) is None:
            yield Hit(
                f"no figure follows {claim.phrase!r} in the text "
                f"({claim.source}, value {_plain(claim.value)})",
                line,
                column,
            )
