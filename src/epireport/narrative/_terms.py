"""The disease's official Chinese name on a given day: one table for templates and the linter.

Summaries name the disease as official usage had it on the day they speak of. The National
Health Commission's announcements set the names: 新型冠状病毒感染的肺炎 in the first weeks of
2020 (the seeds' wording), 新型冠状病毒肺炎 (short 新冠肺炎) from 8 February 2020, and
新型冠状病毒感染 (short 新冠病毒感染) from 8 January 2023. Templates call
``disease_name(period)`` (a period is named on its last day); the linter's outdated-term rule
(EPI601) flags a name used after its successor's first day, and a test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final, NamedTuple

if TYPE_CHECKING:
    from epireport.model._periods import Period

__all__ = ["DISEASE_NAMES", "DiseaseName", "disease_name"]


class DiseaseName(NamedTuple):
    """A name of the disease and the first day it was the official one."""

    since: dt.date
    full: str
    short: str


#: The official names, oldest first. The first has no short form: it is its own.
DISEASE_NAMES: Final = (
    DiseaseName(dt.date.min, "新型冠状病毒感染的肺炎", "新型冠状病毒感染的肺炎"),
    DiseaseName(dt.date(2020, 2, 8), "新型冠状病毒肺炎", "新冠肺炎"),
    DiseaseName(dt.date(2023, 1, 8), "新型冠状病毒感染", "新冠病毒感染"),
)


def disease_name(when: Period | dt.date | object, short: bool = False) -> str:
    """Return the disease's official name on *when* (a period: on its last day).

    With ``short=True`` the short form (新冠肺炎); the first name had none and is returned whole.

    >>> disease_name(dt.date(2020, 2, 7))
    '新型冠状病毒感染的肺炎'
    >>> from epireport import Period
    >>> disease_name(Period.parse("202002"), short=True)
    '新冠肺炎'
    >>> disease_name(dt.date(2023, 1, 8))
    '新型冠状病毒感染'
    """
    # Imported here: the linter reads DISEASE_NAMES without the model.
    from epireport.model._periods import Period

    if isinstance(when, Period):
        day = when.last_day
    elif isinstance(when, dt.datetime):
        day = when.date()  # a datetime does not compare with a date
    elif isinstance(when, dt.date):
        day = when
    else:  # templates pass anything
        from epireport.exceptions import TemplateError

        raise TemplateError(f"disease_name: expected a period or a date, got {when!r}")
    current = DISEASE_NAMES[0]
    for name in DISEASE_NAMES:
        if day >= name.since:
            current = name
    return current.short if short else current.full
