"""``--data``: the figures the prose claims to state, and the checks that hold it to them.

A data file is JSON in one of two shapes:

- epireport's JSON output (a document tree whose sentences carry facts), or anything else in
  which objects carry a figure as written and its value: every object with ``"text"``
  (``"3.2万余"``) and a ``"value"`` that is a number or a numeric string (``32456``,
  ``"32456"``) is a claim, wherever it sits; ``"style"`` is used when present; objects whose
  value is ``null`` (a missing figure) are skipped;
- a flat mapping of phrases (indicator names) to values, ``{"宣传单": 32456}``: the first
  figure written after the phrase must hold the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from epireport.exceptions import InputError, ModelError, Problem
from epireport.lint._document import Claim, Hit, LintDocument, Paragraph

__all__ = ["check_figure_missing", "check_figure_value", "claims_from_json", "load_claims"]

_NUMBER_TYPES: Final = (int, float)
_FIGURE: Final = re.compile(
    r"(?<![\d.])[近约]?\d[\d,]*(?:\.\d+)?(?:[余多](?=[万亿]))?[万亿]?[余多]?%?"
)
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
    from epireport.narrative._numbers import parse_number

    return parse_number(text, style)


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


def check_figure_value(doc: LintDocument) -> Iterator[Hit]:
    """EPI701 figure-value: a figure does not hold the value ``--data`` says it states.

    ``3.2万余`` stands for 32000 < value < 33000 (GB/T 15835 and epireport's rules: 余
    floors, 近 ceils, 约 rounds); a claim of 30000 for it is reported, and so is a figure that
    cannot be read at all (万余万). Silent without ``--data``.
    """
    for claim in doc.claims:
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
    first: tuple[Paragraph, int, str] | None = None
    for paragraph, offset, figure in _figures_after(doc, claim.phrase):
        if _mismatch(figure, claim.style, claim.value, claim.source) is None:
            return
        first = first or (paragraph, offset, figure)
    if first is not None:
        paragraph, offset, figure = first
        message = _mismatch(figure, claim.style, claim.value, claim.source)
        assert message is not None
        yield doc.hit(paragraph, offset, f"{claim.phrase}: {message}")


def check_figure_missing(doc: LintDocument) -> Iterator[Hit]:
    """EPI702 figure-missing: a figure or phrase from ``--data`` does not appear in the text.

    A claim with a figure needs that figure, as written, in the document; a phrase claim
    needs the phrase followed by a figure. Silent without ``--data``.
    """
    line, column = _first_place(doc)
    for claim in doc.claims:
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
