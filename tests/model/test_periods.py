import datetime
import itertools
import pickle
import re
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import ModelError
from epireport.model._periods import Period, PeriodType, parse_period
from epireport.testing import _st_periods as stp

D = datetime.date
CALENDAR_TYPES = [t for t in PeriodType if t.is_calendar]


class TestParseAndFormat:
    @pytest.mark.parametrize(
        ("text", "type_", "start", "end"),
        [
            ("20200201", PeriodType.DAY, D(2020, 2, 1), D(2020, 2, 2)),
            ("2020W5", PeriodType.WEEK, D(2020, 1, 27), D(2020, 2, 3)),
            ("2020W1", PeriodType.WEEK, D(2019, 12, 30), D(2020, 1, 6)),
            ("2020W53", PeriodType.WEEK, D(2020, 12, 28), D(2021, 1, 4)),
            ("2021W1", PeriodType.WEEK, D(2021, 1, 4), D(2021, 1, 11)),
            ("2020WedW5", PeriodType.WEEK, D(2020, 1, 29), D(2020, 2, 5)),
            ("2020ThuW1", PeriodType.WEEK, D(2020, 1, 2), D(2020, 1, 9)),
            ("2020SatW1", PeriodType.WEEK, D(2020, 1, 4), D(2020, 1, 11)),
            ("2020SunW1", PeriodType.WEEK, D(2019, 12, 29), D(2020, 1, 5)),
            ("202002D1", PeriodType.TEN_DAYS, D(2020, 2, 1), D(2020, 2, 11)),
            ("202002D2", PeriodType.TEN_DAYS, D(2020, 2, 11), D(2020, 2, 21)),
            ("202002D3", PeriodType.TEN_DAYS, D(2020, 2, 21), D(2020, 3, 1)),
            ("202012D3", PeriodType.TEN_DAYS, D(2020, 12, 21), D(2021, 1, 1)),
            ("202002", PeriodType.MONTH, D(2020, 2, 1), D(2020, 3, 1)),
            ("2020Q1", PeriodType.QUARTER, D(2020, 1, 1), D(2020, 4, 1)),
            ("2020Q4", PeriodType.QUARTER, D(2020, 10, 1), D(2021, 1, 1)),
            ("2020S1", PeriodType.HALF_YEAR, D(2020, 1, 1), D(2020, 7, 1)),
            ("2020S2", PeriodType.HALF_YEAR, D(2020, 7, 1), D(2021, 1, 1)),
            ("2020", PeriodType.YEAR, D(2020, 1, 1), D(2021, 1, 1)),
            ("2020-01-23/2020-02-29", PeriodType.INTERVAL, D(2020, 1, 23), D(2020, 3, 1)),
            ("2020-01-23/2020-01-23", PeriodType.INTERVAL, D(2020, 1, 23), D(2020, 1, 24)),
            ("第一阶段:2020-01-23/2020-02-29", PeriodType.STAGE, D(2020, 1, 23), D(2020, 3, 1)),
        ],
    )
    def test_known_ids(self, text: str, type_: PeriodType, start: D, end: D) -> None:
        """Each id form parses to the documented type and half-open dates and writes back."""
        period = Period.parse(text)
        assert (period.type, period.start, period.end) == (type_, start, end)
        assert str(period) == text

    def test_stage_name(self) -> None:
        """A stage keeps its name, and only stages have one."""
        stage = Period.parse("第一阶段:2020-01-23/2020-02-29")
        assert stage.name == "第一阶段"
        assert Period.parse("2020-01-23/2020-02-29").name is None

    def test_full_width_colon_and_whitespace(self) -> None:
        """A full-width colon after a stage name and surrounding whitespace are tolerated."""
        assert str(Period.parse("第一阶段：2020-01-23/2020-02-29")) == (
            "第一阶段:2020-01-23/2020-02-29"
        )
        assert Period.parse(" 2020Q1\n") == Period.quarter(2020, 1)

    def test_parse_period_alias(self) -> None:
        """parse_period is Period.parse."""
        assert parse_period("2020S1") == Period.half_year(2020, 1)

    @given(stp.periods())
    def test_round_trip(self, period: Period) -> None:
        """For every type, str() gives an id that parses back to an equal period."""
        text = str(period)
        assert Period.parse(text) == period
        assert str(Period.parse(text)) == text

    @given(stp.periods())
    def test_repr_evaluates(self, period: Period) -> None:
        """repr() is an expression that rebuilds the period."""
        assert eval(repr(period), {"Period": Period}) == period

    @given(st.integers(1001, 9998), st.sampled_from(stp.WEEK_STARTS), st.data())
    def test_week_components_round_trip(
        self, year: int, week_start: int, data: st.DataObject
    ) -> None:
        """A week built from year and number writes the same year and number into its id."""
        week = data.draw(st.integers(1, Period.weeks_in_year(year, week_start)))
        period = Period.week(year, week, week_start)
        code = {0: "", 2: "Wed", 3: "Thu", 5: "Sat", 6: "Sun"}[week_start]
        assert str(period) == f"{year}{code}W{week}"
        assert period.start.weekday() == week_start
        assert Period.parse(str(period)) == period

    @given(st.integers(1000, 9998), st.integers(1, 12), st.integers(1, 3))
    def test_ten_days_components_round_trip(self, year: int, month: int, n: int) -> None:
        """A 旬 built from its parts reads back as year, zero-padded month and D1-D3."""
        period = Period.ten_days(year, month, n)
        assert str(period) == f"{year}{month:02d}D{n}"
        assert Period.parse(str(period)) == period


