import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epireport.aggregate._engine import PythonEngine, aggregate
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target, make_plan
from epireport.aggregate._results import AggregateStatus, Coverage
from epireport.exceptions import ModelError
from epireport.model._indicators import Aggregation, Indicator, IndicatorKind, ValueType
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.testing._st_model import org_trees

D = datetime.date
DAY1, DAY2, DAY3 = (Period.day(D(2020, 2, d)) for d in (1, 2, 3))
THREE_DAYS = Period.interval(D(2020, 2, 1), D(2020, 2, 3))

LEAFLETS = Indicator(code="leaflets", name="宣传单", classifier="张")
MASKS = Indicator(code="masks", name="口罩库存", classifier="只", kind=IndicatorKind.STOCK)


def district() -> OrgTree:
    """A district with 2 streets of 2 communities each."""
    return OrgTree(
        (
            OrgUnit("D", "某区"),
            OrgUnit("S1", "东街道", "D"),
            OrgUnit("S2", "西街道", "D"),
            OrgUnit("C11", "一社区", "S1"),
            OrgUnit("C12", "二社区", "S1"),
            OrgUnit("C21", "三社区", "S2"),
            OrgUnit("C22", "四社区", "S2"),
        ),
        ("区", "街道", "社区"),
    )


# Leaflets handed out by each community on 1, 2 and 3 February 2020.
DAILY = {
    "C11": (100, 120, 80),
    "C12": (50, 0, 70),
    "C21": (200, 210, 190),
    "C22": (10, 20, 30),
}


def daily_values() -> list[DataValue]:
    out = []
    for unit, figures in DAILY.items():
        for day, figure in zip((DAY1, DAY2, DAY3), figures, strict=True):
            if figure == 0:
                out.append(DataValue.zero_report("leaflets", unit, day))
            else:
                out.append(DataValue.reported("leaflets", unit, day, figure))
    return out


def run(values, indicators=(LEAFLETS,), targets=None, tree=None, **kwargs):
    tree = tree or district()
    targets = targets or [(u, THREE_DAYS) for u in tree.codes]
    return aggregate(make_plan(tree, indicators, targets, **kwargs), values)


class TestWorkedExample:
    def test_district_is_the_sum_of_its_streets_daily_reports(self) -> None:
        """The district's leaflets over 3 days are 1080, each street the sum of its communities."""
        result = run(daily_values())
        assert result.value("leaflets", "D", THREE_DAYS) == 1080
        assert result.value("leaflets", "S1", THREE_DAYS) == 420
        assert result.value("leaflets", "S2", THREE_DAYS) == 660
        assert result.value("leaflets", "C12", THREE_DAYS) == 120

    def test_coverage_counts_report_slots(self) -> None:
        """Twelve daily reports were expected of the district and all twelve came, one zero."""
        agg = run(daily_values()).get_aggregate("leaflets", "D", THREE_DAYS)
        assert agg.coverage == Coverage(expected=12, submitted=12, zero_reports=1)
        assert agg.coverage.ratio == 1

    def test_single_day_target(self) -> None:
        """A day inside the range gives that day's sum."""
        result = run(daily_values(), targets=[("D", DAY2)])
        assert result.value("leaflets", "D", DAY2) == 120 + 0 + 210 + 20

    def test_provenance_lists_the_values_used(self) -> None:
        """The street's figure names the six community values behind it."""
        agg = run(daily_values()).get_aggregate("leaflets", "S1", THREE_DAYS)
        assert sorted((v.unit, str(v.period)) for v in agg.sources) == [
            (u, str(d)) for u in ("C11", "C12") for d in (DAY1, DAY2, DAY3)
        ]

    def test_sources_can_be_left_out(self) -> None:
        """An engine asked not to collect provenance gives the same figures without sources."""
        plan = make_plan(district(), [LEAFLETS], [("D", THREE_DAYS)])
        agg = PythonEngine(collect_sources=False).execute(plan, daily_values())
        assert agg.value("leaflets", "D", THREE_DAYS) == 1080
        assert agg.get_aggregate("leaflets", "D", THREE_DAYS).sources == ()


