"""Reporting periods: half-open date intervals with a typed canonical id.

A :class:`Period` covers the dates ``start <= d < end``. Every period has one canonical id,
written by ``str(period)`` and read back by :meth:`Period.parse`:

==============  =================================  ==========================================
type            id                                 meaning
==============  =================================  ==========================================
DAY             ``20200201``                       one day
WEEK            ``2020W5``                         ISO week (Monday start)
WEEK            ``2020WedW5`` ``2020ThuW5``        DHIS2 weeks starting Wednesday, Thursday,
                ``2020SatW5`` ``2020SunW5``        Saturday or Sunday
TEN_DAYS        ``202002D1`` ``D2`` ``D3``         旬: days 1-10, 11-20, 21 to month end
MONTH           ``202002``                         calendar month
QUARTER         ``2020Q1``                         calendar quarter
HALF_YEAR       ``2020S1``                         calendar half-year
YEAR            ``2020``                           calendar year
INTERVAL        ``2020-01-23/2020-02-29``          the last date is *inclusive*
STAGE           ``第一阶段:2020-01-23/2020-02-29``  a named interval
==============  =================================  ==========================================

Week-numbering rule (ISO 8601, generalised the way DHIS2 does for other start days): a week that
starts on weekday *S* belongs to the year that contains its fourth day (``start + 3 days``; for
ISO weeks that is the Thursday). Week 1 is therefore the week whose fourth day falls on 1-7
January (equivalently: the first week with at least four days in January, which is what
DHIS2 computes with ``WeekFields.of(startDay, 4)``), and a year has 52 or 53 weeks. So
``2020SatW1`` is 2020-01-04 to 2020-01-10 and ``2020SunW1`` starts on 2019-12-29. Only the start
days DHIS2 has ids for are accepted: Monday, Wednesday, Thursday, Saturday and Sunday.

Years in ids run from 1000 to 9999 (four digits), and every day of a period must lie in those
years too (so week 1 of year 1000, which starts in 999, is refused). Because ``end`` is
exclusive and :class:`datetime.date` stops at 9999-12-31, no period can include that last day.
"""

import datetime
import enum
import functools
import re
from collections.abc import Iterator
from typing import Final

import attrs

from epireport.exceptions import ModelError

# The Chinese toolkit is pure (stdlib only): labels and prose write dates the same one way.
from epireport.narrative._dates import format_date, format_date_range
from epireport.narrative._numerals import chinese_numeral

__all__ = ["Period", "PeriodType", "parse_period"]


class PeriodType(enum.Enum):
    """The kind of a :class:`Period`; values are the strings used in files."""

    DAY = "day"
    WEEK = "week"
    TEN_DAYS = "ten_days"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    INTERVAL = "interval"
    STAGE = "stage"

    @property
    def is_calendar(self) -> bool:
        """Whether periods of this type tile the calendar (everything but INTERVAL and STAGE)."""
        return self not in _FREE_TYPES


_FREE_TYPES: Final = frozenset({PeriodType.INTERVAL, PeriodType.STAGE})
_TYPE_RANK: Final = {t: i for i, t in enumerate(PeriodType)}

MIN_YEAR: Final = 1000
MAX_YEAR: Final = 9999
_ONE_DAY: Final = datetime.timedelta(days=1)
_MAX_ORDINAL: Final = datetime.date.max.toordinal()

# DHIS2 spells non-Monday weekly periods with a day code between the year and the W.
_WEEK_CODES: Final = {0: "", 2: "Wed", 3: "Thu", 5: "Sat", 6: "Sun"}
_WEEK_STARTS_BY_CODE: Final = {code: ws for ws, code in _WEEK_CODES.items()}
_WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

# How many months a month-aligned period spans, and which start months are allowed.
_MONTH_SPANS: Final = {
    PeriodType.MONTH: (1, frozenset(range(1, 13)), "the 1st of a month"),
    PeriodType.QUARTER: (3, frozenset({1, 4, 7, 10}), "1 January, 1 April, 1 July or 1 October"),
    PeriodType.HALF_YEAR: (6, frozenset({1, 7}), "1 January or 1 July"),
    PeriodType.YEAR: (12, frozenset({1}), "1 January"),
}