class TestInvalid:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2021W53", "52"),
            ("2020W0", "W1-W53"),
            ("2020W05", "leading zero"),
            ("2020MonW5", "Wed, Thu, Sat or Sun"),
            ("202013", "01-12"),
            ("202000", "01-12"),
            ("20200230", "calendar date"),
            ("20210229", "calendar date"),
            ("2020Q5", "Q1-Q4"),
            ("2020Q0", "Q1-Q4"),
            ("2020S3", "S1 or S2"),
            ("202002D4", "D1, D2 or D3"),
            ("202002D0", "D1, D2 or D3"),
            ("0999", "1000 to 9999"),
            ("99991231", "9999-12-31"),
            ("2020-02-29/2020-01-23", "reversed"),
            ("2020-02-30/2020-03-01", "calendar date"),
            ("2020-01-23/", "interval"),
            ("/", "interval"),
            (":2020-01-23/2020-02-29", "name"),
            ("a:b:2020-01-23/2020-02-29", "colon"),
            ("", "expected a day"),
            ("garbage", "expected a day"),
            ("２０２０", "expected a day"),
            ("2020年", "expected a day"),
            ("20200", "expected a day"),
        ],
    )
    def test_rejected_with_message(self, text: str, expected: str) -> None:
        """Invalid ids raise ModelError quoting the id and saying what was expected."""
        with pytest.raises(ModelError) as info:
            Period.parse(text)
        assert repr(text) in str(info.value)
        assert expected in str(info.value)

    def test_non_string(self) -> None:
        """Parsing something that is not a string is a ModelError, not a TypeError."""
        with pytest.raises(ModelError, match="must be a string"):
            Period.parse(202002)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ((PeriodType.MONTH, D(2020, 2, 2), D(2020, 3, 2)), "Period.start"),
            ((PeriodType.MONTH, D(2020, 2, 1), D(2020, 3, 2)), "Period.end"),
            ((PeriodType.QUARTER, D(2020, 2, 1), D(2020, 5, 1)), "Period.start"),
            ((PeriodType.HALF_YEAR, D(2020, 1, 1), D(2020, 6, 1)), "Period.end"),
            ((PeriodType.YEAR, D(2020, 2, 1), D(2021, 2, 1)), "Period.start"),
            ((PeriodType.DAY, D(2020, 2, 1), D(2020, 2, 3)), "Period.end"),
            ((PeriodType.WEEK, D(2020, 1, 28), D(2020, 2, 4)), "Period.start"),
            ((PeriodType.TEN_DAYS, D(2020, 2, 21), D(2020, 3, 2)), "Period.end"),
            ((PeriodType.TEN_DAYS, D(2020, 2, 5), D(2020, 2, 15)), "Period.start"),
            ((PeriodType.INTERVAL, D(2020, 2, 1), D(2020, 2, 1)), "Period.end"),
            ((PeriodType.INTERVAL, D(999, 2, 1), D(999, 2, 3)), "1000"),
            ((PeriodType.STAGE, D(2020, 2, 1), D(2020, 2, 3)), "Period.name"),
            ((PeriodType.DAY, datetime.datetime(2020, 2, 1), D(2020, 2, 2)), "Period.start"),
            (("day", D(2020, 2, 1), D(2020, 2, 2)), "Period.type"),
        ],
    )
    def test_hand_built_invalid(self, fields: tuple[object, ...], message: str) -> None:
        """Inconsistent fields are refused when a Period is built directly, too."""
        with pytest.raises(ModelError, match=message):
            Period(*fields)  # type: ignore[arg-type]

    def test_name_and_week_start_only_where_meaningful(self) -> None:
        """Only stages take a name and only weeks take a non-Monday week start."""
        with pytest.raises(ModelError, match=r"Period\.name"):
            Period(PeriodType.DAY, D(2020, 2, 1), D(2020, 2, 2), name="x")
        with pytest.raises(ModelError, match=r"Period\.week_start"):
            Period(PeriodType.DAY, D(2020, 2, 1), D(2020, 2, 2), week_start=2)
        with pytest.raises(ModelError, match="no DHIS2 id"):
            Period.week(2020, 1, week_start=1)

    @pytest.mark.parametrize("name", ["", "a:b", "a：b", " a", "a\n", "a\tb"])
    def test_bad_stage_names(self, name: str) -> None:
        """Stage names must be non-empty, printable, colon-free and trimmed."""
        with pytest.raises(ModelError, match="stage name"):
            Period.stage(name, D(2020, 1, 1), D(2020, 1, 2))

    @pytest.mark.parametrize(
        "build",
        [
            lambda: Period.month(2020, 13),
            lambda: Period.quarter(2020, 0),
            lambda: Period.half_year(2020, 3),
            lambda: Period.ten_days(2020, 2, 4),
            lambda: Period.year(999),
            lambda: Period.year(10000),
            lambda: Period.week(2021, 53),
            lambda: Period.interval(D(2020, 2, 2), D(2020, 2, 1)),
            lambda: Period.month(True, 1),
        ],
    )
    def test_constructor_ranges(self, build: Callable[[], Period]) -> None:
        """Typed constructors check the range and type of every component."""
        with pytest.raises(ModelError):
            build()

    def test_frozen(self) -> None:
        """Periods cannot be mutated."""
        period = Period.year(2020)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            period.start = D(2021, 1, 1)  # type: ignore[misc]


