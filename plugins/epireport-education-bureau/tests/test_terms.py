"""The disease's name follows the summary's date."""

from __future__ import annotations

import datetime as dt

import pytest
from epireport_education_bureau._terms import disease_name
from hypothesis import given
from hypothesis import strategies as st

from epireport.lint._checks import OUTDATED_TERMS


@pytest.mark.parametrize(
    ("day", "full", "short"),
    [
        (dt.date(2020, 1, 27), "新型冠状病毒感染的肺炎", "新型冠状病毒感染的肺炎"),
        (dt.date(2020, 2, 7), "新型冠状病毒感染的肺炎", "新型冠状病毒感染的肺炎"),
        (dt.date(2020, 2, 8), "新型冠状病毒肺炎", "新冠肺炎"),
        (dt.date(2023, 1, 7), "新型冠状病毒肺炎", "新冠肺炎"),
        (dt.date(2023, 1, 8), "新型冠状病毒感染", "新冠病毒感染"),
    ],
)
def test_name_of_the_day(day: dt.date, full: str, short: str) -> None:
    """Each name applies from the day official usage adopted it."""
    assert disease_name(day) == full
    assert disease_name(day, short=True) == short


def test_datetime_counts_by_its_date() -> None:
    """A datetime is read as its date."""
    assert disease_name(dt.datetime(2020, 2, 8, 9, 30)) == "新型冠状病毒肺炎"


def test_not_a_date() -> None:
    """Anything but a date is refused."""
    with pytest.raises(TypeError, match="expected a date"):
        disease_name("2020-02-08")  # type: ignore[arg-type]


@given(st.dates(min_value=dt.date(2019, 12, 1), max_value=dt.date(2030, 12, 31)), st.booleans())
def test_never_outdated_on_its_own_date(day: dt.date, short: bool) -> None:
    """The name given for a day is none the linter calls outdated on that day."""
    name = disease_name(day, short=short)
    assert not any(t.term in name and t.since <= day for t in OUTDATED_TERMS)
