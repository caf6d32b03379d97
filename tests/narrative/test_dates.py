import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.narrative._dates import (
    format_as_of,
    format_date,
    format_date_range,
    format_month,
    parse_chinese_date,
    parse_date_range,
    weekday,
)

D = dt.date


def test_format_date() -> None:
    """Dates have no zero padding and a four-digit year."""
    assert format_date(D(2020, 3, 5)) == "2020年3月5日"
    assert format_date(D(2020, 12, 25), with_year=False) == "12月25日"
    assert format_date(dt.datetime(2020, 3, 5, 8, 30)) == "2020年3月5日"


@pytest.mark.parametrize(
    ("first", "last", "with_year", "expected"),
    [
        (D(2020, 1, 23), D(2020, 2, 29), True, "2020年1月23日至2月29日"),
        (D(2020, 1, 23), D(2020, 2, 29), False, "1月23日至2月29日"),
        (D(2019, 12, 30), D(2020, 1, 5), True, "2019年12月30日至2020年1月5日"),
        (D(2019, 12, 30), D(2020, 1, 5), False, "2019年12月30日至2020年1月5日"),
        (D(2020, 3, 1), D(2020, 3, 15), True, "2020年3月1日至3月15日"),
        (D(2020, 3, 5), D(2020, 3, 5), True, "2020年3月5日"),
        (D(2020, 3, 5), D(2020, 3, 5), False, "3月5日"),
    ],
)
def test_format_date_range(first: D, last: D, with_year: bool, expected: str) -> None:
    """A range states its year once, both years across a new year, and one date for one day."""
    assert format_date_range(first, last, with_year=with_year) == expected


def test_format_date_range_rejects_reversed() -> None:
    """A range that ends before it starts raises ModelError."""
    with pytest.raises(ModelError, match="before"):
        format_date_range(D(2020, 3, 5), D(2020, 3, 4))


def test_as_of_weekday_month() -> None:
    """Cut-off dates use 截至, weekdays 星期, months 年月."""
    assert format_as_of(D(2020, 2, 29)) == "截至2020年2月29日"
    assert format_as_of(D(2020, 2, 29), with_year=False) == "截至2月29日"
    assert weekday(D(2020, 3, 5)) == "星期四"
    assert weekday(D(2020, 3, 8)) == "星期日"
    assert weekday(D(2020, 3, 5), prefix="周") == "周四"
    assert format_month(2020, 3) == "2020年3月"


@pytest.mark.parametrize(
    ("call", "arg"),
    [(format_date, "2020-03-05"), (weekday, None)],
)
def test_non_dates_rejected(call: object, arg: object) -> None:
    """Formatting something that is not a date raises ModelError."""
    with pytest.raises(ModelError):
        call(arg)  # type: ignore[operator]


@pytest.mark.parametrize(("year", "month"), [(2020, 0), (2020, 13), (0, 1), (True, 1)])
def test_format_month_rejects(year: int, month: int) -> None:
    """Impossible months raise ModelError."""
    with pytest.raises(ModelError):
        format_month(year, month)


@pytest.mark.parametrize(
    ("text", "default_year", "expected"),
    [
        ("2020年3月5日", None, D(2020, 3, 5)),
        ("3月5日", 2020, D(2020, 3, 5)),
        ("２０２０年３月５日", None, D(2020, 3, 5)),
        ("2020年3月5号", None, D(2020, 3, 5)),
        ("2020年03月05日", 2019, D(2020, 3, 5)),
    ],
)
def test_parse_chinese_date(text: str, default_year: int | None, expected: D) -> None:
    """Dates read back with an optional default year and full-width digits."""
    assert parse_chinese_date(text, default_year) == expected


@pytest.mark.parametrize("text", ["3月5日", "20年3月5日", "2020年2月30日", "2020-03-05", ""])
def test_parse_chinese_date_rejects(text: str) -> None:
    """Missing years, two-digit years, impossible and foreign dates raise ModelError."""
    with pytest.raises(ModelError):
        parse_chinese_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年1月23日至2月29日", (D(2020, 1, 23), D(2020, 2, 29))),
        ("2019年12月30日至2020年1月5日", (D(2019, 12, 30), D(2020, 1, 5))),
        ("2019年12月30日至1月5日", (D(2019, 12, 30), D(2020, 1, 5))),
        ("2020年3月1日至15日", (D(2020, 3, 1), D(2020, 3, 15))),
        ("2020年3月5日", (D(2020, 3, 5), D(2020, 3, 5))),
    ],
)
def test_parse_date_range(text: str, expected: tuple[D, D]) -> None:
    """Ranges read back with the end inheriting the year and month it omits."""
    assert parse_date_range(text) == expected


@pytest.mark.parametrize(
    "text", ["2020年3月5日至2020年3月1日", "2020年3月5日至", "2020年3月5日至x"]
)
def test_parse_date_range_rejects(text: str) -> None:
    """Reversed or unreadable ranges raise ModelError."""
    with pytest.raises(ModelError):
        parse_date_range(text)


dates = st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31))


@given(dates, st.booleans())
def test_date_round_trip(d: D, with_year: bool) -> None:
    """Every formatted date parses back to itself."""
    assert parse_chinese_date(format_date(d, with_year=with_year), default_year=d.year) == d


@given(
    st.dates(min_value=D(1000, 1, 1), max_value=D(9998, 12, 31)),
    st.integers(min_value=0, max_value=400),
    st.booleans(),
)
def test_range_round_trip(first: D, days: int, with_year: bool) -> None:
    """Every formatted range parses back to its two ends."""
    last = first + dt.timedelta(days=days)
    text = format_date_range(first, last, with_year=with_year)
    assert parse_date_range(text, default_year=first.year) == (first, last)
