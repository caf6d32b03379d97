"""The pure-Python engine's fast paths give the reference path's figures.

Without provenance the engine fuses leaf values of summed indicators into their ancestors
(flat rows and cells); with provenance, or when the flat lists would be too large, it keeps a
state per unit. Both must give the same aggregates, and the on-demand result must behave as
the plain mapping.
"""

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.aggregate import _engine
from epireport.aggregate._engine import PythonEngine
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target
from epireport.aggregate._results import Aggregate, AggregateSet, AggregateStatus, Coverage
from epireport.model._indicators import Aggregation, IndicatorKind
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.testing._st_model import org_trees

D = datetime.date
FEB = [Period.day(D(2020, 2, d)) for d in range(1, 15)]
SHAPES = [
    *FEB,
    Period.day(D(2020, 1, 31)),
    Period.week(2020, 6),
    Period.interval(D(2020, 2, 1), D(2020, 2, 7)),
    Period.month(2020, 2),
]
TARGETS = [
    Period.month(2020, 2),
    Period.interval(D(2020, 2, 1), D(2020, 2, 7)),
    Period.week(2020, 7),
    *FEB[:3],
]
SUMMED = [(Aggregation.SUM, Aggregation.SUM), (Aggregation.LAST, Aggregation.SUM)]


@st.composite
def plans_and_values(draw: st.DrawFn) -> tuple[AggregationPlan, list[DataValue]]:
    """Random trees, mostly summed indicators (the fused ones), targets and values."""
    tree = draw(org_trees(max_units=10, max_roots=2))
    base = []
    for k in range(draw(st.integers(1, 3))):
        ops = draw(
            st.one_of(
                st.sampled_from(SUMMED),
                st.tuples(st.sampled_from(list(Aggregation)), st.sampled_from(list(Aggregation))),
            )
        )
        base.append(IndicatorPlan(f"i{k}", IndicatorKind.FLOW, *ops))
    rates = []
    if draw(st.booleans()):
        num, den = draw(st.sampled_from(base)).code, draw(st.sampled_from(base)).code
        rates.append(IndicatorPlan("r", IndicatorKind.RATIO, Aggregation.NONE, Aggregation.NONE,
                                   num, den))  # fmt: skip
    targets = draw(
        st.lists(
            st.builds(Target, st.sampled_from(tree.codes), st.sampled_from(TARGETS)),
            min_size=1,
            max_size=8,
        )
    )
    plan = AggregationPlan(
        tuple(tree),
        (*base, *rates),
        tuple(targets),  # duplicates allowed: kept once, in their first position
        frequency=draw(st.sampled_from((PeriodType.DAY, PeriodType.DAY, PeriodType.WEEK, None))),
        stock_lookback_days=draw(st.sampled_from((0, 3))),
    )
    leaves = [u.code for u in tree.leaves()]
    number = st.one_of(st.integers(0, 1000), st.decimals(0, 100, places=2))
    values = []
    for _ in range(draw(st.integers(0, 50))):
        unit = draw(st.sampled_from(leaves if draw(st.integers(0, 4)) else tree.codes))
        status = draw(st.sampled_from([*ValueStatus, ValueStatus.REPORTED, ValueStatus.REPORTED]))
        value = draw(number) if status is ValueStatus.REPORTED else None
        indicator = draw(st.sampled_from([*base, *rates])).code
        values.append(DataValue(indicator, unit, draw(st.sampled_from(SHAPES)), status, value))
    return plan, values