class TestNoDoubleCounting:
    def test_own_value_wins_over_children(self) -> None:
        """A street that states its own figure is not also the sum of its communities."""
        values = [*daily_values(), DataValue.reported("leaflets", "S1", THREE_DAYS, 500)]
        result = run(values)
        assert result.value("leaflets", "S1", THREE_DAYS) == 500
        assert result.value("leaflets", "D", THREE_DAYS) == 500 + 660

    def test_short_form_reporting_unit(self) -> None:
        """A district stating its own total for the period is used as stated, one slot."""
        values = [DataValue.reported("leaflets", "D", THREE_DAYS, 32456)]
        result = run(values, targets=[("D", THREE_DAYS)], frequency=None)
        agg = result.get_aggregate("leaflets", "D", THREE_DAYS)
        assert (agg.value, agg.coverage) == (32456, Coverage(1, 1, 0))

    def test_missing_marker_does_not_shadow(self) -> None:
        """A unit's own 'missing' marker does not hide its children's reports."""
        values = [*daily_values(), DataValue.missing("leaflets", "S2", DAY1)]
        assert run(values).value("leaflets", "S2", THREE_DAYS) == 660


class TestMissingIsNotZero:
    def test_only_missing_values_give_missing(self) -> None:
        """An aggregate over only missing values is missing, not 0."""
        values = [DataValue.missing("leaflets", u, DAY1) for u in DAILY]
        agg = run(values, targets=[("D", DAY1)]).get_aggregate("leaflets", "D", DAY1)
        assert agg.status is AggregateStatus.MISSING
        assert agg.value is None
        assert agg.coverage == Coverage(4, 0, 0)

    def test_partial_data_gives_value_with_partial_coverage(self) -> None:
        """Three of four communities reporting gives their sum with coverage 3/4."""
        values = [v for v in daily_values() if v.unit != "C22" and v.period == DAY1]
        agg = run(values, targets=[("D", DAY1)]).get_aggregate("leaflets", "D", DAY1)
        assert agg.value == 350
        assert agg.coverage.ratio == Decimal(3) / 4

    def test_no_expectation_no_data(self) -> None:
        """Without slots or values an aggregate is NO_DATA."""
        agg = run([], targets=[("D", THREE_DAYS)], frequency=PeriodType.MONTH)
        assert agg.get_aggregate("leaflets", "D", THREE_DAYS).status is AggregateStatus.NO_DATA

    def test_not_applicable(self) -> None:
        """Values all marked not applicable give NOT_APPLICABLE."""
        values = [DataValue.not_applicable("leaflets", u, DAY1) for u in DAILY]
        agg = run(values, targets=[("D", DAY1)]).get_aggregate("leaflets", "D", DAY1)
        assert agg.status is AggregateStatus.NOT_APPLICABLE


