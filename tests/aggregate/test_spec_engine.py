"""Both engines against the specification engine, and the specification engine by hand.

:class:`epireport.testing.SpecificationEngine` is the rules of :mod:`epireport.aggregate._plan`
written plainly; the pure-Python engine must give its aggregates exactly (figures, statuses,
coverages, reasons and sources), the Ibis engine its figures, statuses and coverages (it keeps
no sources and words some reasons differently).
"""

import datetime
import importlib.util
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.aggregate._engine import PythonEngine
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target, make_plan
from epireport.aggregate._results import AggregateSet, AggregateStatus, Coverage
from epireport.model._indicators import Aggregation, Indicator, IndicatorKind
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.testing import SpecificationEngine
from epireport.testing._st_model import org_trees

D = datetime.date
FEB = [Period.day(D(2020, 2, d)) for d in range(1, 15)]
# Value periods: days (one before February, for look-backs), weeks, intervals, the month.
SHAPES = [
    Period.day(D(2020, 1, 31)),
    *FEB,
    Period.week(2020, 6),
    Period.week(2020, 7),
    Period.interval(D(2020, 2, 1), D(2020, 2, 7)),
    Period.interval(D(2020, 2, 3), D(2020, 2, 9)),
    Period.month(2020, 2),
    Period.ten_days(2020, 2, 1),
]
TARGETS = [
    Period.month(2020, 2),
    Period.interval(D(2020, 2, 1), D(2020, 2, 7)),
    Period.week(2020, 7),
    Period.day(D(2020, 2, 5)),
    Period.ten_days(2020, 2, 1),
]
OPS = list(Aggregation)
# The operator pairs the rules name, drawn more often than any pair at random.
NAMED = [
    (Aggregation.SUM, Aggregation.SUM),
    (Aggregation.AVERAGE, Aggregation.AVERAGE),
    (Aggregation.SUM, Aggregation.AVERAGE),
    (Aggregation.LAST, Aggregation.SUM),
    (Aggregation.NONE, Aggregation.NONE),
]
SPEC = SpecificationEngine()
HAS_IBIS = all(importlib.util.find_spec(m) is not None for m in ("ibis", "duckdb", "pyarrow"))


@st.composite
def plans_and_values(draw: st.DrawFn) -> tuple[AggregationPlan, list[DataValue]]:
    """A random tree (some units dated), any operators, rates, targets, values at any unit.

    Values come mostly from leaves, sometimes from units with children (which then report for
    their subtree), with every status; some repeat a (unit, period), which overlaps.
    """
    tree = draw(org_trees(max_units=8, max_roots=2))
    base = []
    for k in range(draw(st.integers(1, 3))):
        ops = draw(st.one_of(st.sampled_from(NAMED), st.tuples(*[st.sampled_from(OPS)] * 2)))
        base.append(IndicatorPlan(f"i{k}", IndicatorKind.FLOW, *ops))
    rates = []
    if draw(st.booleans()):
        num, den = draw(st.sampled_from(base)).code, draw(st.sampled_from(base)).code
        kind = draw(st.sampled_from((IndicatorKind.RATE, IndicatorKind.RATIO)))
        rates.append(IndicatorPlan("r", kind, Aggregation.NONE, Aggregation.NONE, num, den))
    targets = draw(
        st.lists(
            st.builds(Target, st.sampled_from(tree.codes), st.sampled_from(TARGETS)),
            min_size=1,
            max_size=6,
        )
    )
    plan = AggregationPlan(
        tuple(tree),
        (*base, *rates),
        tuple(dict.fromkeys(targets)),
        frequency=draw(st.sampled_from((PeriodType.DAY, PeriodType.DAY, PeriodType.WEEK, None))),
        stock_lookback_days=draw(st.sampled_from((0, 0, 3))),
    )
    leaves = [u.code for u in tree.leaves()]
    number = st.one_of(
        st.integers(0, 1000),
        st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False),
    )
    values = []
    for _ in range(draw(st.integers(0, 40))):
        unit = draw(st.sampled_from(leaves if draw(st.integers(0, 3)) else tree.codes))
        indicator = draw(st.sampled_from([*base, *rates])).code
        period = draw(st.sampled_from(SHAPES))
        status = draw(st.sampled_from([*ValueStatus, *[ValueStatus.REPORTED] * 3]))
        value = draw(number) if status is ValueStatus.REPORTED else None
        values.append(DataValue(indicator, unit, period, status, value))
    return plan, values