def figures(result: AggregateSet) -> list[tuple[object, ...]]:
    """Everything an aggregate says but its sources, the value's written form included."""
    return [
        (a.key, a.status, a.value, str(a.value), a.coverage, a.reason) for a in result.aggregates()
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_fused_paths_match_the_per_unit_path(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """Fused sums (no provenance) give the figures of the per-unit states (provenance)."""
    plan, values = data
    reference = PythonEngine(collect_sources=True).execute(plan, values)
    fused = PythonEngine(collect_sources=False).execute(plan, values)
    assert list(fused) == list(reference)
    assert figures(fused) == figures(reference)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_too_large_for_flat_lists_falls_back(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """When rows and cells would be too large the engine reads the general way, same figures."""
    plan, values = data
    fused = PythonEngine(collect_sources=False).execute(plan, values)
    limit = _engine._FLAT_LIMIT
    _engine._FLAT_LIMIT = 0
    try:
        general = PythonEngine(collect_sources=False).execute(plan, values)
    finally:
        _engine._FLAT_LIMIT = limit
    assert figures(general) == figures(fused)


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
    )


FLOW = IndicatorPlan("n", IndicatorKind.FLOW, Aggregation.SUM, Aggregation.SUM)
STOCK = IndicatorPlan("k", IndicatorKind.STOCK, Aggregation.LAST, Aggregation.SUM)
WEEK = Period.interval(D(2020, 2, 1), D(2020, 2, 7))


def week_values() -> list[DataValue]:
    """Daily flow and stock values of every community for a week, one day missing."""
    out = []
    for i, unit in enumerate(("C11", "C12", "C21", "C22")):
        for day in FEB[:7]:
            if unit == "C22" and day == FEB[3]:
                out.append(DataValue.missing("n", unit, day))
                continue
            out.append(DataValue.reported("n", unit, day, 10 * i + day.start.day))
            out.append(DataValue.reported("k", unit, day, Decimal(f"{i}.{day.start.day}0")))
    return out


def test_district_only_target_fuses_communities() -> None:
    """A district target over daily community values: the fused sums and last values."""
    plan = AggregationPlan(tuple(district()), (FLOW, STOCK), (Target("D", WEEK),))
    result = PythonEngine(collect_sources=False).execute(plan, week_values())
    flow = result.get_aggregate("n", "D", WEEK)
    assert flow.value == sum(10 * i + d for i in range(4) for d in range(1, 8)) - (30 + 4)
    assert flow.coverage == Coverage(28, 27, 0)
    stock = result.get_aggregate("k", "D", WEEK)
    assert stock.value == Decimal("0.70") + Decimal("1.70") + Decimal("2.70") + Decimal("3.70")
    assert str(stock.value) == "8.80"


def test_result_is_a_mapping_in_plan_order() -> None:
    """The on-demand result has every planned key, in plan order, and equals a plain set."""
    targets = (Target("S1", WEEK), Target("C11", WEEK), Target("S1", WEEK))
    plan = AggregationPlan(tuple(district()), (FLOW, STOCK), targets)
    result = PythonEngine(collect_sources=False).execute(plan, week_values())
    assert len(result) == 4
    assert list(result) == [
        ("n", "S1", WEEK),
        ("k", "S1", WEEK),
        ("n", "C11", WEEK),
        ("k", "C11", WEEK),
    ]
    assert ("n", "D", WEEK) not in result
    assert result.value("n", "D", WEEK) is None
    assert result == AggregateSet({key: result[key] for key in result})
    assert result.get_aggregate("n", "C11", WEEK) is result["n", "C11", WEEK]


def test_sources_follow_the_reference_order() -> None:
    """Provenance lists the last child first, and a unit's own missing markers after them."""
    values = [
        DataValue.reported("n", "C11", FEB[0], 1),
        DataValue.reported("n", "C12", FEB[0], 2),
        DataValue.missing("n", "S1", FEB[1]),
    ]
    plan = AggregationPlan(tuple(district()), (FLOW,), (Target("S1", WEEK),))
    agg = PythonEngine(collect_sources=True).execute(plan, iter(values)).aggregates()
    assert [(v.unit, v.status) for v in next(agg).sources] == [
        ("C12", ValueStatus.REPORTED),
        ("C11", ValueStatus.REPORTED),
        ("S1", ValueStatus.MISSING),
    ]


def test_trusted_constructors_build_what_the_public_ones_build() -> None:
    """Coverage._trusted and Aggregate._trusted equal the validated objects."""
    coverage = Coverage._trusted(7, 5, 1)
    assert coverage == Coverage(7, 5, 1)
    value = DataValue.reported("n", "C11", FEB[0], 3)
    args = ("n", "S1", WEEK, AggregateStatus.VALUE, 3, coverage, "", (value,))
    fast = Aggregate._trusted(*args)
    assert fast == Aggregate(*args)
    assert fast.sources == (value,)
    assert hash(Coverage._trusted(1, 1, 0)) == hash(Coverage(1, 1, 0))
