"""Hypothesis strategies for :class:`~epireport.model._periods.Period`.

Every strategy builds periods through the public constructors, so everything it generates
passes the model's validation. Years default to 1000-9998: year 9999 cannot hold periods
that reach 9999-12-31 (their exclusive end is not a representable date).
"""

import datetime
from collections.abc import Callable, Iterable

from hypothesis import strategies as st

from epireport.model._periods import Period, PeriodType

__all__ = [
    "WEEK_STARTS",
    "days",
    "half_years",
    "intervals",
    "months",
    "periods",
    "quarters",
    "stage_names",
    "stages",
    "ten_days",
    "weeks",
    "years",
]

#: The week start days that have DHIS2 ids (0 = Monday, ISO).
WEEK_STARTS: tuple[int, ...] = (0, 2, 3, 5, 6)

_MIN_YEAR = 1000
_MAX_YEAR = 9998


def _year_numbers(min_year: int, max_year: int) -> st.SearchStrategy[int]:
    """Generate year numbers in a range the model accepts for every period type."""
    return st.integers(max(min_year, _MIN_YEAR), min(max_year, _MAX_YEAR))


def days(min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR) -> st.SearchStrategy[Period]:
    """Generate DAY periods."""
    low = datetime.date(max(min_year, _MIN_YEAR), 1, 1)
    high = datetime.date(min(max_year, _MAX_YEAR), 12, 31)
    return st.dates(low, high).map(Period.day)


@st.composite
def _weeks(draw: st.DrawFn, min_year: int, max_year: int, week_starts: tuple[int, ...]) -> Period:
    # Week 1 of year 1000 may start in year 999, which the model refuses.
    year = draw(_year_numbers(max(min_year, _MIN_YEAR + 1), max_year))
    week_start = draw(st.sampled_from(week_starts))
    week = draw(st.integers(1, Period.weeks_in_year(year, week_start)))
    return Period.week(year, week, week_start)


def weeks(
    min_year: int = _MIN_YEAR,
    max_year: int = _MAX_YEAR,
    week_starts: Iterable[int] = WEEK_STARTS,
) -> st.SearchStrategy[Period]:
    """Generate WEEK periods (ISO and DHIS2 start days in ``week_starts``), week 53 included."""
    return _weeks(min_year, max_year, tuple(week_starts))


def ten_days(min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR) -> st.SearchStrategy[Period]:
    """Generate TEN_DAYS periods (旬)."""
    return st.builds(
        Period.ten_days, _year_numbers(min_year, max_year), st.integers(1, 12), st.integers(1, 3)
    )


def months(min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR) -> st.SearchStrategy[Period]:
    """Generate MONTH periods."""
    return st.builds(Period.month, _year_numbers(min_year, max_year), st.integers(1, 12))


def quarters(min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR) -> st.SearchStrategy[Period]:
    """Generate QUARTER periods."""
    return st.builds(Period.quarter, _year_numbers(min_year, max_year), st.integers(1, 4))


def half_years(min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR) -> st.SearchStrategy[Period]:
    """Generate HALF_YEAR periods."""
    return st.builds(Period.half_year, _year_numbers(min_year, max_year), st.integers(1, 2))


def years(min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR) -> st.SearchStrategy[Period]:
    """Generate YEAR periods."""
    return st.builds(Period.year, _year_numbers(min_year, max_year))


@st.composite
def _date_spans(
    draw: st.DrawFn, min_year: int, max_year: int, max_days: int
) -> tuple[datetime.date, datetime.date]:
    low = datetime.date(max(min_year, _MIN_YEAR), 1, 1)
    high = datetime.date(min(max_year, _MAX_YEAR), 12, 31)
    first = draw(st.dates(low, high))
    length = draw(st.integers(0, min(max_days, (high - first).days)))
    return first, first + datetime.timedelta(days=length)


def intervals(
    min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR, max_days: int = 800
) -> st.SearchStrategy[Period]:
    """Generate INTERVAL periods of 1 to ``max_days + 1`` days."""
    return _date_spans(min_year, max_year, max_days).map(lambda span: Period.interval(*span))


def stage_names() -> st.SearchStrategy[str]:
    """Generate valid stage names: non-empty, printable, no colon, no surrounding whitespace."""
    chinese = st.sampled_from("第一二三阶段初期中后防控宣传应急常态化")
    anything = st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Zs"),
        exclude_characters=":：",
    )
    return (
        st.text(st.one_of(chinese, anything), min_size=1, max_size=12)
        # isprintable() and strip() disagree with the categories on a few odd characters.
        .filter(lambda s: s.isprintable() and s.strip() == s)
    )


def stages(
    min_year: int = _MIN_YEAR, max_year: int = _MAX_YEAR, max_days: int = 800
) -> st.SearchStrategy[Period]:
    """Generate STAGE periods (named intervals)."""
    return st.builds(
        lambda name, span: Period.stage(name, *span),
        stage_names(),
        _date_spans(min_year, max_year, max_days),
    )


_BY_TYPE: dict[PeriodType, Callable[[int, int], st.SearchStrategy[Period]]] = {
    PeriodType.DAY: days,
    PeriodType.WEEK: weeks,
    PeriodType.TEN_DAYS: ten_days,
    PeriodType.MONTH: months,
    PeriodType.QUARTER: quarters,
    PeriodType.HALF_YEAR: half_years,
    PeriodType.YEAR: years,
    PeriodType.INTERVAL: intervals,
    PeriodType.STAGE: stages,
}


def periods(
    types: Iterable[PeriodType] | None = None,
    min_year: int = _MIN_YEAR,
    max_year: int = _MAX_YEAR,
) -> st.SearchStrategy[Period]:
    """Generate periods of the given types (all types by default), each valid by construction."""
    chosen = tuple(PeriodType) if types is None else tuple(types)
    if not chosen:
        raise ValueError("periods(types=...) needs at least one PeriodType")
    return st.one_of(*(_BY_TYPE[t](min_year, max_year) for t in chosen))
