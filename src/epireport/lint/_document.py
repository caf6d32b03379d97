"""What the linter reads: a document as paragraphs with their places, and findings about it.

Readers turn text, Markdown, HTML and DOCX into a :class:`LintDocument`; rules only ever see
that, so one rule works for every format. A location is a line and a column for text formats
and the paragraph number (column within the paragraph) for DOCX.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs

from epireport._fields import enum_member
from epireport.exceptions import ModelError
from epireport.lint._rules import Severity

__all__ = [
    "FORMATS",
    "Claim",
    "Finding",
    "Hit",
    "LintDocument",
    "Paragraph",
    "latest_date",
]

#: The formats a :class:`LintDocument` can come from.
FORMATS: Final = ("text", "markdown", "html", "docx")


def _positive(owner: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if type(value) is not int or value < 1:
            raise ModelError(f"{owner}.{attribute.name}: expected an integer >= 1, got {value!r}")

    return check


def _text(owner: str) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise ModelError(f"{owner}.{attribute.name}: expected text, got {value!r}")

    return check


def _segments(
    instance: Any, attribute: attrs.Attribute[Any], value: tuple[tuple[int, int, int], ...]
) -> None:
    for segment in value:
        if (
            not isinstance(segment, tuple)
            or len(segment) != 3
            or not all(type(n) is int and n >= 0 for n in segment)
        ):
            raise ModelError(
                f"Paragraph.segments: expected (offset, line, column) triples of integers, "
                f"got {segment!r}"
            )


def _segment_tuple(value: Iterable[tuple[int, int, int]]) -> tuple[tuple[int, int, int], ...]:
    return tuple(value)


@attrs.frozen
class Paragraph:
    """One paragraph of a linted document and where it starts.

    ``line`` and ``column`` (both 1-based) locate ``text[0]`` in the source; for DOCX ``line``
    is the paragraph number. ``segments`` maps offsets of a paragraph assembled from several
    source places (HTML) to their ``(offset, line, column)``; empty means the text is one run.
    """

    text: str = attrs.field(validator=_text("Paragraph"))
    index: int = attrs.field(validator=_positive("Paragraph"))
    line: int = attrs.field(validator=_positive("Paragraph"))
    column: int = attrs.field(default=1, validator=_positive("Paragraph"))
    segments: tuple[tuple[int, int, int], ...] = attrs.field(
        default=(), converter=_segment_tuple, validator=_segments
    )

    def locate(self, offset: int) -> tuple[int, int]:
        """Return the 1-based ``(line, column)`` of ``text[offset]`` in the source."""
        line, column, start = self.line, self.column, 0
        for seg_offset, seg_line, seg_column in self.segments:
            if seg_offset > offset:
                break
            start, line, column = seg_offset, seg_line, seg_column
        return line, column + (offset - start)


def _claim_value(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ModelError(f"Claim.value: expected a number, got {value!r}")
    try:
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except ArithmeticError:
        raise ModelError(f"Claim.value: expected a number, got {value!r}") from None
    if not result.is_finite():
        raise ModelError(f"Claim.value: expected a finite number, got {value!r}")
    return result


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ModelError(f"Claim.{attribute.name}: expected non-blank text or None, got {value!r}")


def _text_or_phrase(instance: Claim, attribute: attrs.Attribute[Any], value: object) -> None:
    if instance.text is None and instance.phrase is None:
        raise ModelError("Claim.phrase: a claim needs the figure text, a phrase, or both")


@attrs.frozen
class Claim:
    """A value the prose is supposed to state, read from ``--data``.

    ``text`` is the figure as written (``3.2万余``), checked to be in the document and to read
    back to an interval holding ``value``. ``phrase`` (an indicator name such as 宣传单) is
    looked up instead when there is no ``text``: the first figure after it must hold
    ``value``. ``style`` is the number style the figure was written in, if known; ``source``
    says where in the data file the claim came from.
    """

    value: Decimal = attrs.field(converter=_claim_value)
    text: str | None = attrs.field(default=None, validator=_optional_text)
    phrase: str | None = attrs.field(default=None, validator=[_optional_text, _text_or_phrase])
    style: str | None = attrs.field(default=None, validator=_optional_text)
    source: str = attrs.field(default="", validator=_text("Claim"))


def _date_or_none(value: object) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ModelError(f"LintDocument.date: expected a date such as 2023-01-08, got {value!r}")


def _format(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in FORMATS:
        raise ModelError(
            f"LintDocument.format: expected one of {', '.join(FORMATS)}, got {value!r}"
        )


def _paragraphs(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for item in value:
        if not isinstance(item, Paragraph):
            raise ModelError(f"LintDocument.paragraphs: expected Paragraph items, got {item!r}")


def _claims(instance: Any, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for item in value:
        if not isinstance(item, Claim):
            raise ModelError(f"LintDocument.claims: expected Claim items, got {item!r}")


def _numbering(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and value not in ("1.", "1、", "（1）"):
        raise ModelError(
            f"LintDocument.numbering: expected '1.', '1、', '（1）' or None, got {value!r}"
        )


def _paragraph_tuple(value: Iterable[Paragraph]) -> tuple[Paragraph, ...]:
    return tuple(value)


def _claim_tuple(value: Iterable[Claim]) -> tuple[Claim, ...]:
    return tuple(value)


@attrs.frozen
class LintDocument:
    """A document as the lint rules see it.

    ``date`` is the date the document speaks from (``--date``, else the latest date written in
    it, else ``None``); terminology rules use it. ``claims`` are the figures ``--data`` says
    the prose states. ``draft`` says the document is meant as a draft (``--draft``): its
    【草稿】 banner is then expected, where in a final document it is a leftover.
    ``numbering`` is the item numbering the document's institution chose (``1.``, ``1、`` or
    ``（1）``, see ``Institution.item_numbering``): numbered items written
    otherwise are then findings; ``None`` only asks that one level is written one way.
    """

    paragraphs: tuple[Paragraph, ...] = attrs.field(
        converter=_paragraph_tuple, validator=_paragraphs
    )
    path: str = attrs.field(default="<text>", validator=_text("LintDocument"))
    format: str = attrs.field(default="text", validator=_format)
    date: dt.date | None = attrs.field(default=None, converter=_date_or_none)
    claims: tuple[Claim, ...] = attrs.field(default=(), converter=_claim_tuple, validator=_claims)
    draft: bool = attrs.field(default=False, converter=bool)
    numbering: str | None = attrs.field(default=None, validator=_numbering)

    def hit(self, paragraph: Paragraph, offset: int, message: str) -> Hit:
        """Return a :class:`Hit` at ``paragraph.text[offset]`` (the usual way rules report)."""
        line, column = paragraph.locate(offset)
        return Hit(message=message, line=line, column=column)

    @property
    def location_label(self) -> str:
        """What ``line`` means in findings on this document: ``line`` or ``paragraph``."""
        return "paragraph" if self.format == "docx" else "line"


@attrs.frozen
class Hit:
    """What a rule's ``check`` yields: a message at a place; the runner adds rule and path."""

    message: str = attrs.field(validator=_text("Hit"))
    line: int = attrs.field(validator=_positive("Hit"))
    column: int = attrs.field(default=1, validator=_positive("Hit"))