class TestWeeks:
    @pytest.mark.parametrize(("year", "count"), [(2015, 53), (2020, 53), (2026, 53), (2021, 52)])
    def test_iso_weeks_in_year(self, year: int, count: int) -> None:
        """2015, 2020 and 2026 have 53 ISO weeks; 2021 has 52."""
        assert Period.weeks_in_year(year) == count
        assert str(Period.week(year, count)) == f"{year}W{count}"

    def test_week_one_of_2021(self) -> None:
        """ISO week 1 of 2021 starts on Monday 2021-01-04."""
        assert Period.week(2021, 1).start == D(2021, 1, 4)
        assert Period.containing(D(2021, 1, 3), PeriodType.WEEK) == Period.week(2020, 53)

    @given(st.dates(D(1000, 1, 10), D(9998, 12, 20)))
    def test_iso_week_matches_isocalendar(self, d: D) -> None:
        """The ISO week containing a date agrees with datetime.date.isocalendar()."""
        year, week, _ = d.isocalendar()
        assert Period.containing(d, PeriodType.WEEK) == Period.week(year, week)

    @given(st.dates(D(1001, 1, 1), D(9998, 12, 20)), st.sampled_from(stp.WEEK_STARTS))
    def test_week_year_is_year_of_fourth_day(self, d: D, week_start: int) -> None:
        """A week belongs to the year holding its fourth day, and week 1 holds 4 January."""
        week = Period.containing(d, PeriodType.WEEK, week_start)
        fourth = week.start + datetime.timedelta(days=3)
        assert str(week).startswith(str(fourth.year))
        jan4 = D(fourth.year, 1, 4)
        first = Period.containing(jan4, PeriodType.WEEK, week_start)
        assert str(first).endswith("W1")

    @given(st.integers(1001, 9997), st.sampled_from(stp.WEEK_STARTS))
    def test_weeks_of_a_year_partition_it(self, year: int, week_start: int) -> None:
        """The weeks of a week-numbering year tile it without gaps, numbered 1..52 or 53."""
        first = Period.week(year, 1, week_start)
        following = Period.week(year + 1, 1, week_start)
        span = Period.interval(first.start, following.start - datetime.timedelta(days=1))
        weeks = span.split(PeriodType.WEEK, week_start)
        count = Period.weeks_in_year(year, week_start)
        assert len(weeks) == count
        assert [str(w) for w in weeks] == [
            f"{year}{str(first)[4:-2]}W{n}" for n in range(1, count + 1)
        ]


