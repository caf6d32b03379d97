"""The disease's official name follows the date, in step with the linter's outdated terms."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport import Period
from epireport.exceptions import TemplateError
from epireport.lint import lint_text
from epireport.lint._checks import OUTDATED_TERMS
from epireport.narrative import DISEASE_NAMES, disease_name


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


def test_periods_by_their_last_day_and_datetimes_by_their_date() -> None:
    """A period is named on its last day; a datetime on its date."""
    assert disease_name(Period.parse("2020-02-01/2020-02-07")) == "新型冠状病毒感染的肺炎"
    assert disease_name(Period.parse("202002")) == "新型冠状病毒肺炎"
    assert disease_name(Period.parse("2023-01-01/2023-01-31")) == "新型冠状病毒感染"
    assert disease_name(dt.datetime(2020, 2, 8, 9, 30)) == "新型冠状病毒肺炎"


def test_not_a_date() -> None:
    """Anything but a period or a date is a template error."""
    with pytest.raises(TemplateError, match="expected a period or a date"):
        disease_name("2020-02-08")


def test_names_are_in_order() -> None:
    """The table runs oldest first, each name from a later day."""
    days = [name.since for name in DISEASE_NAMES]
    assert days == sorted(days)
    assert len(set(days)) == len(days)


@given(st.dates(min_value=dt.date(2019, 12, 1), max_value=dt.date(2030, 12, 31)), st.booleans())
def test_never_outdated_on_its_own_date(day: dt.date, short: bool) -> None:
    """The name given for a day is none the linter calls outdated on that day."""
    name = disease_name(day, short=short)
    assert not any(t.term in name and t.since <= day for t in OUTDATED_TERMS)
    findings = lint_text(f"关于{name}疫情防控工作的总结。", date=day)
    assert [f.rule_id for f in findings] == []


def test_every_earlier_name_is_outdated_after_a_renaming() -> None:
    """From each renaming on, the linter flags every name before it (full and short)."""
    for i, new in enumerate(DISEASE_NAMES[1:], 1):
        for old in DISEASE_NAMES[:i]:
            findings = lint_text(f"关于{old.full}疫情防控工作的总结。", date=new.since)
            assert "EPI601" in [f.rule_id for f in findings], (old, new)
            if old.short != old.full:
                findings = lint_text(f"关于{old.short}疫情防控工作的总结。", date=new.since)
                assert "EPI601" in [f.rule_id for f in findings], (old, new)


def test_templates_have_it() -> None:
    """Every environment offers ``disease_name`` to its templates."""
    import jinja2

    from epireport.narrative import build_environment
    from epireport.narrative._markup import strip_markers

    env = build_environment(jinja2.DictLoader({"t": "{{ disease_name(day, short=True) }}"}))
    out = env.get_template("t").render(day=dt.date(2020, 3, 1))
    assert strip_markers(out) == "新冠肺炎"