class TestStocksAndAverages:
    def stock_values(self) -> list[DataValue]:
        return [
            DataValue.reported("masks", unit, day, base + i)
            for unit, base in (("C11", 100), ("C12", 200), ("C21", 300), ("C22", 400))
            for i, day in enumerate((DAY1, DAY2, DAY3))
        ]

    def test_stock_takes_last_value_then_sums_units(self) -> None:
        """The district's masks are the sum of each community's latest figure."""
        result = run(self.stock_values(), indicators=(MASKS,))
        assert result.value("masks", "D", THREE_DAYS) == 102 + 202 + 302 + 402

    def test_lookback_fills_a_missing_stock(self) -> None:
        """With a look-back, a stock without a value in the period uses the latest earlier one."""
        values = [v for v in self.stock_values() if v.period != DAY3]
        without = run(values, indicators=(MASKS,), targets=[("C11", DAY3)])
        assert without.value("masks", "C11", DAY3) is None
        with_lookback = run(
            values, indicators=(MASKS,), targets=[("C11", DAY3)], stock_lookback_days=2
        )
        assert with_lookback.value("masks", "C11", DAY3) == 101
        too_short = run(values, indicators=(MASKS,), targets=[("D", DAY3)], stock_lookback_days=0)
        assert too_short.value("masks", "D", DAY3) is None

    def test_average_is_pooled_not_averaged_twice(self) -> None:
        """An average over time and units divides the pooled sum by the pooled count."""
        temp = Indicator(
            code="temp",
            name="体温",
            value_type=ValueType.DECIMAL,
            kind=IndicatorKind.STOCK,
            unit_aggregation=Aggregation.AVERAGE,
            time_aggregation=Aggregation.AVERAGE,
        )
        values = [
            DataValue.reported("temp", "C11", DAY1, Decimal("36")),
            DataValue.reported("temp", "C11", DAY2, Decimal("37")),
            DataValue.reported("temp", "C11", DAY3, Decimal("38")),
            DataValue.reported("temp", "C12", DAY1, Decimal("40")),
        ]
        result = run(values, indicators=(temp,), targets=[("S1", THREE_DAYS)])
        # (36 + 37 + 38 + 40) / 4, not ((36+37+38)/3 + 40) / 2 = 38.5
        assert result.value("temp", "S1", THREE_DAYS) == Decimal("37.75")

    def test_count_min_max(self) -> None:
        """COUNT counts submitted values; MIN and MAX take extremes on both axes."""
        counted = Indicator(
            code="leaflets",
            name="x",
            unit_aggregation=Aggregation.SUM,
            time_aggregation=Aggregation.COUNT,
        )
        assert run(daily_values(), indicators=(counted,)).value("leaflets", "D", THREE_DAYS) == 12
        highest = Indicator(
            code="leaflets",
            name="x",
            unit_aggregation=Aggregation.MAX,
            time_aggregation=Aggregation.MAX,
        )
        assert run(daily_values(), indicators=(highest,)).value("leaflets", "D", THREE_DAYS) == 210
        lowest = Indicator(
            code="leaflets",
            name="x",
            unit_aggregation=Aggregation.MIN,
            time_aggregation=Aggregation.MIN,
        )
        assert run(daily_values(), indicators=(lowest,)).value("leaflets", "D", THREE_DAYS) == 0

    def test_none_refuses_several_values(self) -> None:
        """With NONE, a figure exists only for one value of exactly the period."""
        flag = Indicator(code="flag", name="发布会", value_type=ValueType.BOOLEAN)
        values = [DataValue.reported("flag", "C11", DAY1, True)]
        result = run(values, indicators=(flag,), targets=[("C11", DAY1), ("S1", THREE_DAYS)])
        assert result.value("flag", "C11", DAY1) is True
        assert result.get_aggregate("flag", "S1", THREE_DAYS).status is AggregateStatus.UNDEFINED


class TestRates:
    rate = Indicator(
        code="rate", name="率", kind=IndicatorKind.RATE, numerator="fever", denominator="screened"
    )
    fever = Indicator(code="fever", name="发热")
    screened = Indicator(code="screened", name="排查")

    def test_rate_from_aggregated_parts(self) -> None:
        """A rate is the aggregated numerator over the aggregated denominator, never summed."""
        values = [
            DataValue.reported("fever", "C11", DAY1, 1),
            DataValue.reported("screened", "C11", DAY1, 10),
            DataValue.reported("fever", "C12", DAY1, 3),
            DataValue.reported("screened", "C12", DAY1, 90),
        ]
        result = run(
            values,
            indicators=(self.rate, self.fever, self.screened),
            targets=[("S1", DAY1), ("C11", DAY1)],
        )
        assert result.value("rate", "S1", DAY1) == Decimal(4) / Decimal(100)
        assert result.value("rate", "C11", DAY1) == Decimal("0.1")

    def test_rate_above_one_and_zero_denominator_are_undefined(self) -> None:
        """A rate above 100% and a zero denominator are refused, not figures."""
        values = [
            DataValue.reported("fever", "C11", DAY1, 5),
            DataValue.reported("screened", "C11", DAY1, 2),
            DataValue.reported("fever", "C12", DAY1, 0),
            DataValue.zero_report("screened", "C12", DAY1),
        ]
        result = run(
            values,
            indicators=(self.rate, self.fever, self.screened),
            targets=[("C11", DAY1), ("C12", DAY1)],
        )
        for unit, words in (("C11", "outside 0-100%"), ("C12", "is 0")):
            agg = result.get_aggregate("rate", unit, DAY1)
            assert agg.status is AggregateStatus.UNDEFINED
            assert words in agg.reason


