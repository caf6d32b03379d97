"""The disease's official Chinese name on the day a report is written.

The seed, written in the first days of February 2020, says 新型冠状病毒感染的肺炎: the name in
use before the National Health Commission named the disease 新型冠状病毒肺炎 (新冠肺炎) on
8 February 2020; since 8 January 2023 it is 新型冠状病毒感染. A summary is dated the last day
of its period, and names the disease as it was called that day: the example (to 7 February
2020) keeps the seed's wording, and a summary of later work uses the name the linter's
outdated-term rule (EPI601) expects for its date.
"""

import datetime as dt
from typing import Final

from epireport.model._periods import Period

__all__ = ["TERMS", "disease_term"]

#: (first day in use, name), oldest first.
TERMS: Final = (
    (dt.date(2020, 1, 1), "新型冠状病毒感染的肺炎"),
    (dt.date(2020, 2, 8), "新型冠状病毒肺炎"),
    (dt.date(2023, 1, 8), "新型冠状病毒感染"),
)


def disease_term(when: Period | dt.date) -> str:
    """Return the disease's official name on *when* (a period: on its last day).

    >>> disease_term(dt.date(2020, 2, 7))
    '新型冠状病毒感染的肺炎'
    >>> disease_term(dt.date(2020, 2, 8))
    '新型冠状病毒肺炎'
    >>> disease_term(dt.date(2023, 1, 8))
    '新型冠状病毒感染'
    """
    day = when.last_day if isinstance(when, Period) else when
    name = TERMS[0][1]
    for since, term in TERMS:
        if day >= since:
            name = term
    return name
