import datetime
import datetime as dt
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epireport.aggregate._completeness import (
    CompletenessSummary,
    ReportingCalendar,
    ReportStatus,
    completeness,
    coverage_phrase,
)
from epireport.exceptions import ModelError
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue

D = datetime.date
DAY = Period.day(D(2020, 2, 3))
NIGHT = datetime.datetime(2020, 2, 3, 21, 0)


def bureau() -> OrgTree:
    """An education bureau with 3 schools of 2 classes each."""
    units = [OrgUnit("B", "县科教局")]
    for s in (1, 2, 3):
        units.append(OrgUnit(f"S{s}", f"第{s}小学", "B"))
        units.extend(OrgUnit(f"S{s}C{c}", f"{c}班", f"S{s}") for c in (1, 2))
    return OrgTree(units, ("局", "学校", "班级"))


class TestEducationBureau:
    def values(self) -> list[DataValue]:
        # School 1 reports figures, school 2 a zero-report, school 3 nothing.
        return [
            DataValue.reported("screened", "S1", DAY, 420, submitted_at=NIGHT),
            DataValue.zero_report("isolated", "S2", DAY, submitted_at=NIGHT),
        ]

    def test_school_level_phrase(self) -> None:
        """Three schools reporting daily: one on time, one zero-report, one missing."""
        calendar = ReportingCalendar(bureau(), PeriodType.DAY, level=2)
        result = completeness(calendar, self.values(), "B", DAY)
        assert result.units == {
            "S1": ReportStatus.ON_TIME,
            "S2": ReportStatus.ZERO_REPORT,
            "S3": ReportStatus.MISSING,
        }
        phrase = coverage_phrase(result.by_unit, bureau().level_name(2))
        assert phrase == "3个学校中1个按时报送，1个零报告，1个未报送"

    def test_class_values_count_for_their_school(self) -> None:
        """With schools as the reporting level, a class's figures are its school's report."""
        calendar = ReportingCalendar(bureau(), PeriodType.DAY, level=2)
        values = [DataValue.reported("screened", "S3C2", DAY, 40, submitted_at=NIGHT)]
        assert completeness(calendar, values, "B", DAY).units["S3"] is ReportStatus.ON_TIME

    def test_leaves_report_by_default(self) -> None:
        """Without a level the six classes are expected, one per day."""
        calendar = ReportingCalendar(bureau())
        result = completeness(calendar, [], "B", Period.interval(D(2020, 2, 3), D(2020, 2, 4)))
        assert result.by_report.expected == 12
        assert result.by_unit == CompletenessSummary(6, 0, 0, 0, 6)

    def test_late_after_deadline(self) -> None:
        """A report after 24:00 of its day is late, unless a grace period covers it."""
        values = [
            DataValue.reported(
                "screened", "S1", DAY, 1, submitted_at=datetime.datetime(2020, 2, 4, 1)
            )
        ]
        strict = ReportingCalendar(bureau(), level=2)
        assert completeness(strict, values, "S1", DAY).units["S1"] is ReportStatus.LATE
        lenient = ReportingCalendar(bureau(), level=2, deadline=timedelta(hours=2))
        assert completeness(lenient, values, "S1", DAY).units["S1"] is ReportStatus.ON_TIME

    def test_closed_units_are_not_expected(self) -> None:
        """A school that has closed is not expected to report."""
        closed = OrgUnit("S2", "二校", "B", closing=D(2020, 2, 1))
        tree = OrgTree((OrgUnit("B", "局"), OrgUnit("S1", "一校", "B"), closed))
        calendar = ReportingCalendar(tree)
        assert [u for u, _ in calendar.expected("B", DAY)] == ["S1"]

    def test_unit_over_period_takes_worst_day(self) -> None:
        """Over several days a unit is missing if any day is, zero only if every day is."""
        calendar = ReportingCalendar(bureau(), level=2)
        two = Period.interval(D(2020, 2, 3), D(2020, 2, 4))
        values = [
            DataValue.zero_report("isolated", "S1", DAY),
            DataValue.reported("isolated", "S1", Period.day(D(2020, 2, 4)), 1),
            DataValue.zero_report("isolated", "S2", DAY),
            DataValue.zero_report("isolated", "S2", Period.day(D(2020, 2, 4))),
            DataValue.zero_report("isolated", "S3", DAY),
        ]
        units = completeness(calendar, values, "B", two).units
        assert units == {
            "S1": ReportStatus.SUBMITTED,  # reported, but nothing says when
            "S2": ReportStatus.ZERO_REPORT,
            "S3": ReportStatus.MISSING,
        }

    def test_on_time_needs_a_submission_time(self) -> None:
        """A report is on time only when its submission time says so; undated, it is submitted."""
        calendar = ReportingCalendar(bureau(), level=2)
        sent = dt.datetime(2020, 2, 3, 18, 0)
        values = [
            DataValue.reported("isolated", "S1", DAY, 1, submitted_at=sent),
            DataValue.reported("isolated", "S2", DAY, 1),
        ]
        found = completeness(calendar, values, "B", DAY)
        assert found.units["S1"] is ReportStatus.ON_TIME
        assert found.units["S2"] is ReportStatus.SUBMITTED
        assert found.by_unit.undated == 1
        assert not found.by_unit.timeliness_known


