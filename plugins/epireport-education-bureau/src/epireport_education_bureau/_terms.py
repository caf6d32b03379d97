"""The name of the disease as official usage had it on a given day.

The seed, written in late January 2020, says 新型冠状病毒感染的肺炎 (its once-missing 的 aside).
The National Health Commission named it 新型冠状病毒肺炎 (新冠肺炎) on 2020-02-08 and renamed it
新型冠状病毒感染 from 2023-01-08; a summary speaks the name of its own date, which is also what
the linter's EPI601 expects.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = ["disease_name"]

#: (first day in use, full name, short name), latest first.
_NAMES: Final = (
    (dt.date(2023, 1, 8), "新型冠状病毒感染", "新冠病毒感染"),
    (dt.date(2020, 2, 8), "新型冠状病毒肺炎", "新冠肺炎"),
    (dt.date.min, "新型冠状病毒感染的肺炎", "新型冠状病毒感染的肺炎"),
)


def disease_name(day: dt.date, short: bool = False) -> str:
    """Return the disease's name in use on *day*: 新型冠状病毒肺炎 on 2020-02-10.

    With ``short=True`` the short form (新冠肺炎); before 2020-02-08 there was none, and the
    full name is returned.
    """
    if not isinstance(day, dt.date):
        raise TypeError(f"disease_name: expected a date, got {day!r}")
    if isinstance(day, dt.datetime):
        day = day.date()  # a datetime does not compare with a date
    for since, full, abbreviated in _NAMES:
        if day >= since:
            return abbreviated if short else full
    raise AssertionError("unreachable: the last name applies from date.min")  # pragma: no cover