class TestContainmentAndSplitting:
    @given(stp.periods())
    def test_days_partition(self, period: Period) -> None:
        """The days of any period partition it, and there are `days` of them."""
        days = period.split(PeriodType.DAY)
        assert len(days) == period.days
        assert [d.start for d in days] == list(period.iter_days())
        assert days[0].start == period.start
        assert days[-1].end == period.end
        assert period.last_day == days[-1].start

    @pytest.mark.parametrize(
        ("parent", "child", "count"),
        [
            (PeriodType.YEAR, PeriodType.MONTH, 12),
            (PeriodType.YEAR, PeriodType.QUARTER, 4),
            (PeriodType.YEAR, PeriodType.HALF_YEAR, 2),
            (PeriodType.YEAR, PeriodType.TEN_DAYS, 36),
            (PeriodType.HALF_YEAR, PeriodType.QUARTER, 2),
            (PeriodType.QUARTER, PeriodType.MONTH, 3),
            (PeriodType.MONTH, PeriodType.TEN_DAYS, 3),
        ],
    )
    @given(data=st.data())
    def test_nested_partition(
        self, parent: PeriodType, child: PeriodType, count: int, data: st.DataObject
    ) -> None:
        """Months of a year or quarter, quarters of a year and 旬 of a month tile the parent."""
        period = data.draw(stp.periods([parent]))
        parts = period.split(child)
        assert len(parts) == count
        assert parts[0].start == period.start
        assert parts[-1].end == period.end
        for left, right in itertools.pairwise(parts):
            assert left.end == right.start
            assert left.next() == right
        assert all(p in period for p in parts)

    def test_split_requires_exact_partition(self) -> None:
        """Weeks do not tile a month: split refuses, periods_within gives the whole weeks."""
        february = Period.month(2020, 2)
        with pytest.raises(ModelError, match="periods_within"):
            february.split(PeriodType.WEEK)
        assert [str(w) for w in february.periods_within(PeriodType.WEEK)] == [
            "2020W6",
            "2020W7",
            "2020W8",
        ]
        assert Period.parse("2020W5").periods_within(PeriodType.MONTH) == ()
        with pytest.raises(ModelError):
            february.split(PeriodType.INTERVAL)

    @given(stp.periods(), st.sampled_from(CALENDAR_TYPES))
    def test_periods_within_are_inside_and_consecutive(
        self, period: Period, child: PeriodType
    ) -> None:
        """periods_within returns consecutive periods of the type, all wholly inside."""
        parts = period.periods_within(child)
        assert all(p.type is child and p in period for p in parts)
        for left, right in itertools.pairwise(parts):
            assert left.end == right.start

    @given(stp.periods(min_year=1001), st.sampled_from(CALENDAR_TYPES), st.data())
    def test_containing(self, period: Period, type_: PeriodType, data: st.DataObject) -> None:
        """Period.containing gives a period of the type that contains the date."""
        d = data.draw(st.dates(period.start, period.last_day))
        found = Period.containing(d, type_)
        assert found.type is type_
        assert d in found
        assert d in period

    def test_contains_and_overlaps(self) -> None:
        """Membership takes dates, datetimes and periods; overlap needs a shared day."""
        february = Period.month(2020, 2)
        assert D(2020, 2, 29) in february
        assert D(2020, 3, 1) not in february
        assert datetime.datetime(2020, 2, 10, 12) in february
        assert Period.ten_days(2020, 2, 3) in february
        assert Period.parse("2020W9") not in february
        assert february.contains(Period.day(D(2020, 2, 1)))
        assert february.overlaps(Period.parse("2020W9"))
        assert not february.overlaps(Period.month(2020, 3))
        with pytest.raises(TypeError):
            february.contains("20200201")

    def test_containing_refuses_free_types(self) -> None:
        """Intervals and stages have no calendar grid to find a date in."""
        with pytest.raises(ModelError):
            Period.containing(D(2020, 2, 1), PeriodType.INTERVAL)