_TEN_DAY_NAMES: Final = ("", "上旬", "中旬", "下旬")
_HALF_NAMES: Final = ("", "上半年", "下半年")

_EXPECTED_IDS: Final = (
    "expected a day (20200201), a week (2020W5, or 2020WedW5/2020ThuW5/2020SatW5/2020SunW5), "
    "a ten-day period (202002D1-D3), a month (202002), a quarter (2020Q1-Q4), a half-year "
    "(2020S1/S2), a year (2020), an interval (2020-01-23/2020-02-29) or a stage "
    "(名称:2020-01-23/2020-02-29)"
)

_CALENDAR_ID_RE: Final = re.compile(
    r"""
    (?P<year>[0-9]{4})
    (?:
        (?P<month>[0-9]{2}) (?: (?P<day>[0-9]{2}) | D(?P<dekad>[0-9]+) )?
      | (?P<wcode>[A-Z][a-z]{2})? W (?P<week>[0-9]+)
      | Q (?P<quarter>[0-9]+)
      | S (?P<half>[0-9]+)
    )?
    """,
    re.VERBOSE | re.ASCII,
)
_DATE_PATTERN: Final = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_INTERVAL_RE: Final = re.compile(_DATE_PATTERN + "/" + _DATE_PATTERN, re.ASCII)
# Stage names may not contain a colon (either width), so the first colon ends the name.
_STAGE_RE: Final = re.compile(r"([^:：]*)[:：](.*)", re.DOTALL)


def _check_int(where: str, what: str, value: object, low: int, high: int) -> int:
    """Return ``value`` if it is an int in [low, high], else raise a ModelError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(f"{where}: {what} must be an integer, not {value!r}")
    if not low <= value <= high:
        raise ModelError(f"{where}: {what} must be {low}-{high}, not {value}")
    return value


def _check_date(where: str, value: object) -> datetime.date:
    """Return ``value`` if it is a plain date (a datetime would smuggle in a time of day)."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ModelError(f"{where}: expected a datetime.date, not {value!r}")
    return value


def _check_week_start(where: str, value: object) -> int:
    """Return ``value`` if it is a week start day that has a DHIS2 id."""
    ws = _check_int(where, "week_start", value, 0, 6)
    if ws not in _WEEK_CODES:
        raise ModelError(
            f"{where}: week_start {ws} ({_WEEKDAY_NAMES[ws]}) has no DHIS2 id; expected "
            "0 (Monday), 2 (Wednesday), 3 (Thursday), 5 (Saturday) or 6 (Sunday)"
        )
    return ws


def _from_ordinal(ordinal: int) -> datetime.date | None:
    """Return the date of an ordinal, or None when it lies outside what ``date`` can hold."""
    if 1 <= ordinal <= _MAX_ORDINAL:
        return datetime.date.fromordinal(ordinal)
    return None