class TestPhrase:
    def test_seed_phrase(self) -> None:
        """The phrase of the issue: 12 schools, 10 on time, 2 zero-reports."""
        assert (
            coverage_phrase(CompletenessSummary(12, 10, 2), "学校")
            == "12个学校中10个按时报送，2个零报告"
        )

    def test_undated_reports_are_never_called_on_time(self) -> None:
        """Reports without a time are 报送: all of them, or counted with the on-time ones."""
        assert coverage_phrase(CompletenessSummary(4, 0, undated=4), "社区") == "4个社区全部报送"
        assert coverage_phrase(CompletenessSummary(4, 2, undated=2), "社区") == "4个社区全部报送"
        assert (
            coverage_phrase(CompletenessSummary(4, 1, undated=2, missing=1), "社区")
            == "4个社区中3个报送，1个未报送"
        )

    def test_all_on_time_and_none_expected(self) -> None:
        """All on time reads 全部按时报送; nothing expected says so; a blank word is 单位."""
        assert coverage_phrase(CompletenessSummary(4, 4), "社区") == "4个社区全部按时报送"
        assert coverage_phrase(CompletenessSummary(), "社区") == "无应报送社区"
        assert (
            coverage_phrase(CompletenessSummary(2, 1, 0, 1), "")
            == "2个单位中1个按时报送，1个逾期报送"
        )

    def test_counts_must_add_up(self) -> None:
        """A summary whose parts exceed the expected count is refused: coverage never exceeds 1."""
        with pytest.raises(ModelError, match="add up"):
            CompletenessSummary(2, 3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["S1C1", "S1C2", "S2C1", "S3C2", "B", "S1"]),
                          st.sampled_from(["r", "z", "m"])), max_size=12))  # fmt: skip
def test_completeness_ratio_never_exceeds_one(rows: list[tuple[str, str]]) -> None:
    """Whatever arrives, reports submitted never exceed reports expected."""
    values = []
    for unit, kind in rows:
        if kind == "r":
            values.append(DataValue.reported("x", unit, DAY, 1))
        elif kind == "z":
            values.append(DataValue.zero_report("x", unit, DAY))
        else:
            values.append(DataValue.missing("x", unit, DAY))
    for level in (None, 2):
        summary = completeness(ReportingCalendar(bureau(), level=level), values, "B", DAY).by_unit
        assert summary.ratio is None or 0 <= summary.ratio <= 1


def _reference(calendar: ReportingCalendar, values: list[DataValue], under: str, period: Period):  # type: ignore[no-untyped-def]
    """The plain reading: every value against every expected report (the definition)."""
    expected = calendar.expected(under, period)
    found: dict = {slot: [False, True, None] for slot in expected}
    for value in values:
        if not value.status.is_submitted or not value.period.overlaps(period):
            continue
        if value.unit not in calendar.tree:
            continue
        reporter = calendar.reporter_of(value.unit)
        for base in calendar.base_periods(period):
            state = found.get((reporter, base))
            if state is None or not value.period.overlaps(base):
                continue
            state[0] = True
            state[1] = state[1] and value.status.value == "zero_report"
            if value.submitted_at is not None and (
                state[2] is None or value.submitted_at > state[2]
            ):
                state[2] = value.submitted_at
    out = {}
    for slot, (submitted, all_zero, latest) in found.items():
        if not submitted:
            out[slot] = ReportStatus.MISSING
        elif latest is not None and latest > calendar.due(slot[1], latest.tzinfo):
            out[slot] = ReportStatus.LATE
        else:
            out[slot] = ReportStatus.ZERO_REPORT if all_zero else ReportStatus.ON_TIME
    return out


FEB_DAYS = [Period.day(D(2020, 2, d)) for d in range(1, 10)]
SHAPES = [*FEB_DAYS, Period.week(2020, 6), Period.interval(D(2020, 2, 1), D(2020, 2, 4)),
          Period.month(2020, 2), Period.day(D(2020, 1, 31))]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["B", "S1", "S2", "S3", "S1C1", "S1C2", "S2C1", "S3C2", "X"]),
            st.sampled_from(SHAPES),
            st.sampled_from(["r", "z", "m"]),
            st.integers(0, 3),
        ),
        max_size=25,
    ),
    st.sampled_from([PeriodType.DAY, PeriodType.WEEK, None]),
    st.sampled_from([None, 2]),
    st.sampled_from([Period.interval(D(2020, 2, 1), D(2020, 2, 9)), Period.month(2020, 2)]),
)
def test_reading_values_once_for_all_units_classifies_as_the_definition(
    rows: list[tuple[str, Period, str, int]],
    frequency: PeriodType | None,
    level: int | None,
    period: Period,
) -> None:
    """completeness_of (values grouped by reporter once) equals the plain per-unit reading."""
    from epireport.aggregate._completeness import completeness_of

    values = []
    for unit, when, kind, late in rows:
        at = datetime.datetime.combine(when.last_day, datetime.time(20)) + timedelta(hours=late * 3)
        if kind == "r":
            values.append(DataValue.reported("x", unit, when, 1, submitted_at=at))
        elif kind == "z":
            values.append(DataValue.zero_report("x", unit, when, submitted_at=at))
        else:
            values.append(DataValue.missing("x", unit, when))
    calendar = ReportingCalendar(bureau(), frequency, level=level)
    units = ["B", "S1", "S2", "S3", "S1C1"]
    together = completeness_of(calendar, values, units, period)
    for unit in units:
        assert dict(together[unit].reports) == _reference(calendar, values, unit, period)
        assert together[unit] == completeness(calendar, values, unit, period)