class TestNavigation:
    @given(stp.periods(types=CALENDAR_TYPES, min_year=1001, max_year=9997))
    def test_previous_next_inverse(self, period: Period) -> None:
        """next() undoes previous() and the reverse, with no gap between neighbours."""
        assert period.previous().next() == period
        assert period.next().previous() == period
        assert period.previous().end == period.start
        assert period.next().start == period.end

    @given(stp.periods(types=[PeriodType.INTERVAL, PeriodType.STAGE], min_year=1001, max_year=9997))
    def test_interval_neighbours(self, period: Period) -> None:
        """The neighbours of an interval or stage are intervals of the same length."""
        before, after = period.previous(), period.next()
        assert before.type is after.type is PeriodType.INTERVAL
        assert before.days == after.days == period.days
        assert before.end == period.start
        assert after.start == period.end
        assert after.previous().start == period.start

    @given(stp.periods(min_year=1002))
    def test_same_period_last_year(self, period: Period) -> None:
        """The comparison period is one year earlier and of the same calendar type."""
        last = period.same_period_last_year()
        if period.type.is_calendar:
            # The id keeps everything but the year, except for 29 February and week 53.
            assert int(str(last)[:4]) == int(str(period)[:4]) - 1
            if str(period)[4:] not in ("0229", "W53", "WedW53", "ThuW53", "SatW53", "SunW53"):
                assert str(last)[4:] == str(period)[4:]
        else:
            assert last.start.year == period.start.year - 1
            assert abs(last.days - period.days) <= 1  # a 29 February may come or go
        assert last.type is (period.type if period.type.is_calendar else PeriodType.INTERVAL)
        assert last < period

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("20200229", "20190228"),
            ("20200301", "20190301"),
            ("2020W53", "2019W52"),
            ("2021W5", "2020W5"),
            ("2020SunW5", "2019SunW5"),
            ("202002D3", "201902D3"),
            ("202002", "201902"),
            ("2020Q1", "2019Q1"),
            ("2020S2", "2019S2"),
            ("2020", "2019"),
            ("2020-02-01/2020-02-29", "2019-02-01/2019-02-28"),
            ("第一阶段:2020-01-23/2020-02-29", "2019-01-23/2019-02-28"),
        ],
    )
    def test_same_period_last_year_examples(self, text: str, expected: str) -> None:
        """Feb 29 maps to Feb 28, week 53 to week 52, stages to plain intervals."""
        assert str(Period.parse(text).same_period_last_year()) == expected

    def test_leap_days(self) -> None:
        """Leap-year February has 29 days and its last 旬 has 9."""
        assert Period.parse("20200229").start == D(2020, 2, 29)
        assert Period.month(2020, 2).days == 29
        assert Period.month(2021, 2).days == 28
        assert Period.ten_days(2020, 2, 3).days == 9
        assert Period.ten_days(2021, 2, 3).days == 8
        assert Period.year(2020).days == 366

    def test_bounds(self) -> None:
        """Stepping past year 1000 or past 9999-12-31 is a ModelError."""
        with pytest.raises(ModelError):
            Period.year(1000).previous()
        with pytest.raises(ModelError):
            Period.year(1000).same_period_last_year()
        with pytest.raises(ModelError):
            Period.month(9999, 12)
        with pytest.raises(ModelError):
            Period.month(9999, 11).next()
        assert Period.ten_days(9999, 12, 1).next() == Period.ten_days(9999, 12, 2)
        with pytest.raises(ModelError):
            Period.ten_days(9999, 12, 2).next()
        with pytest.raises(ModelError):
            Period.week(1000, 1)  # starts on 999-12-30
        assert Period.parse("9999-12-01/9999-12-30").days == 30