def everything(result: AggregateSet) -> dict[object, object]:
    """Every field of every aggregate, sources included (``==`` on aggregates leaves them out)."""
    return {key: (a.status, a.value, a.coverage, a.reason, a.sources) for key, a in result.items()}


def figures(result: AggregateSet) -> dict[object, object]:
    """Status, figure and coverage of every aggregate, in plan order."""
    return {key: (a.status, a.value, a.coverage) for key, a in result.items()}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_python_engine_matches_the_specification(
    data: tuple[AggregationPlan, list[DataValue]],
) -> None:
    """With provenance the Python engine gives the specification's aggregates, field for field."""
    plan, values = data
    expected = SPEC.execute(plan, values)
    got = PythonEngine(collect_sources=True).execute(plan, values)
    assert list(got) == list(expected)
    assert everything(got) == everything(expected)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_python_engine_fast_paths_match_the_specification(
    data: tuple[AggregationPlan, list[DataValue]],
) -> None:
    """Without provenance (fused sums and stocks) the Python engine still gives its figures."""
    plan, values = data
    expected = SPEC.execute(plan, values)
    got = PythonEngine(collect_sources=False).execute(plan, values)
    assert list(got) == list(expected)
    assert {k: (a.status, a.value, a.coverage, a.reason) for k, a in got.items()} == {
        k: (a.status, a.value, a.coverage, a.reason) for k, a in expected.items()
    }


_IBIS: list[object] = []


def _ibis_engine():
    """One Ibis engine (one in-memory DuckDB) for every example: opening one is slow."""
    if not _IBIS:
        from epireport.aggregate._ibis import IbisEngine

        _IBIS.append(IbisEngine())
    return _IBIS[0]


@pytest.mark.skipif(not HAS_IBIS, reason="the Ibis engine needs epireport[scale]")
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_ibis_engine_matches_the_specification(
    data: tuple[AggregationPlan, list[DataValue]],
) -> None:
    """The Ibis engine gives the specification's figures, statuses and coverages."""
    plan, values = data
    expected = SPEC.execute(plan, values)
    got = _ibis_engine().execute(plan, values)
    assert list(got) == list(expected)
    assert figures(got) == figures(expected)


# ---------------------------------------------------------------------- worked examples


def district() -> OrgTree:
    """A district D with streets S1 (communities C11, C12) and S2 (community C21)."""
    return OrgTree(
        (
            OrgUnit("D", "某区"),
            OrgUnit("S1", "东街道", "D"),
            OrgUnit("C11", "一社区", "S1"),
            OrgUnit("C12", "二社区", "S1"),
            OrgUnit("S2", "西街道", "D"),
            OrgUnit("C21", "三社区", "S2"),
        )
    )


DAY1, DAY2, DAY3 = FEB[:3]
THREE_DAYS = Period.interval(D(2020, 2, 1), D(2020, 2, 3))


def spec(values, indicators, targets, **kwargs):
    return SPEC.execute(make_plan(district(), indicators, targets, **kwargs), values)