class TestPlan:
    def test_plan_is_frozen_data(self) -> None:
        """A plan is hashable plain data listing base indicators before rates."""
        rate = TestRates.rate
        indicators = [rate, TestRates.fever, TestRates.screened]
        plan = make_plan(district(), indicators, [("D", DAY1)])
        assert [p.code for p in plan.indicators] == ["fever", "screened", "rate"]
        assert hash(plan) == hash(make_plan(district(), indicators, [("D", DAY1)]))
        assert plan.targets == (Target("D", DAY1),)

    def test_plan_refuses_rates_before_their_parts(self) -> None:
        """A rate planned without its numerator is refused."""
        with pytest.raises(ModelError, match="needs 'fever' and 'screened'"):
            AggregationPlan(
                units=tuple(district()),
                indicators=(IndicatorPlan.of(TestRates.rate),),
                targets=(),
            )

    def test_plan_refuses_unknown_target_units(self) -> None:
        """A target outside the tree is refused."""
        with pytest.raises(ModelError, match="unknown org unit 'X'"):
            make_plan(district(), [LEAFLETS], [("X", DAY1)])

    def test_overlapping_values_are_not_a_figure(self) -> None:
        """Two values for one slot give an undefined aggregate instead of a coverage above 100%."""
        values = [*daily_values(), DataValue.reported("leaflets", "C11", THREE_DAYS, 1)]
        agg = run(values, targets=[("C11", THREE_DAYS)]).get_aggregate(
            "leaflets", "C11", THREE_DAYS
        )
        assert agg.status is AggregateStatus.UNDEFINED
        assert "overlap" in agg.reason

    def test_closed_units_are_not_expected(self) -> None:
        """A community closed after the first day is expected for one slot only."""
        closed = OrgUnit("B", "乙", "S", closing=D(2020, 2, 1))
        tree = OrgTree((OrgUnit("S", "街道"), OrgUnit("A", "甲", "S"), closed))
        values = [DataValue.reported("leaflets", "B", DAY1, 5)]
        agg = run(values, tree=tree, targets=[("S", THREE_DAYS)]).get_aggregate(
            "leaflets", "S", THREE_DAYS
        )
        assert agg.coverage == Coverage(expected=4, submitted=1, zero_reports=0)


# ---------------------------------------------------------------------------------- properties

FLOW = Indicator(code="n", name="数量")
STOCK = Indicator(code="s", name="库存", kind=IndicatorKind.STOCK)
JANUARY = [Period.day(D(2020, 1, d)) for d in range(1, 32)]


@st.composite
def daily_data(draw: st.DrawFn, code: str = "n") -> tuple[OrgTree, list[DataValue]]:
    """A random tree and random daily leaf values in January 2020, some missing or gaps."""
    tree = draw(org_trees(max_units=10, max_roots=1))
    # Opening and closing dates are drawn too: strip them so every leaf is expected every day.
    tree = OrgTree(
        tuple(OrgUnit(u.code, u.name, u.parent, u.level) for u in tree.units), tree.level_names
    )
    days = draw(st.lists(st.sampled_from(JANUARY), min_size=1, max_size=8, unique=True))
    values = []
    for leaf in tree.leaves():
        for day in days:
            kind = draw(st.sampled_from(("value", "value", "zero", "missing", "gap")))
            if kind == "value":
                values.append(DataValue.reported(code, leaf.code, day, draw(st.integers(0, 1000))))
            elif kind == "zero":
                values.append(DataValue.zero_report(code, leaf.code, day))
            elif kind == "missing":
                values.append(DataValue.missing(code, leaf.code, day))
    return tree, values