def _month_start(year: int, month: int) -> datetime.date | None:
    """Return the first day of a (possibly overflowing) month, None beyond year 9999."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, 1) if year <= MAX_YEAR else None


def _jan1_ordinal(year: int) -> int:
    """Return the ordinal of 1 January, extrapolated for the year after 9999."""
    if year > MAX_YEAR:
        return _MAX_ORDINAL + 1
    return datetime.date(year, 1, 1).toordinal()


@functools.lru_cache(maxsize=4096)
def _week1_start_ordinal(year: int, week_start: int) -> int:
    """Return the ordinal of the first day of week 1 of ``year``.

    Week 1 is the week whose fourth day falls on 1-7 January (the ISO Thursday rule).
    """
    jan1 = _jan1_ordinal(year)
    fourth_weekday = (week_start + 3) % 7
    # date(1, 1, 1) has ordinal 1 and is a Monday, hence the +6.
    first_fourth_day = jan1 + (fourth_weekday - (jan1 + 6) % 7) % 7
    return first_fourth_day - 3


def _weeks_in_year(year: int, week_start: int) -> int:
    """Return 52 or 53, the number of weeks in a week-numbering year."""
    span = _week1_start_ordinal(year + 1, week_start) - _week1_start_ordinal(year, week_start)
    return span // 7


def _calendar_end(type_: PeriodType, start: datetime.date) -> datetime.date | None:
    """Return the exclusive end of the calendar period starting on ``start``.

    None means the end is past 9999-12-31; the caller has checked the alignment of ``start``.
    """
    if type_ is PeriodType.DAY:
        return _from_ordinal(start.toordinal() + 1)
    if type_ is PeriodType.WEEK:
        return _from_ordinal(start.toordinal() + 7)
    if type_ is PeriodType.TEN_DAYS:
        if start.day < 21:
            return start + datetime.timedelta(days=10)
        return _month_start(start.year, start.month + 1)
    months, _, _ = _MONTH_SPANS[type_]
    return _month_start(start.year, start.month + months)


def _misalignment(type_: PeriodType, start: datetime.date, week_start: int) -> str | None:
    """Explain why ``start`` cannot begin a calendar period of ``type_``, or return None."""
    if type_ is PeriodType.DAY:
        return None
    if type_ is PeriodType.WEEK:
        if start.weekday() != week_start:
            return (
                f"a week with week_start={week_start} starts on a {_WEEKDAY_NAMES[week_start]}, "
                f"not on {start} (a {_WEEKDAY_NAMES[start.weekday()]})"
            )
        return None
    if type_ is PeriodType.TEN_DAYS:
        if start.day not in (1, 11, 21):
            return f"a ten-day period starts on day 1, 11 or 21 of a month, not on {start}"
        return None
    _, start_months, wording = _MONTH_SPANS[type_]
    if start.day != 1 or start.month not in start_months:
        return f"a {type_.value} starts on {wording}, not on {start}"
    return None


def _id_year(type_: PeriodType, start: datetime.date) -> int:
    """Return the year written in the id; for weeks that is the week-numbering year."""
    if type_ is PeriodType.WEEK:
        fourth = _from_ordinal(start.toordinal() + 3)
        return fourth.year if fourth is not None else MAX_YEAR + 1
    return start.year


def _check_name(where: str, name: object) -> str:
    """Return ``name`` if it is a usable stage name."""
    if not isinstance(name, str):
        raise ModelError(f"{where}: a stage name must be a string, not {name!r}")
    if not name:
        raise ModelError(f"{where}: a stage name must not be empty")
    if ":" in name or "：" in name:
        raise ModelError(f"{where}: a stage name must not contain a colon, not {name!r}")
    if name.strip() != name:
        raise ModelError(
            f"{where}: a stage name must not start or end with whitespace, not {name!r}"
        )
    if not name.isprintable():
        raise ModelError(f"{where}: a stage name must not contain control characters: {name!r}")
    return name


@attrs.frozen(order=False, repr=False, cache_hash=True)
class Period:
    """A half-open interval ``[start, end)`` of dates of a given :class:`PeriodType`.

    Build periods with :meth:`parse` or the typed constructors (:meth:`day`, :meth:`week`,
    :meth:`month`, ...); the fields are checked either way, so a MONTH that does not start on
    day 1 or does not span exactly one month is refused with a :class:`ModelError`.
    ``name`` is set for stages only and ``week_start`` (0 = Monday ... 6 = Sunday) is non-zero
    for weeks only. Periods are hashable, compare equal when all fields are equal and sort by
    :attr:`sort_key`.
    """

    type: PeriodType
    start: datetime.date
    end: datetime.date
    name: str | None = None
    week_start: int = 0

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.type, PeriodType):
            raise ModelError(f"Period.type: expected a PeriodType, not {self.type!r}")
        _check_date("Period.start", self.start)
        _check_date("Period.end", self.end)
        ws = _check_week_start("Period.week_start", self.week_start)
        t = self.type
        if ws and t is not PeriodType.WEEK:
            raise ModelError(f"Period.week_start: only weeks have a week start, not a {t.value}")
        if t is PeriodType.STAGE:
            _check_name("Period.name", self.name)
        elif self.name is not None:
            raise ModelError(f"Period.name: only stages have a name, not a {t.value}")
        year = _id_year(t, self.start)
        if self.start.year < MIN_YEAR:
            year = self.start.year
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ModelError(
                f"Period.start: years run from {MIN_YEAR} to {MAX_YEAR}, not {year} "
                f"(a {t.value} starting on {self.start})"
            )
        if t in _FREE_TYPES:
            if self.end <= self.start:
                raise ModelError(
                    f"Period.end: an {t.value} must end after it starts; "
                    f"end {self.end} (exclusive) is not after start {self.start}"
                )
            return
        problem = _misalignment(t, self.start, ws)
        if problem is not None:
            raise ModelError(f"Period.start: {problem}")
        expected = _calendar_end(t, self.start)
        if expected != self.end:
            raise ModelError(
                f"Period.end: a {t.value} starting on {self.start} ends on "
                f"{expected if expected is not None else 'a day after 9999-12-31'} "
                f"(exclusive), not on {self.end}"
            )

    # ----------------------------------------------------------------- constructors

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Read a canonical period id such as ``2020W5`` or ``第一阶段:2020-01-23/2020-02-29``.

        Surrounding whitespace is ignored, and a full-width colon ``：`` is accepted after a
        stage name. Raises :class:`ModelError` quoting the id and saying what was expected.
        Results are cached, so parsing the same id in a loop is cheap.
        """
        if not isinstance(text, str):
            raise ModelError(f"Period: a period id must be a string, not {text!r}")
        return _parse_cached(text)

    @classmethod
    def day(cls, d: datetime.date) -> "Period":
        """Return the DAY period of date ``d``."""
        _check_date("Period.day", d)
        end = _from_ordinal(d.toordinal() + 1)
        if end is None:
            raise ModelError("Period.day: 9999-12-31 cannot be a period (its end is not a date)")
        return cls(PeriodType.DAY, d, end)

    @classmethod
    def week(cls, year: int, week: int, week_start: int = 0) -> "Period":
        """Return week ``week`` (1-52 or 1-53) of the week-numbering ``year``.

        ``week_start`` is 0 for ISO (Monday) weeks, or 2, 3, 5, 6 for DHIS2 weeks starting on
        Wednesday, Thursday, Saturday or Sunday. See the module docstring for the year rule.
        """
        _check_int("Period.week", "year", year, MIN_YEAR, MAX_YEAR)
        ws = _check_week_start("Period.week", week_start)
        count = _weeks_in_year(year, ws)
        _check_int("Period.week", "week", week, 1, 53)
        if week > count:
            raise ModelError(
                f"Period.week: {year} has {count} weeks, so week {week} does not exist"
            )
        first = _week1_start_ordinal(year, ws) + 7 * (week - 1)
        start, end = _from_ordinal(first), _from_ordinal(first + 7)
        if start is None or end is None:
            raise ModelError(f"Period.week: week {week} of {year} ends after 9999-12-31")
        return cls(PeriodType.WEEK, start, end, week_start=ws)

    @classmethod
    def ten_days(cls, year: int, month: int, n: int) -> "Period":
        """Return the ``n``-th 旬 of a month: 1 = days 1-10, 2 = 11-20, 3 = 21 to month end."""
        _check_int("Period.ten_days", "year", year, MIN_YEAR, MAX_YEAR)
        _check_int("Period.ten_days", "month", month, 1, 12)
        _check_int("Period.ten_days", "n", n, 1, 3)
        return cls._calendar(PeriodType.TEN_DAYS, datetime.date(year, month, 10 * n - 9))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        """Return a calendar month."""
        _check_int("Period.month", "year", year, MIN_YEAR, MAX_YEAR)
        _check_int("Period.month", "month", month, 1, 12)
        return cls._calendar(PeriodType.MONTH, datetime.date(year, month, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        """Return a calendar quarter (1-4)."""
        _check_int("Period.quarter", "year", year, MIN_YEAR, MAX_YEAR)
        _check_int("Period.quarter", "quarter", quarter, 1, 4)
        return cls._calendar(PeriodType.QUARTER, datetime.date(year, 3 * quarter - 2, 1))

    @classmethod
    def half_year(cls, year: int, half: int) -> "Period":
        """Return a calendar half-year (1 = January-June, 2 = July-December)."""
        _check_int("Period.half_year", "year", year, MIN_YEAR, MAX_YEAR)
        _check_int("Period.half_year", "half", half, 1, 2)
        return cls._calendar(PeriodType.HALF_YEAR, datetime.date(year, 6 * half - 5, 1))

    @classmethod
    def year(cls, year: int) -> "Period":
        """Return a calendar year."""
        _check_int("Period.year", "year", year, MIN_YEAR, MAX_YEAR)
        return cls._calendar(PeriodType.YEAR, datetime.date(year, 1, 1))

    @classmethod
    def interval(cls, first_day: datetime.date, last_day: datetime.date) -> "Period":
        """Return the INTERVAL from ``first_day`` to ``last_day``, both inclusive."""
        _check_date("Period.interval", first_day)
        _check_date("Period.interval", last_day)
        if last_day < first_day:
            raise ModelError(
                f"Period.interval: the last day {last_day} is before the first day {first_day}"
            )
        end = _from_ordinal(last_day.toordinal() + 1)
        if end is None:
            raise ModelError("Period.interval: 9999-12-31 cannot be in a period")
        return cls(PeriodType.INTERVAL, first_day, end)

    @classmethod
    def stage(cls, name: str, first_day: datetime.date, last_day: datetime.date) -> "Period":
        """Return a named STAGE from ``first_day`` to ``last_day``, both inclusive."""
        _check_name("Period.stage", name)
        span = cls.interval(first_day, last_day)
        return cls(PeriodType.STAGE, span.start, span.end, name=name)

    @classmethod
    def containing(cls, d: datetime.date, type: PeriodType, week_start: int = 0) -> "Period":
        """Return the calendar period of ``type`` that contains date ``d``.

        INTERVAL and STAGE have no calendar grid and raise :class:`ModelError`.
        """
        _check_date("Period.containing", d)
        if not isinstance(type, PeriodType):
            raise ModelError(f"Period.containing: expected a PeriodType, not {type!r}")
        if type in _FREE_TYPES:
            raise ModelError(
                f"Period.containing: a {type.value} is not a calendar period; "
                "no period of that type contains a date by itself"
            )
        ws = _check_week_start("Period.containing", week_start)
        if type is PeriodType.DAY:
            start = d
        elif type is PeriodType.WEEK:
            start_or_none = _from_ordinal(d.toordinal() - (d.weekday() - ws) % 7)
            if start_or_none is None:
                raise ModelError(f"Period.containing: the week of {d} starts before year 1")
            start = start_or_none
        elif type is PeriodType.TEN_DAYS:
            start = d.replace(day=10 * min((d.day - 1) // 10, 2) + 1)
        else:
            months, _, _ = _MONTH_SPANS[type]
            start = datetime.date(d.year, (d.month - 1) // months * months + 1, 1)
        return cls._calendar(type, start, ws)

    @classmethod
    def _calendar(cls, type_: PeriodType, start: datetime.date, week_start: int = 0) -> "Period":
        """Build the aligned calendar period of ``type_`` beginning on ``start``."""
        end = _calendar_end(type_, start)
        if end is None:
            raise ModelError(
                f"Period: the {type_.value} starting on {start} ends after 9999-12-31, "
                "the last date Python can represent"
            )
        return cls(type_, start, end, week_start=week_start)

    @staticmethod
    def weeks_in_year(year: int, week_start: int = 0) -> int:
        """Return 52 or 53: the number of weeks of ``year`` for weeks starting on ``week_start``."""
        _check_int("Period.weeks_in_year", "year", year, MIN_YEAR, MAX_YEAR)
        return _weeks_in_year(year, _check_week_start("Period.weeks_in_year", week_start))

    # ----------------------------------------------------------------- formatting

    def __str__(self) -> str:
        return self._id

    @functools.cached_property
    def _id(self) -> str:
        # str() of a period is its id everywhere (facts, refs, report ids): written once.
        t, s = self.type, self.start
        if t is PeriodType.DAY:
            return f"{s.year}{s.month:02d}{s.day:02d}"
        if t is PeriodType.MONTH:
            return f"{s.year}{s.month:02d}"
        if t is PeriodType.WEEK:
            year, week = self._week_parts()
            return f"{year}{_WEEK_CODES[self.week_start]}W{week}"
        if t is PeriodType.TEN_DAYS:
            return f"{s.year}{s.month:02d}D{s.day // 10 + 1}"
        if t is PeriodType.QUARTER:
            return f"{s.year}Q{(s.month + 2) // 3}"
        if t is PeriodType.HALF_YEAR:
            return f"{s.year}S{1 if s.month == 1 else 2}"
        if t is PeriodType.YEAR:
            return str(s.year)
        span = f"{s.isoformat()}/{self.last_day.isoformat()}"
        return span if t is PeriodType.INTERVAL else f"{self.name}:{span}"

    def __repr__(self) -> str:
        return f"Period.parse({str(self)!r})"

    def label(self, with_year: bool = True) -> str:
        """Return the Chinese label, e.g. ``2020年第一季度`` or ``2月上旬`` (no zero padding).

        With ``with_year=False`` the year is left out where the rest still reads: ``2月1日``,
        ``第5周``, ``第一季度``, ``上半年``. A YEAR always keeps its year (nothing would be left),
        and an interval across New Year keeps both years (it would be ambiguous otherwise).
        Stages read ``第一阶段（2020年1月23日至2月29日）``.
        """
        return _label_cached(self, with_year)

    def _label(self, with_year: bool) -> str:
        """Compute :meth:`label` (uncached)."""
        t, s = self.type, self.start
        prefix = f"{s.year}年" if with_year else ""
        if t is PeriodType.DAY:
            return format_date(s, with_year=with_year)
        if t is PeriodType.WEEK:
            year, week = self._week_parts()
            return f"{year}年第{week}周" if with_year else f"第{week}周"
        if t is PeriodType.TEN_DAYS:
            return f"{prefix}{s.month}月{_TEN_DAY_NAMES[s.day // 10 + 1]}"
        if t is PeriodType.MONTH:
            return f"{prefix}{s.month}月"
        if t is PeriodType.QUARTER:
            return f"{prefix}第{chinese_numeral((s.month + 2) // 3)}季度"
        if t is PeriodType.HALF_YEAR:
            return f"{prefix}{_HALF_NAMES[1 if s.month == 1 else 2]}"
        if t is PeriodType.YEAR:
            return f"{s.year}年"
        span = format_date_range(s, self.last_day, with_year=with_year)
        return span if t is PeriodType.INTERVAL else f"{self.name}（{span}）"

    def _week_parts(self) -> tuple[int, int]:
        """Return (week-numbering year, week number) of a WEEK."""
        year = _id_year(PeriodType.WEEK, self.start)
        first = _week1_start_ordinal(year, self.week_start)
        return year, (self.start.toordinal() - first) // 7 + 1

    # ----------------------------------------------------------------- measures

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return self.end.toordinal() - self.start.toordinal()

    @property
    def last_day(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        return self.end - _ONE_DAY

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.date, int, int, str]:
        """The key periods sort by: start, end, type (in PeriodType order), week start, name."""
        return (self.start, self.end, _TYPE_RANK[self.type], self.week_start, self.name or "")

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key < other.sort_key

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key <= other.sort_key

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key > other.sort_key

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self.sort_key >= other.sort_key

    def iter_days(self) -> Iterator[datetime.date]:
        """Yield every date of the period in order."""
        for ordinal in range(self.start.toordinal(), self.end.toordinal()):
            yield datetime.date.fromordinal(ordinal)

    # ----------------------------------------------------------------- relations

    def __contains__(self, item: object) -> bool:
        return self.contains(item)

    def contains(self, item: object) -> bool:
        """Whether a date lies in the period, or a Period lies wholly inside it.

        A datetime counts by its date. Anything else raises :class:`TypeError`.
        """
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        if isinstance(item, datetime.datetime):
            item = item.date()
        if isinstance(item, datetime.date):
            return self.start <= item < self.end
        raise TypeError(f"Period.contains: expected a date or a Period, not {item!r}")

    def overlaps(self, other: "Period") -> bool:
        """Whether the two periods share at least one day."""
        return self.start < other.end and other.start < self.end

    def periods_within(self, type: PeriodType, week_start: int = 0) -> tuple["Period", ...]:
        """Return the calendar periods of ``type`` that lie wholly inside this period, in order.

        Unlike :meth:`split` this does not require them to cover the period: the weeks within
        a month are the weeks that start and end in it.
        """
        if type in _FREE_TYPES:
            raise ModelError(f"Period.periods_within: a {type.value} is not a calendar period")
        if type is PeriodType.DAY:
            return tuple(Period._calendar(PeriodType.DAY, d) for d in self.iter_days())
        found: list[Period] = []
        if type is PeriodType.WEEK:
            # Start at the first whole week: the week around `start` may begin before year 1000.
            ws = _check_week_start("Period.periods_within", week_start)
            offset = (ws - self.start.weekday()) % 7
            if self.days < offset + 7:
                return ()
            first = Period.containing(self.start + datetime.timedelta(days=offset), type, ws)
        else:
            first = Period.containing(self.start, type, week_start)
        current: Period | None = first
        if first.start < self.start:
            current = first._next_or_none() if first.end < self.end else None
        while current is not None and current.end <= self.end:
            found.append(current)
            current = current._next_or_none() if current.end < self.end else None
        return tuple(found)

    def split(self, type: PeriodType, week_start: int = 0) -> tuple["Period", ...]:
        """Return the periods of ``type`` that partition this period exactly, in order.

        Raises :class:`ModelError` when they do not (weeks in a month, months in a week);
        use :meth:`periods_within` to get the wholly contained ones regardless. Days always
        partition.
        """
        parts = self.periods_within(type, week_start)
        if not parts or parts[0].start != self.start or parts[-1].end != self.end:
            raise ModelError(
                f"Period.split: {self} is not made of whole {type.value} periods; "
                "use periods_within() for the ones wholly inside it"
            )
        return parts

    def _next_or_none(self) -> "Period | None":
        """Return :meth:`next`, or None past the end of representable dates."""
        try:
            return self.next()
        except ModelError:
            return None

    def next(self) -> "Period":
        """Return the period of the same type immediately after this one.

        For an interval or a stage that is the INTERVAL of the same length starting at ``end``
        (a stage's name belongs to the stage, not to its neighbours).
        """
        if self.type in _FREE_TYPES:
            end = _from_ordinal(self.end.toordinal() + self.days)
            if end is None:
                raise ModelError(f"Period.next: the period after {self} ends after 9999-12-31")
            return Period(PeriodType.INTERVAL, self.end, end)
        return Period.containing(self.end, self.type, self.week_start)

    def previous(self) -> "Period":
        """Return the period of the same type immediately before this one.

        For an interval or a stage that is the INTERVAL of the same length ending at ``start``.
        """
        if self.type in _FREE_TYPES:
            start = _from_ordinal(self.start.toordinal() - self.days)
            if start is None:
                raise ModelError(f"Period.previous: the period before {self} starts before year 1")
            return Period(PeriodType.INTERVAL, start, self.start)
        return Period.containing(self.start - _ONE_DAY, self.type, self.week_start)

    def same_period_last_year(self) -> "Period":
        """Return the corresponding period one year earlier (for year-on-year comparison).

        Calendar periods keep their number (``2020Q1`` → ``2019Q1``, ``2020W5`` → ``2019W5``);
        week 53 maps to week 52 when the previous year has only 52 weeks. Dates move back one
        year with 29 February becoming 28 February, so the day ``20200229`` maps to
        ``20190228`` and ``2020-02-01/2020-02-29`` to ``2019-02-01/2019-02-28``. Intervals and
        stages give an INTERVAL (the stage name does not carry over to last year).
        """
        t = self.type
        if t is PeriodType.WEEK:
            year, week = self._week_parts()
            last_year = year - 1
            _check_int("Period.same_period_last_year", "year", last_year, MIN_YEAR, MAX_YEAR)
            week = min(week, _weeks_in_year(last_year, self.week_start))
            return Period.week(last_year, week, self.week_start)
        first = _year_earlier(self.start)
        if t in _FREE_TYPES:
            return Period.interval(first, _year_earlier(self.last_day))
        return Period._calendar(t, first)


def _year_earlier(d: datetime.date) -> datetime.date:
    """Return the same day a year earlier, 29 February becoming 28 February."""
    if d.year <= MIN_YEAR:
        raise ModelError(f"Period: {d.year - 1} is before year {MIN_YEAR}")
    if d.month == 2 and d.day == 29:
        return datetime.date(d.year - 1, 2, 28)
    return d.replace(year=d.year - 1)


@functools.lru_cache(maxsize=8192)
def _label_cached(period: Period, with_year: bool) -> str:
    """Cache :meth:`Period.label`; report rendering asks for the same few labels repeatedly."""
    return period._label(with_year)


def _parse_date(parts: tuple[str, str, str]) -> datetime.date:
    """Build a date from year, month, day strings, explaining a failure."""
    y, m, d = (int(p) for p in parts)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ModelError(f"years run from {MIN_YEAR} to {MAX_YEAR}, not {y}")
    try:
        return datetime.date(y, m, d)
    except ValueError:
        raise ModelError(f"{'-'.join(parts)} is not a calendar date") from None


def _parse_interval(text: str) -> tuple[datetime.date, datetime.date]:
    """Return (first day, last day) of an ``YYYY-MM-DD/YYYY-MM-DD`` interval id."""
    match = _INTERVAL_RE.fullmatch(text)
    if match is None:
        raise ModelError("expected an interval such as 2020-01-23/2020-02-29")
    groups = match.groups()
    first = _parse_date((groups[0], groups[1], groups[2]))
    last = _parse_date((groups[3], groups[4], groups[5]))
    if last < first:
        raise ModelError(
            f"the interval is reversed: the last day {last} is before the first day {first}"
        )
    return first, last


def _parse_number(part: str, what: str, example: str) -> int:
    """Read a period number written without leading zeros (ids are canonical)."""
    if len(part) > 1 and part.startswith("0"):
        raise ModelError(f"write the {what} without a leading zero, as in {example}")
    return int(part)


def _parse_uncached(text: str) -> Period:
    """Parse a period id; ModelErrors raised inside carry only the reason."""
    if "/" in text:
        stage = _STAGE_RE.fullmatch(text)
        if stage is not None:
            name, rest = stage.groups()
            if not name:
                raise ModelError("a stage needs a name before the colon, as in 第一阶段:...")
            if ":" in rest or "：" in rest:
                raise ModelError("a stage name must not contain a colon")
            first, last = _parse_interval(rest)
            return Period.stage(name, first, last)
        first, last = _parse_interval(text)
        return Period.interval(first, last)
    match = _CALENDAR_ID_RE.fullmatch(text)
    if match is None:
        raise ModelError(_EXPECTED_IDS)
    g = match.groupdict()
    year = int(g["year"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ModelError(f"years run from {MIN_YEAR} to {MAX_YEAR}, not {g['year']}")
    if g["week"] is not None:
        code = g["wcode"] or ""
        if code not in _WEEK_STARTS_BY_CODE:
            raise ModelError(f"unknown week start {code!r}; expected Wed, Thu, Sat or Sun")
        ws = _WEEK_STARTS_BY_CODE[code]
        week = _parse_number(g["week"], "week", f"{year}{code}W5")
        count = _weeks_in_year(year, ws)
        if not 1 <= week <= count:
            kind = "ISO weeks" if ws == 0 else f"weeks starting on {_WEEKDAY_NAMES[ws]}"
            raise ModelError(f"{year} has {count} {kind}, expected W1-W{count}")
        return Period.week(year, week, ws)
    if g["quarter"] is not None:
        quarter = _parse_number(g["quarter"], "quarter", f"{year}Q1")
        if not 1 <= quarter <= 4:
            raise ModelError("expected a quarter Q1-Q4")
        return Period.quarter(year, quarter)
    if g["half"] is not None:
        half = _parse_number(g["half"], "half-year", f"{year}S1")
        if not 1 <= half <= 2:
            raise ModelError("expected a half-year S1 or S2")
        return Period.half_year(year, half)
    if g["month"] is None:
        return Period.year(year)
    month = int(g["month"])
    if not 1 <= month <= 12:
        raise ModelError(f"expected a month 01-12, not {g['month']}")
    if g["day"] is not None:
        return Period.day(_parse_date((g["year"], g["month"], g["day"])))
    if g["dekad"] is not None:
        n = _parse_number(g["dekad"], "ten-day number", f"{g['year']}{g['month']}D1")
        if not 1 <= n <= 3:
            raise ModelError("expected a ten-day period (旬) D1, D2 or D3")
        return Period.ten_days(year, month, n)
    return Period.month(year, month)


@functools.lru_cache(maxsize=16384)
def _parse_cached(text: str) -> Period:
    """Parse ``text`` (stripped), turning every failure into a message quoting the id."""
    try:
        return _parse_uncached(text.strip())
    except ModelError as exc:
        raise ModelError(f"Period: {text!r} is not a valid period id: {exc}") from None


def parse_period(text: str) -> Period:
    """Read a canonical period id; the same as :meth:`Period.parse`."""
    return Period.parse(text)