class TestOrderingAndHashing:
    @given(st.lists(stp.periods(), min_size=2, max_size=8))
    def test_sorted_by_sort_key(self, items: list[Period]) -> None:
        """Sorting orders by start, then end, then type, consistently with equality."""
        ordered = sorted(items)
        keys = [p.sort_key for p in ordered]
        assert keys == sorted(keys)
        for a in items:
            for b in items:
                assert (a == b) == (a.sort_key == b.sort_key)
                assert (a < b) == (a.sort_key < b.sort_key)
                assert (a >= b) == (not a < b)

    def test_sort_example(self) -> None:
        """A day, the quarter and the year starting on 1 January sort shortest first."""
        items = [Period.year(2020), Period.quarter(2020, 1), Period.day(D(2020, 1, 1))]
        assert [str(p) for p in sorted(items)] == ["20200101", "2020Q1", "2020"]

    @given(stp.periods())
    def test_hashable_and_picklable(self, period: Period) -> None:
        """Equal periods hash equally, also after a pickle round trip."""
        copy = pickle.loads(pickle.dumps(period))
        assert copy == period
        assert hash(copy) == hash(period)
        assert len({period, copy, Period.parse(str(period))}) == 1

    def test_equality_uses_all_fields(self) -> None:
        """A stage differs from the interval with the same dates."""
        stage = Period.parse("一:2020-01-01/2020-01-31")
        interval = Period.parse("2020-01-01/2020-01-31")
        assert stage != interval
        assert stage != Period.parse("二:2020-01-01/2020-01-31")
        assert interval != Period.month(2020, 1)
        text: object = "202001"
        assert Period.month(2020, 1) != text


class TestLabels:
    @pytest.mark.parametrize(
        ("text", "with_year", "without_year"),
        [
            ("20200201", "2020年2月1日", "2月1日"),
            ("2020W5", "2020年第5周", "第5周"),
            ("2020SunW53", "2020年第53周", "第53周"),
            ("202002D1", "2020年2月上旬", "2月上旬"),
            ("202002D2", "2020年2月中旬", "2月中旬"),
            ("202012D3", "2020年12月下旬", "12月下旬"),
            ("202002", "2020年2月", "2月"),
            ("2020Q1", "2020年第一季度", "第一季度"),
            ("2020Q2", "2020年第二季度", "第二季度"),
            ("2020Q3", "2020年第三季度", "第三季度"),
            ("2020Q4", "2020年第四季度", "第四季度"),
            ("2020S1", "2020年上半年", "上半年"),
            ("2020S2", "2020年下半年", "下半年"),
            ("2020", "2020年", "2020年"),
            ("2020-01-23/2020-02-29", "2020年1月23日至2月29日", "1月23日至2月29日"),
            (
                "2019-12-30/2020-01-05",
                "2019年12月30日至2020年1月5日",
                "2019年12月30日至2020年1月5日",
            ),
            ("2020-03-01/2020-03-01", "2020年3月1日", "3月1日"),
            (
                "第一阶段:2020-01-23/2020-02-29",
                "第一阶段（2020年1月23日至2月29日）",
                "第一阶段（1月23日至2月29日）",
            ),
        ],
    )
    def test_labels(self, text: str, with_year: str, without_year: str) -> None:
        """Each type has its Chinese label, with and without the year, never zero-padded."""
        period = Period.parse(text)
        assert period.label() == with_year
        assert period.label(with_year=False) == without_year

    @given(stp.periods())
    def test_labels_never_zero_padded(self, period: Period) -> None:
        """No number in a label starts with a zero, and a stage label starts with its name."""
        label = period.label()
        if period.name is not None:
            assert label.startswith(period.name + "（")
            label = label.removeprefix(period.name)
        assert not re.search(r"(?<![0-9])0[0-9]", label)