JAN = Period.month(2020, 1)


@settings(max_examples=60, deadline=None)
@given(daily_data())
def test_root_sum_equals_sum_of_leaves(data: tuple[OrgTree, list[DataValue]]) -> None:
    """For random trees and daily values, the root's sum is the sum of the leaves' values."""
    tree, values = data
    root = tree.roots[0].code
    agg = run(values, indicators=(FLOW,), tree=tree, targets=[(root, JAN)])
    numbers = [v.numeric for v in values if v.numeric is not None]
    got = agg.get_aggregate("n", root, JAN)
    if numbers:
        assert got.value == sum(numbers)
    else:
        assert got.value is None
        assert got.status in (AggregateStatus.MISSING, AggregateStatus.NO_DATA)


@settings(max_examples=60, deadline=None)
@given(daily_data())
def test_days_to_ten_days_to_month_equals_days_to_month(
    data: tuple[OrgTree, list[DataValue]],
) -> None:
    """Rolling days up to 旬 and those up to the month equals rolling days up to the month."""
    tree, values = data
    dekads = JAN.split(PeriodType.TEN_DAYS)
    leaves = [u.code for u in tree.leaves()]
    middle = run(
        values, indicators=(FLOW,), tree=tree, targets=[(u, d) for u in leaves for d in dekads]
    )
    rolled = [
        DataValue.reported("n", a.unit, a.period, a.value)
        for a in middle.aggregates()
        if a.value is not None
    ]
    root = tree.roots[0].code
    twice = run(rolled, indicators=(FLOW,), tree=tree, targets=[(root, JAN)], frequency=None)
    once = run(values, indicators=(FLOW,), tree=tree, targets=[(root, JAN)])
    assert twice.value("n", root, JAN) == once.value("n", root, JAN)


@settings(max_examples=60, deadline=None)
@given(daily_data(code="s"))
def test_stocks_never_sum_over_time(data: tuple[OrgTree, list[DataValue]]) -> None:
    """A stock over a month is the sum over leaves of each leaf's last figure, not of all days."""
    tree, values = data
    root = tree.roots[0].code
    latest: dict[str, tuple[datetime.date, int]] = {}
    for v in values:
        n = v.numeric
        if n is not None and (v.unit not in latest or v.period.start > latest[v.unit][0]):
            latest[v.unit] = (v.period.start, int(n))
    agg = run(values, indicators=(STOCK,), tree=tree, targets=[(root, JAN)])
    expected = sum(n for _, n in latest.values()) if latest else None
    assert agg.value("s", root, JAN) == expected


@settings(max_examples=60, deadline=None)
@given(daily_data())
def test_coverage_never_exceeds_one_and_missing_never_zero(
    data: tuple[OrgTree, list[DataValue]],
) -> None:
    """Every unit's coverage is at most 1, and a unit without numbers has no figure."""
    tree, values = data
    agg = run(values, indicators=(FLOW,), tree=tree, targets=[(u, JAN) for u in tree.codes])
    for a in agg.aggregates():
        ratio = a.coverage.ratio
        assert ratio is None or 0 <= ratio <= 1
        under = {u.code for u in tree.subtree(a.unit)}
        has_numbers = any(v.numeric is not None for v in values if v.unit in under)
        assert (a.value is not None) == has_numbers
        if a.value is not None and a.coverage.submitted < a.coverage.expected:
            assert a.coverage.ratio is not None
            assert a.coverage.ratio < 1


def test_value_statuses_are_the_four_documented() -> None:
    """The engine handles every value status (guards against a new status slipping through)."""
    assert set(ValueStatus) == {
        ValueStatus.REPORTED,
        ValueStatus.ZERO_REPORT,
        ValueStatus.NOT_APPLICABLE,
        ValueStatus.MISSING,
    }
