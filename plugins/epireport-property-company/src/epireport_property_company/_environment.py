"""Template helpers of the 物业服务中心 report, added by ``epireport_prepare_environment``.

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

from collections.abc import Mapping
from typing import Any, Final

import jinja2

from epireport.plugin import FrequencyUnit, Measure, Period, render_mode
from epireport_property_company._catalogue import MEASURES

__all__ = [
    "in_force",
    "install",
    "per_person",
    "since",
]

_DAY_WORDS: Final = {FrequencyUnit.DAY: "天", FrequencyUnit.WEEK: "周", FrequencyUnit.MONTH: "月"}


def since(measure: Measure, placeholder: str | None = None) -> str:
    """Write *measure*'s start as 1月28日; without one, *placeholder* (a draft) or ``''``."""
    if measure.start is not None:
        return f"{measure.start.month}月{measure.start.day}日"
    mode = render_mode()
    if mode.draft:
        mark = placeholder if placeholder is not None else mode.placeholder
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
        "since": since,
        "per_person": per_person,
        "in_force": in_force,
        "catalogue": {m.code: m for m in MEASURES},
    }
    env.globals.update(globals_)