def _severity(value: object) -> Severity:
    return enum_member(Severity, "Finding.severity", value)


def _rule_id(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value or any(ch.isspace() for ch in value):
        raise ModelError(f"Finding.rule_id: expected a rule id such as 'EPI101', got {value!r}")


@attrs.frozen(order=False)
class Finding:
    """One problem found by one rule: ``path:line:column: RULE [severity] message``.

    For DOCX files ``line`` is the paragraph number.
    """

    rule_id: str = attrs.field(validator=_rule_id)
    severity: Severity = attrs.field(converter=_severity)
    message: str = attrs.field(validator=_text("Finding"))
    path: str = attrs.field(validator=_text("Finding"))
    line: int = attrs.field(validator=_positive("Finding"))
    column: int = attrs.field(default=1, validator=_positive("Finding"))

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by place, then rule, then message."""
        return (self.path, self.line, self.column, self.rule_id, self.message)

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}:{self.column}: {self.rule_id} "
            f"[{self.severity.value}] {self.message}"
        )

    def to_json(self) -> dict[str, object]:
        """Return the finding as a JSON-ready mapping (the ``--json`` output)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule_id,
            "severity": self.severity.value,
            "message": self.message,
        }


# --------------------------------------------------------------------------------------------
# The document's date
# --------------------------------------------------------------------------------------------

_DATE_RES: Final = (
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"),
    re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)"),
    re.compile(r"(?<!\d)(\d{4})\s*年(?!\s*\d)"),
)


def latest_date(texts: Iterable[str]) -> dt.date | None:
    """Return the latest date written in *texts*, or ``None``.

    Reads ``2023年1月8日``, ``2023-01-08``, ``2023年1月`` (its first day) and ``2023年`` (its
    first day): a partial date counts as early as it can be, so that a terminology rule never
    fires on a date the document does not actually reach.
    """
    best: dt.date | None = None
    for text in texts:
        for pattern in _DATE_RES:
            for match in pattern.finditer(text):
                parts = [int(g) for g in match.groups()]
                year, month, day = [*parts, 1, 1][:3]
                if not 1900 <= year <= 2200:
                    continue
                try:
                    found = dt.date(year, month, day)
                except ValueError:
                    continue
                if best is None or found > best:
                    best = found
    return best


def sort_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Return *findings* in reading order."""
    return sorted(findings, key=Finding.sort_key)
