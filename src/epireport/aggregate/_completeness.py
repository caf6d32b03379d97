"""Completeness: which units were expected to report when, and who did, late, zero or not at all.

The expected-reports calendar comes from the org tree, the institution's reporting frequency
(daily for the education bureau's screening) and the units' opening and closing dates: the units
expected to report under a node are those at the reporting level (default: the leaves) that are
open during the base period. A report (one unit, one base period) is:

* **missing** when nothing was submitted for it;
* **late** when something was, but the last submission came after the deadline: the end of the
  base period (24:00 of its last day) plus a configurable grace period;
* a **zero-report** (零报告) when everything submitted was a zero-report;
* **on time** when the submissions carry their time (``submitted_at``) and it was before the
  deadline;
* **submitted**, timeliness unknown, when nothing submitted says when: the prose then writes
  报送, never 按时报送, since nothing supports "on time".

Values submitted by a unit below the reporting level count for the reporting unit above it (a
class's figures are its school's report); values of units above the reporting level count for
no report.
"""

import enum
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs

from epireport.exceptions import ModelError
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus

__all__ = [
    "Completeness",
    "CompletenessSummary",
    "ReportStatus",
    "ReportingCalendar",
    "completeness",
    "completeness_of",
    "coverage_phrase",
]


class ReportStatus(enum.Enum):
    """The state of one expected report, or of one unit over several base periods."""

    ON_TIME = "on_time"
    ZERO_REPORT = "zero_report"
    LATE = "late"
    MISSING = "missing"
    #: Reported, but nothing says when: timeliness unknown.
    SUBMITTED = "submitted"


