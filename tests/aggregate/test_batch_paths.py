"""The short cuts a batch of summaries takes give what the full paths give.

A summary of every county checks every planned figure, compares each with two earlier
periods, classifies every expected report and checks every value: the engine answers a
figure without building its aggregate, the rules that read one figure are checked value by
value, and completeness reads undated reporters column by column. Each must say what the
plain path says.
"""

import datetime
from decimal import Decimal
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.aggregate import _validate
from epireport.aggregate._compare import Change, ChangeKind, compare
from epireport.aggregate._completeness import ReportingCalendar, completeness_of
from epireport.aggregate._engine import PythonEngine
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target
from epireport.aggregate._rules import MissingStrategy, ValidationRule
from epireport.aggregate._validate import validate
from epireport.model._indicators import Aggregation, Category, CategoryOption, IndicatorKind
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.testing._st_model import org_trees

D = datetime.date
FEB = [Period.day(D(2020, 2, d)) for d in range(1, 10)]
SHAPES = [*FEB, Period.day(D(2020, 1, 31)), Period.week(2020, 6), Period.month(2020, 2)]
TARGETS = [Period.month(2020, 2), Period.interval(D(2020, 2, 1), D(2020, 2, 7)), FEB[0]]
ORIGIN = Category(
    "origin", "来源地", (CategoryOption("wuhan", "武汉"), CategoryOption("x", "其他"))
)


@st.composite
def plans_and_values(draw: st.DrawFn) -> tuple[AggregationPlan, list[DataValue]]:
    """Random trees, indicators (one split by a category, a ratio), targets and values."""
    tree = draw(org_trees(max_units=8, max_roots=2))
    ops = st.tuples(st.sampled_from(list(Aggregation)), st.sampled_from(list(Aggregation)))
    base = [IndicatorPlan(f"i{k}", IndicatorKind.FLOW, *draw(ops)) for k in range(2)]
    if draw(st.booleans()):
        split = IndicatorPlan(
            "c", IndicatorKind.FLOW, Aggregation.SUM, Aggregation.SUM, categories=(ORIGIN,)
        )
        base.append(split)
    rates = []
    if draw(st.booleans()):
        none = Aggregation.NONE
        rates.append(IndicatorPlan("r", IndicatorKind.RATIO, none, none, "i0", "i1"))
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
        tuple(targets),
        frequency=draw(st.sampled_from((PeriodType.DAY, None))),
        stock_lookback_days=draw(st.sampled_from((0, 3))),
    )
    values = []
    for _ in range(draw(st.integers(0, 30))):
        status = draw(st.sampled_from([*ValueStatus, ValueStatus.REPORTED]))
        number = draw(st.one_of(st.integers(0, 50), st.decimals(0, 9, places=1)))
        indicator = draw(st.sampled_from(base)).code
        options = draw(st.sampled_from([(), ("wuhan",), ("x",)])) if indicator == "c" else ()
        values.append(
            DataValue(
                indicator,
                draw(st.sampled_from(tree.codes)),
                draw(st.sampled_from(SHAPES)),
                status,
                number if status is ValueStatus.REPORTED else None,
                options=options,
            )
        )
    return plan, values


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values(), st.booleans())
def test_figures_and_values_are_the_aggregates(
    data: tuple[AggregationPlan, list[DataValue]], collect: bool
) -> None:
    """figures() and value() say what the built aggregates say, in plan order.

    Asked first (before any aggregate is built, as a check of the figures does) and after.
    """
    plan, values = data
    engine = PythonEngine(collect_sources=collect)
    quick = engine.execute(plan, values)
    figures = list(quick.figures())
    values_first = {key: quick.value(*key) for key in quick}
    full = engine.execute(plan, values)
    expected = [(a.indicator, a.unit, a.period, a.status, a.value) for a in full.aggregates()]
    assert figures == expected
    assert [str(f[4]) for f in figures] == [str(e[4]) for e in expected]  # 5 is not 5.0
    assert values_first == {key: full[key].value for key in full}
    assert list(quick.aggregates()) == list(full.aggregates())
    assert list(quick.figures()) == expected  # and again, once built
    assert quick.value("nowhere", "X", FEB[0]) is None