class TestWorkedExamples:
    def test_sums_own_values_and_coverage(self) -> None:
        """S2 states its own figure (its community's is not added), zero-reports fill slots."""
        values = [
            DataValue.reported("n", "C11", DAY1, 10),
            DataValue.reported("n", "C11", DAY2, 20),
            DataValue.zero_report("n", "C12", DAY1),
            DataValue.missing("n", "C12", DAY2),
            DataValue.reported("n", "S2", THREE_DAYS, 100),
            DataValue.reported("n", "C21", DAY1, 7),
        ]
        got = spec(values, [Indicator("n", "人数")], [("D", THREE_DAYS), ("S1", THREE_DAYS)])
        district_figure = got.get_aggregate("n", "D", THREE_DAYS)
        # 10 + 20 + 0 from S1's communities, 100 as S2 states it (not 107).
        assert district_figure.value == 130
        # C11 and C12 expect 3 days each, S2 3 for itself: 9; C11 2, C12 1 (a zero), S2 3.
        assert district_figure.coverage == Coverage(9, 6, 1)
        street = got.get_aggregate("n", "S1", THREE_DAYS)
        assert (street.value, street.coverage) == (30, Coverage(6, 3, 1))
        # Provenance: the last child first, then the unit's own markers.
        assert [v.unit for v in street.sources] == ["C12", "C12", "C11", "C11"]

    def test_pooled_average_and_rate(self) -> None:
        """An average pools every value; a rate divides the aggregated parts."""
        temperature = Indicator(
            "t",
            "体温",
            time_aggregation=Aggregation.AVERAGE,
            unit_aggregation=Aggregation.AVERAGE,
        )
        checked = Indicator("c", "检测人数")
        fever = Indicator("f", "发热人数")
        share = Indicator("r", "发热率", kind=IndicatorKind.RATE, numerator="f", denominator="c")
        values = [
            DataValue.reported("t", "C11", DAY1, 36),
            DataValue.reported("t", "C11", DAY2, 37),
            DataValue.reported("t", "C12", DAY1, 38),
            DataValue.reported("c", "C11", DAY1, 40),
            DataValue.reported("c", "C12", DAY1, 60),
            DataValue.reported("f", "C11", DAY1, 3),
            DataValue.reported("f", "C12", DAY1, 2),
        ]
        got = spec(values, [temperature, checked, fever, share], [("S1", THREE_DAYS)])
        # (36 + 37 + 38) / 3, not ((36 + 37) / 2 + 38) / 2.
        assert got.value("t", "S1", THREE_DAYS) == 37
        assert got.value("r", "S1", THREE_DAYS) == Decimal("0.05")
        # The rate's coverage is its less complete part's: 2 of 6 slots.
        assert got.get_aggregate("r", "S1", THREE_DAYS).coverage == Coverage(6, 2, 0)

    def test_stock_last_value_with_look_back(self) -> None:
        """A stock takes each unit's last value; a unit silent in the period looks back."""
        masks = Indicator("m", "口罩库存", kind=IndicatorKind.STOCK)
        values = [
            DataValue.reported("m", "C11", DAY1, 500),
            DataValue.reported("m", "C11", DAY3, 450),
            DataValue.reported("m", "C12", Period.day(D(2020, 1, 31)), 80),
        ]
        targets = [("S1", THREE_DAYS), ("D", THREE_DAYS)]
        without = spec(values, [masks], targets)
        assert without.value("m", "S1", THREE_DAYS) == 450
        looked_back = spec(values, [masks], targets, stock_lookback_days=3)
        assert looked_back.value("m", "S1", THREE_DAYS) == 530
        # The look-back value fills no report slot.
        assert looked_back.get_aggregate("m", "S1", THREE_DAYS).coverage == Coverage(6, 2, 0)

    def test_missing_not_applicable_and_overlap(self) -> None:
        """Only markers give no figure; two values for one slot are refused, not added."""
        n = Indicator("n", "人数")
        marked = spec([DataValue.missing("n", "C11", DAY1)], [n], [("S1", THREE_DAYS)])
        assert marked.get_aggregate("n", "S1", THREE_DAYS).status is AggregateStatus.MISSING
        na = DataValue("n", "C11", DAY1, ValueStatus.NOT_APPLICABLE)
        assert (
            spec([na], [n], [("C11", THREE_DAYS)]).get_aggregate("n", "C11", THREE_DAYS).status
            is AggregateStatus.NOT_APPLICABLE
        )
        twice = [DataValue.reported("n", "C11", DAY1, 1), DataValue.reported("n", "C11", DAY1, 2)]
        twice += [DataValue.reported("n", "C11", d, 1) for d in (DAY2, DAY3)]
        overlap = spec(twice, [n], [("C11", THREE_DAYS)]).get_aggregate("n", "C11", THREE_DAYS)
        assert overlap.status is AggregateStatus.UNDEFINED
        assert overlap.coverage == Coverage(3, 3, 0)

    def test_none_needs_one_value_for_the_period_and_one_unit(self) -> None:
        """An indicator aggregated neither way has a figure only from one value of one unit."""
        level = Indicator(
            "l",
            "风险等级",
            time_aggregation=Aggregation.NONE,
            unit_aggregation=Aggregation.NONE,
        )
        values = [
            DataValue.reported("l", "C11", THREE_DAYS, 2),
            DataValue.reported("l", "C12", THREE_DAYS, 3),
            DataValue.reported("l", "C21", DAY1, 1),
        ]
        targets = [("C11", THREE_DAYS), ("S1", THREE_DAYS), ("S2", THREE_DAYS)]
        got = spec(values, [level], targets, frequency=None)
        assert got.value("l", "C11", THREE_DAYS) == 2
        assert got.get_aggregate("l", "S1", THREE_DAYS).status is AggregateStatus.UNDEFINED
        # A day's value is not the three days' figure.
        assert got.get_aggregate("l", "S2", THREE_DAYS).status is AggregateStatus.UNDEFINED
