"""Measures (措施): what was done, how often, since when; in code and in an input file."""

import datetime

from epireport import Measure, Period, loads_report

garbage = Measure(
    code="garbage",
    title="生活垃圾清运",
    frequency="2/day",
    replaces="1/day",
    start=datetime.date(2020, 1, 28),
)
print(garbage.frequency.label, "|", garbage.frequency_change)
print(
    garbage.is_active_during(Period.parse("202002")),
    garbage.is_active_during(Period.parse("202001D1")),
)

report = loads_report(
    """
institution: property-company
unit: lhy
period: 202002
measures:
  - {code: garbage, title: 生活垃圾清运, frequency: 2/day, replaces: 1/day, start: 2020-01-28}
"""
)
print(report.measures[0] == garbage)
