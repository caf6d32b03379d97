"""Measures (措施): what was done, by whom, from when, how often, where, and which figures tell.

A measure such as 生活垃圾清运由每日一次调整到每日两次 carries its new :class:`Frequency` and the
one it replaced; the quantities it produced are data values of the indicators it names.
"""

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import attrs

from epireport.exceptions import ModelError
from epireport.model._indicators import IndicatorSet
from epireport.model._periods import Period
from epireport.model._units import check_code
from epireport.narrative._numerals import chinese_count

__all__ = ["Frequency", "FrequencyUnit", "Measure"]


class FrequencyUnit(enum.Enum):
    """The stretch of time a frequency counts in."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        """The Chinese word used after 每: 日, 周 or 月."""
        return _UNIT_LABELS[self]

    @property
    def approx_days(self) -> Fraction:
        """The length in days, a month counting as 365/12 days (for comparisons only)."""
        return _UNIT_DAYS[self]


_UNIT_LABELS = {FrequencyUnit.DAY: "日", FrequencyUnit.WEEK: "周", FrequencyUnit.MONTH: "月"}
_UNIT_DAYS = {
    FrequencyUnit.DAY: Fraction(1),
    FrequencyUnit.WEEK: Fraction(7),
    FrequencyUnit.MONTH: Fraction(365, 12),
}


def _count_label(n: int) -> str:
    # 两 replaces 二 only when the whole count is 2 (每日两次, but 每日十二次); counts from 100 on
    # are written in Arabic numerals as GB/T 15835 prefers for larger counts.
    return chinese_count(n) if n < 100 else str(n)


def _validate_times(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ModelError(f"Frequency.times: expected a whole number >= 1, got {value!r}")


def _validate_per(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, FrequencyUnit):
        raise ModelError(f"Frequency.per: expected day, week or month, got {value!r}")


_FREQUENCY = re.compile(r"\s*(\d+)\s*/\s*([a-z]+)\s*")


@attrs.frozen
class Frequency:
    """How often something happens: *times* per day, week or month (``2/day`` is 每日两次)."""

    times: int = attrs.field(validator=_validate_times)
    per: FrequencyUnit = attrs.field(validator=_validate_per)

    @classmethod
    def parse(cls, text: str) -> "Frequency":
        """Parse ``"2/day"``, ``"1/week"`` or ``"3/month"``; raise :class:`ModelError` otherwise."""
        match = _FREQUENCY.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ModelError(f"Frequency: expected a frequency such as '2/day', got {text!r}")
        try:
            per = FrequencyUnit(match.group(2))
        except ValueError:
            raise ModelError(
                f"Frequency.per: expected day, week or month, got {match.group(2)!r} in {text!r}"
            ) from None
        return cls(int(match.group(1)), per)

    def __str__(self) -> str:
        return f"{self.times}/{self.per.value}"

    @property
    def label(self) -> str:
        """The Chinese phrase: 每日两次, 每周一次, 每月三次."""
        return f"每{self.per.label}{_count_label(self.times)}次"

    @property
    def per_day(self) -> Fraction:
        """Occurrences per day (a month counting as 365/12 days), to compare frequencies."""
        return Fraction(self.times) / self.per.approx_days


def _to_frequency(value: "Frequency | str | None") -> "Frequency | None":
    # Files and plugins may write "2/day"; the model holds Frequency objects only.
    if isinstance(value, str):
        return Frequency.parse(value)
    return value


def _validate_frequency(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and not isinstance(value, Frequency):
        raise ModelError(
            f"Measure.{attribute.name}: expected a Frequency such as '2/day' or None, "
            f"got {value!r} (measure {instance.code!r})"
        )


def _validate_code(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_code(f"Measure.{attribute.name}", value)


def _validate_title(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(
            f"Measure.title: expected a non-blank title, got {value!r} (measure {instance.code!r})"
        )


def _validate_text(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(
            f"Measure.{attribute.name}: expected a string, got {value!r} "
            f"(measure {instance.code!r})"
        )


def _validate_day(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    # datetime is a date too, but mixing the two breaks comparisons later.
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise ModelError(
            f"Measure.{attribute.name}: expected a date or None, got {value!r} "
            f"(measure {instance.code!r})"
        )


def _to_strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _validate_places(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    seen: set[str] = set()
    for place in value:
        if not isinstance(place, str) or not place.strip():
            raise ModelError(
                f"Measure.places: expected non-blank place names, got {place!r} "
                f"(measure {instance.code!r})"
            )
        if place in seen:
            raise ModelError(
                f"Measure.places: {place!r} is listed twice (measure {instance.code!r})"
            )
        seen.add(place)


def _validate_indicators(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    seen: set[str] = set()
    for code in value:
        check_code("Measure.indicators", code)
        if code in seen:
            raise ModelError(
                f"Measure.indicators: {code!r} is listed twice (measure {instance.code!r})"
            )
        seen.add(code)


@attrs.frozen
class Measure:
    """One measure (措施) taken: e.g. 生活垃圾清运由每日一次调整到每日两次.

    ``category`` groups measures (宣传, 消杀, ...); ``responsible`` names the unit in charge;
    ``start`` and ``end`` are the first and last day in force (both inclusive, either unknown).
    ``frequency`` is how often it is carried out now and ``replaces`` the frequency it replaced
    (only meaningful with a new one, and different from it). ``places`` are the places or objects
    it covers; ``indicators`` the codes of the indicators whose quantities it reports.
    """

    code: str = attrs.field(validator=_validate_code)
    title: str = attrs.field(validator=_validate_title)
    category: str = attrs.field(default="", validator=_validate_text)
    description: str = attrs.field(default="", validator=_validate_text)
    responsible: str = attrs.field(default="", validator=_validate_text)
    start: date | None = attrs.field(default=None, validator=_validate_day)
    end: date | None = attrs.field(default=None, validator=_validate_day)
    frequency: Frequency | None = attrs.field(
        default=None, converter=_to_frequency, validator=_validate_frequency
    )
    replaces: Frequency | None = attrs.field(
        default=None, converter=_to_frequency, validator=_validate_frequency
    )
    places: tuple[str, ...] = attrs.field(
        default=(), converter=_to_strings, validator=_validate_places
    )
    indicators: tuple[str, ...] = attrs.field(
        default=(), converter=_to_strings, validator=_validate_indicators
    )

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ModelError(
                f"Measure.end: measure {self.code!r} ends on {self.end.isoformat()}, "
                f"before it starts on {self.start.isoformat()}"
            )
        if self.replaces is not None:
            if self.frequency is None:
                raise ModelError(
                    f"Measure.replaces: measure {self.code!r} replaces {self.replaces} "
                    "but gives no new frequency"
                )
            if self.replaces == self.frequency:
                raise ModelError(
                    f"Measure.replaces: measure {self.code!r} replaces {self.replaces} "
                    "with the same frequency"
                )

    @property
    def frequency_change(self) -> str:
        """由每日一次调整到每日两次 when the measure changed a frequency, else ``''``."""
        if self.replaces is None or self.frequency is None:
            return ""
        return f"由{self.replaces.label}调整到{self.frequency.label}"

    def is_active_on(self, day: date) -> bool:
        """Whether the measure is in force on *day* (unknown start or end do not limit)."""
        if self.start is not None and day < self.start:
            return False
        return self.end is None or day <= self.end

    def is_active_during(self, period: Period) -> bool:
        """Whether the measure is in force on at least one day of *period* (end exclusive)."""
        if self.start is not None and self.start >= period.end:
            return False
        return self.end is None or self.end >= period.start

    def check_against(self, indicators: IndicatorSet) -> None:
        """Raise :class:`ModelError` unless every indicator code is in *indicators*."""
        unknown = [code for code in self.indicators if code not in indicators]
        if unknown:
            raise ModelError(
                f"Measure.indicators: measure {self.code!r} refers to "
                f"{', '.join(repr(c) for c in unknown)}, not in indicator set {indicators.code!r}"
            )
