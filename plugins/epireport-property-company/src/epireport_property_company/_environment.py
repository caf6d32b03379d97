"""Template helpers of the 物业服务中心 report, added by ``epireport_prepare_environment``.

- ``hedged(code)`` writes a count the way the seed does, to two significant figures with 多:
  356户 → 350多户, 3412片 → 3400多片 (an exact round figure stays exact: 350户). epireport's
  ``figure()`` hedges only from 万 on and always with 余, so this helper rewrites the figure
  ``figure()`` produced, keeping its fact reference (the prose stays traceable).
- ``since(measure)`` writes a measure's start date as 1月28日; a draft without a start date
  gets the placeholder (xx月xx日), a final report leaves the date out.
- ``per_person(measure, classifier)`` writes a daily ration from the measure's frequency:
  每人每天发放2只.
- ``in_force(measures, period)`` keeps the measures in force on some day of the period (a
  function rather than a loop in the template, so sandboxed overrides can use it too).
- ``catalogue`` is the plugin's measure catalogue by code, the fallback for wording a report's
  own measure leaves empty.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs
import jinja2

from epireport.model._measures import FrequencyUnit, Measure
from epireport.model._periods import Period
from epireport.narrative import _figures
from epireport.narrative._markup import DROP, FACT_CLOSE, FACT_MID, FACT_OPEN, fact_marker
from epireport.narrative._numbers import format_number
from epireport_property_company._catalogue import MEASURES

__all__ = [
    "hedged",
    "in_force",
    "install",
    "per_person",
    "significant_step",
    "since",
]

_MARKED: Final = re.compile(f"{FACT_OPEN}(\\d+){FACT_MID}([^{FACT_CLOSE}]*){FACT_CLOSE}")
_DAY_WORDS: Final = {FrequencyUnit.DAY: "天", FrequencyUnit.WEEK: "周", FrequencyUnit.MONTH: "月"}


def significant_step(value: int | Decimal) -> int | None:
    """The power of ten that keeps two significant figures of *value* (356 → 10, 3412 → 100).

    Below 100 there is none (``None``): a one- or two-digit count is written exactly.
    """
    digits = len(str(int(value)))
    return 10 ** (digits - 2) if digits > 2 else None


def hedged(code: str, *, hedge: str = "多", required: bool = True) -> str:
    """Write indicator *code* to two significant figures followed by *hedge*: 350多户.

    Everything else is :func:`figure`'s behaviour: zeros the indicator omits and
    not-applicable facts drop the sentence, a missing figure is xx in a draft (xx多户) and an
    error in a final report unless ``required=False``.
    """
    state = _figures._state()
    indicator = state.indicators.get(code)
    marked = _figures.figure(code, classifier=False, style="exact", required=required)
    match = _MARKED.fullmatch(marked)
    if DROP in marked or match is None or indicator is None:
        return marked
    number = _figures.value(code)
    index = int(match.group(1))
    if number is None:  # the draft placeholder
        return fact_marker(index, match.group(2) + hedge + indicator.classifier)
    text = format_number(number, "hedged", hedge=hedge, small_step=significant_step(number))
    ref = attrs.evolve(state.refs[index], text=text)
    return fact_marker(state.ref(ref), text + indicator.classifier)


def since(measure: Measure, placeholder: str | None = None) -> str:
    """Write *measure*'s start as 1月28日; without one, *placeholder* (a draft) or ``''``."""
    if measure.start is not None:
        return f"{measure.start.month}月{measure.start.day}日"
    state = _figures._state()
    if state.draft:
        mark = placeholder if placeholder is not None else state.placeholder
        return f"{mark}月{mark}日"
    return ""


def per_person(measure: Measure, classifier: str, who: str = "人") -> str:
    """Write a ration from *measure*'s frequency: 每人每天发放2只 (``''`` without one)."""
    frequency = measure.frequency
    if frequency is None:
        return ""
    return f"每{who}每{_DAY_WORDS[frequency.per]}发放{frequency.times}{classifier}"


def in_force(measures: Mapping[str, Measure], period: Period) -> dict[str, Measure]:
    """The measures of *measures* (by code) in force on at least one day of *period*."""
    return {code: m for code, m in measures.items() if m.is_active_during(period)}


def install(env: jinja2.Environment) -> None:
    """Add the helpers above to *env*'s globals."""
    globals_: dict[str, Any] = {
        "hedged": hedged,
        "since": since,
        "per_person": per_person,
        "in_force": in_force,
        "catalogue": {m.code: m for m in MEASURES},
    }
    env.globals.update(globals_)
