"""Dates in Chinese prose: 2020年3月5日, 1月23日至2月29日, 截至2月29日, 星期四.

Arabic numerals without zero padding and never a two-digit year; a range states its year once
unless it crosses one. The parsers read back what the formatters write (the linter uses them).
"""

import datetime as dt
import re
from typing import Final, Literal

from epireport.exceptions import ModelError

__all__ = [
    "format_as_of",
    "format_date",
    "format_date_range",
    "format_month",
    "parse_chinese_date",
    "parse_date_range",
    "weekday",
]

_WEEKDAYS: Final = "一二三四五六日"
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９", "0123456789")
_DATE_RE: Final = re.compile(r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]")
_END_RE: Final = re.compile(
    r"(?:(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月)?(?P<day>\d{1,2})[日号]"
)


def _check_date(d: object, where: str) -> dt.date:
    if not isinstance(d, dt.date):
        raise ModelError(f"{where}: expected a datetime.date, not {d!r}")
    return d


def format_date(d: dt.date, *, with_year: bool = True) -> str:
    """Write a date without zero padding: 2020年3月5日, or 3月5日 with ``with_year=False``."""
    _check_date(d, "format_date")
    if with_year:
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.month}月{d.day}日"


def format_date_range(first: dt.date, last: dt.date, *, with_year: bool = True) -> str:
    """Write the days ``first`` to ``last`` (both included): 2020年1月23日至2月29日.

    The year is stated once; a range across years states both (2019年12月30日至2020年1月5日),
    even with ``with_year=False``, because 12月30日至1月5日 leaves the reader guessing. A single
    day is written as one date.
    """
    _check_date(first, "format_date_range.first")
    _check_date(last, "format_date_range.last")
    if last < first:
        raise ModelError(f"format_date_range: last day {last} is before first day {first}")
    if first == last:
        return format_date(first, with_year=with_year)
    if first.year != last.year:
        return f"{format_date(first)}至{format_date(last)}"
    return f"{format_date(first, with_year=with_year)}至{format_date(last, with_year=False)}"


def format_as_of(d: dt.date, *, with_year: bool = True) -> str:
    """Write a cut-off date: 截至2020年2月29日 (截至, not 截止, before a date)."""
    return "截至" + format_date(d, with_year=with_year)


def weekday(d: dt.date, *, prefix: Literal["星期", "周"] = "星期") -> str:
    """Name the day of the week: 星期四, or 周四 with ``prefix="周"``; Sunday is 星期日."""
    _check_date(d, "weekday")
    if prefix not in ("星期", "周"):
        raise ModelError(f"weekday.prefix: expected 星期 or 周, not {prefix!r}")
    return prefix + _WEEKDAYS[d.weekday()]


def format_month(year: int, month: int) -> str:
    """Write a month: 2020年3月."""
    if type(year) is not int or not 1 <= year <= 9999:
        raise ModelError(f"format_month.year: expected a year from 1 to 9999, not {year!r}")
    if type(month) is not int or not 1 <= month <= 12:
        raise ModelError(f"format_month.month: expected 1 to 12, not {month!r}")
    return f"{year}年{month}月"


def _clean(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise ModelError(f"{where}: expected text, not {text!r}")
    return "".join(text.translate(_FULL_WIDTH).split())


def _make(year: int, month: int, day: int, text: str, where: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ModelError(f"{where}: {text!r} is not a calendar date") from None


def parse_chinese_date(text: str, default_year: int | None = None) -> dt.date:
    """Read 2020年3月5日 (or 3月5日 with ``default_year``) back into a date.

    Full-width digits and 号 for 日 are accepted; a two-digit year, a missing year without
    ``default_year`` and impossible dates (2月30日) raise
    :class:`~epireport.exceptions.ModelError`.
    """
    cleaned = _clean(text, "parse_chinese_date")
    match = _DATE_RE.fullmatch(cleaned)
    if match is None:
        raise ModelError(f"parse_chinese_date: cannot read {text!r} as a date like 2020年3月5日")
    year = int(match["year"]) if match["year"] else default_year
    if year is None:
        raise ModelError(f"parse_chinese_date: {text!r} has no year and no default_year was given")
    return _make(year, int(match["month"]), int(match["day"]), text, "parse_chinese_date")


def parse_date_range(text: str, default_year: int | None = None) -> tuple[dt.date, dt.date]:
    """Read a range such as 2020年1月23日至2月29日 into its first and last (included) days.

    The end inherits the year and month it omits (3月1日至15日); an end without a year that
    falls before the start is in the next year (2019年12月30日至1月5日). A single date reads
    as a one-day range.
    """
    cleaned = _clean(text, "parse_date_range")
    head, sep, tail = cleaned.partition("至")
    first = parse_chinese_date(head, default_year)
    if not sep:
        return first, first
    match = _END_RE.fullmatch(tail)
    if match is None:
        raise ModelError(f"parse_date_range: cannot read the end of {text!r} as a date")
    month = int(match["month"]) if match["month"] else first.month
    year = int(match["year"]) if match["year"] else first.year
    last = _make(year, month, int(match["day"]), text, "parse_date_range")
    if last < first and not match["year"]:
        last = _make(year + 1, month, int(match["day"]), text, "parse_date_range")
    if last < first:
        raise ModelError(f"parse_date_range: {text!r} ends before it starts")
    return first, last