def _level(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ModelError(f"ReportingCalendar.level: expected a level >= 1 or None, got {value!r}")


def _frequency(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (not isinstance(value, PeriodType) or not value.is_calendar):
        raise ModelError(
            "ReportingCalendar.frequency: expected a calendar period type (day, week, month ...) "
            f"or None, got {value!r}"
        )


def _grace(instance: object, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, timedelta):
        raise ModelError(f"ReportingCalendar.deadline: expected a timedelta, got {value!r}")


@attrs.frozen
class ReportingCalendar:
    """When which units are expected to report.

    ``frequency`` is the base period type of one report (``None``: one report for the whole
    period asked about); ``level`` the level of the reporting units (``None``: the leaves; a
    leaf above that level reports for itself); ``deadline`` the grace period after the end of
    a base period (``timedelta(0)``: by 24:00 of its last day).
    """

    tree: OrgTree
    frequency: PeriodType | None = attrs.field(default=PeriodType.DAY, validator=_frequency)
    level: int | None = attrs.field(default=None, validator=_level)
    deadline: timedelta = attrs.field(default=timedelta(0), validator=_grace)
    week_start: int = 0

    def base_periods(self, period: Period) -> tuple[Period, ...]:
        """The base periods (report slots) lying wholly inside *period*."""
        if self.frequency is None:
            return (period,)
        return _periods_within(period, self.frequency, self.week_start)

    def is_reporter(self, code: str) -> bool:
        """Whether *code* is a reporting unit (at the reporting level, or a shallower leaf)."""
        depth = self.tree.depth(code)
        if self.level is None:
            return self.tree.is_leaf(code)
        return depth == self.level or (depth < self.level and self.tree.is_leaf(code))

    def reporter_of(self, code: str) -> str | None:
        """The reporting unit a value of *code* counts for: itself or an ancestor, or None."""
        if self.is_reporter(code):
            return code
        for ancestor in self.tree.ancestors(code):
            if self.is_reporter(ancestor.code):
                return ancestor.code
        return None

    def reporters(self, under: str, period: Period | None = None) -> tuple[OrgUnit, ...]:
        """The reporting units in the subtree of *under* (open during *period*, if given)."""
        return tuple(
            unit
            for unit in self.tree.subtree(under)
            if self.is_reporter(unit.code) and (period is None or unit.is_open_during(period))
        )

    def expected(self, under: str, period: Period) -> tuple[tuple[str, Period], ...]:
        """Every (reporting unit, base period) report expected under *under* within *period*."""
        # The reporters once, then who is open during each base period (not the subtree anew
        # for every day of the period).
        reporters = self.reporters(under)
        bases = self.base_periods(period)
        if all(unit.opening is None and unit.closing is None for unit in reporters):
            # Units without opening and closing dates are open during every base period.
            codes = [unit.code for unit in reporters]
            return tuple((code, base) for base in bases for code in codes)
        return tuple(
            (unit.code, base) for base in bases for unit in reporters if unit.is_open_during(base)
        )

    def due(self, base: Period, tzinfo: object = None) -> datetime:
        """The moment a report for *base* is late after: 24:00 of its last day plus the grace."""
        end = datetime(base.end.year, base.end.month, base.end.day)
        if tzinfo is not None:
            end = end.replace(tzinfo=tzinfo)  # type: ignore[arg-type]
        return end + self.deadline


@attrs.frozen
class CompletenessSummary:
    """How many units (or reports) were expected, and how they fared.

    The five counts partition ``expected``; ``undated`` counts what was reported without a
    submission time, so neither on time nor late. Build summaries with :func:`completeness`.
    """

    expected: int = 0
    on_time: int = 0
    zero_reports: int = 0
    late: int = 0
    missing: int = 0
    undated: int = 0

    def __attrs_post_init__(self) -> None:
        counts = (
            self.expected,
            self.on_time,
            self.zero_reports,
            self.late,
            self.missing,
            self.undated,
        )
        if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts):
            raise ModelError(f"CompletenessSummary: counts must be integers >= 0, got {counts}")
        parts = self.on_time + self.zero_reports + self.late + self.missing + self.undated
        if parts != self.expected:
            raise ModelError(
                f"CompletenessSummary: on time, zero, late, missing and undated ({parts}) must "
                f"add up to expected ({self.expected})"
            )

    @property
    def timeliness_known(self) -> bool:
        """Whether every report that arrived says when (so 按时 or 迟报 can be stated)."""
        return self.undated == 0

    @property
    def submitted(self) -> int:
        """Reports that arrived, on time or late, zero-reports included."""
        return self.expected - self.missing

    @property
    def ratio(self) -> float | None:
        """``submitted / expected``, never above 1; ``None`` when nothing was expected."""
        return None if self.expected == 0 else self.submitted / self.expected


@attrs.frozen
class Completeness:
    """The state of every expected report under a unit over a period, and per reporting unit.

    ``reports`` maps each expected (unit, base period) to its :class:`ReportStatus`;
    ``units`` maps each reporting unit to its state over the whole period (its worst report;
    a zero-report only if every report was one).
    """

    unit: str
    period: Period
    reports: Mapping[tuple[str, Period], ReportStatus]
    units: Mapping[str, ReportStatus]

    @property
    def by_unit(self) -> CompletenessSummary:
        """Counts of reporting units by their state over the period."""
        return _summary(self.units.values())

    @property
    def by_report(self) -> CompletenessSummary:
        """Counts of individual reports (unit × base period) by state."""
        return _summary(self.reports.values())


def _summary(states: Iterable[ReportStatus]) -> CompletenessSummary:
    # Counted with list.count (states compare by identity, in C; hashing an Enum member is
    # a Python call), and each distinct summary made once: a report asks for one per fact.
    found = states if isinstance(states, list) else list(states)
    return _counted(
        len(found),
        found.count(ReportStatus.ON_TIME),
        found.count(ReportStatus.ZERO_REPORT),
        found.count(ReportStatus.LATE),
        found.count(ReportStatus.MISSING),
        found.count(ReportStatus.SUBMITTED),
    )


@functools.lru_cache(maxsize=1024)
def _counted(
    expected: int, on_time: int, zero_reports: int, late: int, missing: int, undated: int
) -> CompletenessSummary:
    return CompletenessSummary(
        expected=expected,
        on_time=on_time,
        zero_reports=zero_reports,
        late=late,
        missing=missing,
        undated=undated,
    )


def completeness(
    calendar: ReportingCalendar, values: Iterable[DataValue], under: str, period: Period
) -> Completeness:
    """Classify every report expected under *under* within *period* from *values*.

    A value counts for the report of its reporting unit (see :meth:`ReportingCalendar.
    reporter_of`) and for each base period its own period overlaps; values of indicators are
    pooled (a report is one unit's submission for one base period, whatever it contains).
    """
    return completeness_of(calendar, values, (under,), period)[under]


@functools.lru_cache(maxsize=256)
def _periods_within(period: Period, frequency: PeriodType, week_start: int) -> tuple[Period, ...]:
    # Every unit of a report (and every report of a batch) asks for the same days. Each is
    # the object Period.parse gives for its id (it caches), as the values read from files and
    # the store carry: lookups then meet the same object and skip comparing fields.
    found = []
    for base in period.periods_within(frequency, week_start):
        parsed = Period.parse(str(base))
        found.append(parsed if parsed == base else base)
    return tuple(found)


def completeness_of(
    calendar: ReportingCalendar, values: Iterable[DataValue], units: Iterable[str], period: Period
) -> dict[str, Completeness]:
    """:func:`completeness` under each of *units*, reading the values once for all of them."""
    of = _completeness_reader(calendar, values, period)
    return {under: of(under) for under in units}


def _completeness_reader(
    calendar: ReportingCalendar, values: Iterable[DataValue], period: Period
) -> Callable[[str], Completeness]:
    """:func:`completeness` under any unit asked for, the values read once (here) for all.

    What :func:`completeness_of` gives for a unit, for units known only later: a report's facts
    need its own unit's completeness at once, and its children's only when one is asked for.
    """
    bases = calendar.base_periods(period)
    # Base periods are calendar periods of one type, so they never overlap one another: a
    # value whose period is one of them counts for that one only (the usual daily report),
    # without a look at every other base period.
    base_set = frozenset(bases)
    tree = calendar.tree
    reported, zero = ValueStatus.REPORTED, ValueStatus.ZERO_REPORT
    # The submitted values of the period by reporting unit, in their order.
    by_reporter: dict[str, list[DataValue]] = {}
    reporter_cache: dict[str, str | None] = {}
    # Whether a value's period overlaps the report period, by the period object's id (a
    # report's values share a few period objects; hashing a Period is slow): the entry keeps
    # the period alive, so that its id is not reused while the values are read.
    overlapping: dict[int, tuple[Period, bool]] = {}
    # The last value's unit and where its values went: a report's values come in runs of one
    # unit (its indicators for a day), found again without a lookup. Compared by identity
    # (the unit codes of one read are shared strings); an equal string just looks it up.
    last_unit: str | None = None
    into: list[DataValue] | None = None
    last_period: Period | None = None
    inside = False
    for value in values:
        status = value.status
        if status is not reported and status is not zero:
            continue
        own = value.period
        if own is not last_period:  # values come in runs of one period too
            last_period = own
            seen = overlapping.get(id(own))
            if seen is None or seen[0] is not own:
                seen = overlapping[id(own)] = (own, own.overlaps(period))
            inside = seen[1]
        if not inside:
            continue
        unit = value.unit
        if unit is not last_unit:
            last_unit = unit
            if unit in reporter_cache:
                reporter = reporter_cache[unit]
            else:
                reporter = reporter_cache[unit] = (
                    calendar.reporter_of(unit) if unit in tree else None
                )
            into = None
            if reporter is not None:
                into = by_reporter.get(reporter)
                if into is None:
                    into = by_reporter[reporter] = []
        if into is not None:
            into.append(value)
    # A reporter's reports are the same whoever asks (the county, then each school): each is
    # classified once.
    classified: dict[str, list[ReportStatus]] = {}
    # The base periods by object id, with their positions: what every reporter expected for
    # each of them (the usual case) finds its values' slots by, made once for all of them.
    slot_index = {id(base): (base, i) for i, base in enumerate(bases)}

    def of(under: str) -> Completeness:
        return _classify(
            calendar, by_reporter, under, period, bases, base_set, classified, slot_index
        )

    return of


def _classify(
    calendar: ReportingCalendar,
    by_reporter: Mapping[str, list[DataValue]],
    under: str,
    period: Period,
    bases: tuple[Period, ...],
    base_set: frozenset[Period],
    classified: dict[str, list[ReportStatus]],
    slot_index: Mapping[int, tuple[Period, int]] | None = None,
) -> Completeness:
    reporters = calendar.reporters(under)
    if bases and all(unit.opening is None and unit.closing is None for unit in reporters):
        # The usual case: every reporter is expected for every base period, so each one's
        # states line up with the base periods, and the reports (base period by base period,
        # as calendar.expected lists them) are taken column by column.
        codes = [unit.code for unit in reporters]
        columns = []
        per_unit: dict[str, ReportStatus] = {}
        for code in codes:
            statuses = classified.get(code)
            if statuses is None:
                statuses = classified[code] = _reports_of(
                    calendar, by_reporter.get(code, ()), bases, bases, base_set, slot_index
                )
            per_unit[code] = _overall(statuses)
            columns.append(statuses)
        keys = [(code, base) for base in bases for code in codes]
        states = [state for row in zip(*columns, strict=True) for state in row]
        return Completeness(under, period, dict(zip(keys, states, strict=True)), per_unit)
    expected = calendar.expected(under, period)
    slots_of: dict[str, list[Period]] = {}
    for unit, base in expected:
        slots = slots_of.get(unit)
        if slots is None:
            slots = slots_of[unit] = []
        slots.append(base)
    per_unit = {}
    following: dict[str, Callable[[], ReportStatus]] = {}
    for reporter, slots in slots_of.items():
        # A reporter's expected base periods are those it is open during, whoever asks.
        statuses = classified.get(reporter)
        if statuses is None:
            statuses = classified[reporter] = _reports_of(
                calendar, by_reporter.get(reporter, ()), slots, bases, base_set
            )
        per_unit[reporter] = _overall(statuses)
        following[reporter] = iter(statuses).__next__
    # Expected reports come base period by base period, and each reporter's in the order of
    # its slots: its states are taken in turn, without looking a base period up.
    reports = {slot: following[slot[0]]() for slot in expected}
    return Completeness(under, period, reports, per_unit)


def _overall(statuses: list[ReportStatus]) -> ReportStatus:
    """A unit's state over its (non-empty) reports' states.

    Missing, else late, else undated, else a zero-report only if all are.
    """
    for worst in (ReportStatus.MISSING, ReportStatus.LATE, ReportStatus.SUBMITTED):
        if worst in statuses:
            return worst
    zero = ReportStatus.ZERO_REPORT
    return zero if all(s is zero for s in statuses) else ReportStatus.ON_TIME


def _reports_of(
    calendar: ReportingCalendar,
    values: Iterable[DataValue],
    slots: Sequence[Period],
    bases: tuple[Period, ...],
    base_set: frozenset[Period],
    slot_index: Mapping[int, tuple[Period, int]] | None = None,
) -> list[ReportStatus]:
    """The status of one reporter's report for each of its expected base periods, in order.

    *slot_index* gives each slot's position by the id of its period object, when the caller
    has it for these very *slots* (every base period: the usual case); it is made here else.
    """
    # For each expected report: anything submitted, anything but zero-reports, latest
    # submission; kept in three flat lists (a reporter has a slot per day).
    count = len(slots)
    submitted = [False] * count
    not_zero = [False] * count
    latest: list[object] = [None] * count
    # The expected base periods by object id: a daily value usually carries the very object
    # (Period.parse caches; see _periods_within), found without hashing a Period. By the
    # periods themselves only for a value that does not.
    by_id = slot_index
    if by_id is None:
        by_id = {id(base): (base, i) for i, base in enumerate(slots)}
    found: dict[Period, int] | None = None
    zero = ValueStatus.ZERO_REPORT
    last_period: Period | None = None
    hit: tuple[Period, int] | None = None
    for value in values:
        own = value.period
        if own is not last_period:  # a day's values (one per indicator) come together
            last_period = own
            hit = by_id.get(id(own))
        positions: Iterable[int]
        if hit is not None and hit[0] is own:
            # A period always overlaps itself (it ends after it starts).
            positions = (hit[1],)
        else:
            if found is None:
                found = {base: i for i, base in enumerate(slots)}
            positions = [
                i
                for base in ((own,) if own in base_set else bases)
                if (i := found.get(base, -1)) >= 0 and own.overlaps(base)
            ]
        for i in positions:
            submitted[i] = True
            if value.status is not zero:
                not_zero[i] = True
            at = value.submitted_at
            if at is not None:
                last = latest[i]
                if not isinstance(last, datetime) or _later(at, last):
                    latest[i] = at
    reports: list[ReportStatus] = []
    for i, base in enumerate(slots):
        last = latest[i]
        if not submitted[i]:
            status = ReportStatus.MISSING
        elif isinstance(last, datetime) and last > calendar.due(base, last.tzinfo):
            status = ReportStatus.LATE
        elif not not_zero[i]:
            status = ReportStatus.ZERO_REPORT
        elif last is None:
            status = ReportStatus.SUBMITTED  # no evidence of when: not "on time"
        else:
            status = ReportStatus.ON_TIME
        reports.append(status)
    return reports


def _later(a: datetime, b: datetime) -> bool:
    try:
        return a > b
    except TypeError:  # one naive, one aware: keep the first seen, do not guess a timezone
        return False


def _plain_count(count: int, what: str) -> str:
    return str(count)


def coverage_phrase(
    summary: CompletenessSummary,
    unit_word: str,
    number: Callable[[int, str], str] = _plain_count,
) -> str:
    """Phrase a completeness summary the way a work summary does.

    ``coverage_phrase(CompletenessSummary(12, 10, 2, 0, 0), "学校")`` gives
    ``12个学校中10个按时报送，2个零报告``; late and missing reports follow as ``1个逾期报送``
    and ``1个未报送``; parts that are zero are left out (``12个学校全部按时报送`` when all
    are on time). Reports without a submission time are written ``报送``, never 按时: when any
    report lacks its time, the on-time ones are counted with them (``12个学校全部报送``,
    ``12个学校中10个报送``), since the phrase must not claim what the data cannot show.
    *unit_word* is the level name of the reporting units (the org tree's ``level_name``;
    ``单位`` when it is blank). *number* writes each count, given the count and what it counts
    (``expected``, ``on_time``, ``reported``, ``zero_reports``, ``late``, ``missing``): the
    figure functions write them with their facts.
    """
    word = unit_word.strip() or "单位"
    if summary.expected == 0:
        return f"无应报送{word}"
    expected = number(summary.expected, "expected")
    if summary.on_time == summary.expected:
        return f"{expected}个{word}全部按时报送"
    if summary.undated:
        reported = summary.on_time + summary.undated
        if reported == summary.expected:
            return f"{expected}个{word}全部报送"
        first = (reported, "reported", "报送")
    else:
        first = (summary.on_time, "on_time", "按时报送")
    parts = [
        f"{number(count, what)}个{label}"
        for count, what, label in (
            first,
            (summary.zero_reports, "zero_reports", "零报告"),
            (summary.late, "late", "逾期报送"),
            (summary.missing, "missing", "未报送"),
        )
        if count
    ]
    return f"{expected}个{word}中" + "，".join(parts)