_RULES = [
    ValidationRule(code="nn0", left="i0", operator=">=", right="0"),
    ValidationRule(code="cap1", left="i1", operator="<=", right="40"),
    ValidationRule(
        code="z0", left="i0", operator="<=", right="45", missing=MissingStrategy.AS_ZERO
    ),
    ValidationRule(code="sum", left="i0 + i1", operator=">=", right="3"),
    ValidationRule(code="f1", left="i1", operator="!=", right="7", missing=MissingStrategy.FAIL),
    ValidationRule(code="half", left="i0", operator=">=", right="0.5"),
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_RULES), min_size=1, max_size=3, unique=True),
    st.lists(
        st.tuples(
            st.sampled_from(["i0", "i1", "i2"]),
            st.sampled_from(["u", "v"]),
            st.sampled_from(FEB[:3]),
            st.sampled_from([*ValueStatus, ValueStatus.REPORTED, ValueStatus.REPORTED]),
            st.one_of(st.integers(-3, 50), st.just(Decimal("2.5")), st.just(True)),
        ),
        max_size=12,
    ),
)
def test_checking_values_one_by_one_finds_what_the_full_check_finds(
    rules: list[ValidationRule],
    rows: list[tuple[str, str, Period, ValueStatus, int | Decimal | bool]],
) -> None:
    """Where every rule plainly holds value by value, the full check finds nothing either.

    And where one does not (a violation, another kind of rule, a figure that is not a plain
    integer, a missing figure a rule counts), the full check runs: the same violations.
    """
    values = [
        DataValue(indicator, unit, day, status, number if status is ValueStatus.REPORTED else None)
        for indicator, unit, day, status, number in rows
    ]
    quick = validate(rules, list(values))
    with mock.patch.object(_validate, "_plainly_hold", return_value=False):
        full = validate(rules, list(values))
    assert quick == full
    if _validate._plainly_hold(rules, values):
        assert full == ()


def _dated(tree: OrgTree) -> OrgTree:
    """*tree* with opening and closing dates that close no unit during February 2020."""
    return OrgTree(
        [OrgUnit(u.code, u.name, u.parent, u.level, D(2000, 1, 1), D(2099, 12, 31)) for u in tree],
        tree.level_names,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    org_trees(max_units=8, max_roots=1),
    st.lists(
        st.tuples(
            st.integers(0, 7),
            st.sampled_from(SHAPES),
            st.sampled_from([*ValueStatus]),
            st.sampled_from([None, 19, 30]),
        ),
        max_size=20,
    ),
    st.sampled_from([PeriodType.DAY, PeriodType.WEEK, None]),
    st.sampled_from([None, 1, 2]),
)
def test_undated_reporters_are_classified_as_dated_ones_always_open(
    tree: OrgTree,
    rows: list[tuple[int, Period, ValueStatus, int | None]],
    frequency: PeriodType | None,
    level: int | None,
) -> None:
    """The column-by-column reading of undated reporters equals the general one.

    The same tree with dates that close nobody goes the general way: every report and every
    unit's state the same, in the same order.
    """
    tree = _plain(tree)
    codes = tree.codes
    values = []
    for index, when, status, hour in rows:
        at = None
        if hour is not None:
            at = datetime.datetime.combine(when.last_day, datetime.time(hour % 24))
        number = 1 if status is ValueStatus.REPORTED else None
        unit = codes[index % len(codes)]
        values.append(DataValue("x", unit, when, status, number, submitted_at=at))
    period = Period.month(2020, 2)
    units = list(codes)
    plain = completeness_of(ReportingCalendar(tree, frequency, level), values, units, period)
    dated = completeness_of(
        ReportingCalendar(_dated(tree), frequency, level), values, units, period
    )
    for unit in units:
        assert list(plain[unit].reports.items()) == list(dated[unit].reports.items())
        assert list(plain[unit].units.items()) == list(dated[unit].units.items())
        assert plain[unit].by_unit == dated[unit].by_unit
        assert plain[unit].by_report == dated[unit].by_report


def _plain(tree: OrgTree) -> OrgTree:
    """*tree* without opening and closing dates."""
    return OrgTree([OrgUnit(u.code, u.name, u.parent, u.level) for u in tree], tree.level_names)


def test_a_figure_without_an_earlier_one_is_compared_as_before() -> None:
    """compare(n, None) is the unavailable change from n, the same for every int n."""
    assert compare(5, None) == Change(ChangeKind.UNAVAILABLE, current=5)
    assert compare(5, None) is compare(5, None)
    assert compare(Decimal("5.0"), None) == Change(ChangeKind.UNAVAILABLE, current=Decimal("5.0"))
    assert str(compare(Decimal("5.0"), None).current) == "5.0"
    assert compare(True, None) == Change(ChangeKind.UNAVAILABLE)
    assert compare(None, None) == Change(ChangeKind.UNAVAILABLE)


def test_ranks_are_the_places_among_siblings() -> None:
    """rank() gives each unit its Rank (shared between reports: a Rank is immutable)."""
    from epireport.aggregate._compare import Rank, rank

    found = rank({"a": 5, "b": 7, "c": 5, "d": None, "e": Decimal("1.5")})
    assert found == {"a": Rank(2, 4, True), "b": Rank(1, 4), "c": Rank(2, 4, True),
                     "e": Rank(4, 4)}  # fmt: skip
    assert rank({"x": 3, "y": 1})["y"] is rank({"p": 9, "q": 0})["q"]
