"""Who reported: the schools' and classes' daily reports behind 日报告、零报告制度.

The summary says how complete the reporting was (全县6所学校中5所每日按时报送，1所缺报1次) and
how many of the classes' daily reports were zero-reports. Schools are the units that report to
the bureau: a school has reported on a day when any of its classes did (a class's figures are
its school's report), so completeness is computed at the level below the reporting unit, with
the same semantics (on time, late, zero, missing) as :func:`epireport.facts.compute_facts`
(:func:`epireport.facts.report_completeness`, without computing the figures again).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from epireport.facts import report_completeness
from epireport.plugin import DataValue, Institution, PeriodType, ReportInput, ValueStatus

__all__ = ["ReportingSummary", "reporting_summary"]

#: The indicator whose zero-report makes a class's daily report a 零报告 (no abnormal temperature).
ZERO_REPORT_INDICATOR = "fever"


@attrs.frozen
class ReportingSummary:
    """How the schools and classes under the reporting unit reported over the period.

    School counts are by school over the whole period (a school that missed one day counts as
    missing); ``school_days_*`` count the individual (school, day) reports. ``schools_undated``
    counts schools that reported every day but whose reports say nothing of when they were
    sent: the summary then writes 每日报送, never 按时. ``class_reports``
    counts the (class, day) reports that arrived out of ``class_reports_expected``, and
    ``zero_reports`` those among them saying no abnormal temperature was found (零报告).
    """

    schools: int = 0
    schools_on_time: int = 0
    schools_undated: int = 0
    schools_late: int = 0
    schools_missing: int = 0
    school_days_late: int = 0
    school_days_missing: int = 0
    class_reports_expected: int = 0
    class_reports: int = 0
    zero_reports: int = 0

    @property
    def all_on_time(self) -> bool:
        """Whether every school reported every day, on time as their submission times show."""
        return self.schools > 0 and self.schools_on_time == self.schools

    @property
    def all_reported(self) -> bool:
        """Whether every school reported every day (some without saying when)."""
        return self.schools > 0 and self.schools_on_time + self.schools_undated == self.schools


def _zero_reports(values: Iterable[DataValue], classes: set[str], report: ReportInput) -> int:
    """Count the (class, day) reports whose abnormal-temperature figure is a zero-report."""
    found = set()
    for value in values:
        if (
            value.indicator == ZERO_REPORT_INDICATOR
            and value.unit in classes
            and value.period.type is PeriodType.DAY
            and report.period.contains(value.period)
            and (
                value.status is ValueStatus.ZERO_REPORT
                or (value.status is ValueStatus.REPORTED and value.value == 0)
            )
        ):
            found.add((value.unit, value.period))
    return len(found)


def reporting_summary(report: ReportInput, institution: Institution) -> ReportingSummary:
    """Summarise the daily reporting of *report*'s schools (children) and classes (leaves).

    A report without an org tree, or whose unit has no children, has no schools: the summary
    is all zeros and the template says nothing about completeness.
    """
    tree = report.tree
    if tree is None or not tree.children(report.unit):
        return ReportingSummary()
    school_level = tree.depth(report.unit) + 1
    schools = report_completeness(report, institution, reporting_level=school_level)
    classes = report_completeness(report, institution)
    by_school, school_days = schools.by_unit, schools.by_report
    class_codes = {code for code, _ in classes.reports}
    return ReportingSummary(
        schools=by_school.expected,
        schools_on_time=by_school.on_time + by_school.zero_reports,
        schools_undated=by_school.undated,
        schools_late=by_school.late,
        schools_missing=by_school.missing,
        school_days_late=school_days.late,
        school_days_missing=school_days.missing,
        class_reports_expected=classes.by_report.expected,
        class_reports=classes.by_report.submitted,
        zero_reports=_zero_reports(report.values, class_codes, report),
    )
