import datetime
import sqlite3
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ibis = pytest.importorskip("ibis")
pa = pytest.importorskip("pyarrow")

from epireport.aggregate._choose import (  # noqa: E402
    ENGINE_ENV,
    PYTHON_LIMIT,
    choose_engine,
    run_plan,
)
from epireport.aggregate._columns import from_file, from_store, from_values  # noqa: E402
from epireport.aggregate._engine import PythonEngine  # noqa: E402
from epireport.aggregate._ibis import IbisEngine, delegated  # noqa: E402
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target  # noqa: E402
from epireport.exceptions import ModelError  # noqa: E402
from epireport.model._indicators import Aggregation, IndicatorKind  # noqa: E402
from epireport.model._periods import Period, PeriodType  # noqa: E402
from epireport.model._units import OrgTree, OrgUnit  # noqa: E402
from epireport.model._values import DataValue, ValueStatus  # noqa: E402
from epireport.testing._st_model import org_trees  # noqa: E402

D = datetime.date
FEB = [Period.day(D(2020, 2, d)) for d in range(1, 15)]
SHAPES = [
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
ENGINE = IbisEngine()


@st.composite
def plans_and_values(draw: st.DrawFn) -> tuple[AggregationPlan, list[DataValue]]:
    """A random tree, indicators with any operators, rates, targets and values at any unit."""
    tree = draw(org_trees(max_units=8, max_roots=2))
    n = draw(st.integers(1, 3))
    base = [
        IndicatorPlan(
            f"i{k}",
            IndicatorKind.FLOW,
            draw(st.sampled_from(OPS)),
            draw(st.sampled_from(OPS)),
        )
        for k in range(n)
    ]
    rates = []
    if draw(st.booleans()):
        num, den = draw(st.sampled_from(base)).code, draw(st.sampled_from(base)).code
        kind = draw(st.sampled_from((IndicatorKind.RATE, IndicatorKind.RATIO)))
        rates.append(IndicatorPlan("r", kind, Aggregation.NONE, Aggregation.NONE, num, den))
    codes = tree.codes
    targets = draw(
        st.lists(
            st.builds(Target, st.sampled_from(codes), st.sampled_from(TARGETS)),
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
        unit = draw(st.sampled_from(leaves if draw(st.integers(0, 3)) else codes))
        indicator = draw(st.sampled_from([*base, *rates])).code
        period = draw(st.sampled_from(SHAPES))
        status = draw(st.sampled_from(list(ValueStatus) + [ValueStatus.REPORTED] * 3))
        value = draw(number) if status is ValueStatus.REPORTED else None
        values.append(DataValue(indicator, unit, period, status, value))
    return plan, values


def figures(result):
    return {k: (a.status, a.value, a.coverage) for k, a in result.items()}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_ibis_engine_matches_python_engine(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """On random plans and data the Ibis engine gives the reference engine's figures."""
    plan, values = data
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    got = ENGINE.execute(plan, values)
    assert list(got) == list(expected)
    assert figures(got) == figures(expected)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_value_table_path_matches(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """Executing from a value table (delegation included) gives the same figures."""
    plan, values = data
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, from_values(values, plan))) == figures(expected)


@st.composite
def leaf_plans_and_values(
    draw: st.DrawFn, *, daily: bool, plain: bool = False
) -> tuple[AggregationPlan, list[DataValue]]:
    """Values at the leaves mostly (sometimes anywhere), none twice for one unit and period.

    With *daily*, targets and values are days: each value is the whole state of its unit, the
    case where the engine skips grouping values per unit. *plain* data (daily report slots, no
    n/a value, values at leaves only) takes the engine's leanest query.
    """
    tree = draw(org_trees(max_units=10, max_roots=2))
    base = [
        IndicatorPlan(
            f"i{k}", IndicatorKind.FLOW, draw(st.sampled_from(OPS)), draw(st.sampled_from(OPS))
        )
        for k in range(draw(st.integers(1, 3)))
    ]
    periods = FEB[:6] if daily else TARGETS
    targets = draw(
        st.lists(
            st.builds(Target, st.sampled_from(tree.codes), st.sampled_from(periods)),
            min_size=1,
            max_size=8,
        )
    )
    units = tuple(tree)
    if plain:
        # Units always open: every leaf expects every day.
        units = tuple(attrs.evolve(u, opening=None, closing=None) for u in units)
    plan = AggregationPlan(
        units,
        base,
        tuple(dict.fromkeys(targets)),
        frequency=PeriodType.DAY
        if plain
        else draw(st.sampled_from((PeriodType.DAY, PeriodType.WEEK, None))),
    )
    leaves = [u.code for u in tree.leaves()]
    anywhere = not plain and draw(st.integers(0, 4)) == 0
    statuses = [s for s in ValueStatus if not (plain and s is ValueStatus.NOT_APPLICABLE)]
    values: dict[tuple[str, str, Period], DataValue] = {}
    for _ in range(draw(st.integers(0, 40))):
        unit = draw(st.sampled_from(tree.codes if anywhere else leaves))
        indicator = draw(st.sampled_from(base)).code
        period = draw(st.sampled_from(FEB[:6] if daily else SHAPES))
        status = draw(st.sampled_from([*statuses, ValueStatus.REPORTED]))
        value = draw(st.integers(0, 1000)) if status is ValueStatus.REPORTED else None
        values.setdefault(
            (indicator, unit, period), DataValue(indicator, unit, period, status, value)
        )
    return plan, list(values.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaf_plans_and_values(daily=True))
def test_one_value_per_state_path_matches(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """When each value is its unit's whole state (no group-by), the figures are the same."""
    plan, values = data
    table = from_values(values, plan)
    assert table.unique is True
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, table)) == figures(expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaf_plans_and_values(daily=True, plain=True))
def test_leanest_query_matches(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """Daily leaf values without n/a (values grouped by period, then by target) match too."""
    plan, values = data
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, from_values(values, plan))) == figures(expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaf_plans_and_values(daily=False))
def test_leaf_rollup_path_matches(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """When only leaves report, rolling up through the target depths only gives the same."""
    plan, values = data
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, from_values(values, plan))) == figures(expected)


class _Generic:
    """An Ibis connection the engine does not recognise as DuckDB (runs on one)."""

    def __init__(self) -> None:
        self._connection = ibis.duckdb.connect()

    def to_pyarrow(self, expr: object) -> object:
        """Run *expr* on the wrapped DuckDB connection, as Ibis would on any backend."""
        return self._connection.to_pyarrow(expr)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans_and_values())
def test_other_backends_get_the_same_query(data: tuple[AggregationPlan, list[DataValue]]) -> None:
    """The Ibis expression over in-memory tables (other backends) gives the cached SQL's rows."""
    plan, values = data
    table = from_values(values, plan)
    keys = [("ti", "ascending"), ("unit", "ascending"), ("indicator", "ascending")]
    duck = ENGINE.to_arrow(plan, table).sort_by(keys)
    generic = IbisEngine(_Generic()).to_arrow(plan, table).sort_by(keys)
    assert generic.to_pylist() == duck.to_pylist()


def test_repeated_runs_reuse_the_prepared_plan() -> None:
    """A second run of one plan gives the same rows from the cached tables and SQL."""
    plan = district_plan()
    table = from_values(daily(district()), plan)
    engine = IbisEngine()
    keys = [("ti", "ascending"), ("unit", "ascending"), ("indicator", "ascending")]
    first = engine.to_arrow(plan, table).sort_by(keys)
    assert engine.to_arrow(plan, table).sort_by(keys).equals(first)
    other = district_plan()
    again = engine.to_arrow(other, from_values(daily(district()), other))
    assert again.sort_by(keys).equals(first)


def test_uniqueness_is_checked_only_where_it_helps() -> None:
    """Day values under day targets are checked for duplicates; month targets are not."""
    tree = district()
    day = AggregationPlan(tuple(tree), (FLOW,), (Target("D", FEB[0]),))
    values = daily(tree)
    assert from_values(values, day).unique is True
    assert from_values([*values, values[0]], day).unique is False
    assert from_values(values, district_plan()).unique is None


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


FLOW = IndicatorPlan("n", IndicatorKind.FLOW, Aggregation.SUM, Aggregation.SUM)
WEEK = Period.interval(D(2020, 2, 1), D(2020, 2, 7))


def daily(tree: OrgTree) -> list[DataValue]:
    return [
        DataValue.reported("n", leaf.code, day, 10 * i + day.start.day)
        for i, leaf in enumerate(tree.leaves())
        for day in FEB[:7]
    ]


def district_plan() -> AggregationPlan:
    tree = district()
    return AggregationPlan(tuple(tree), (FLOW,), tuple(Target(u, WEEK) for u in tree.codes))


def test_to_arrow_gives_one_row_per_target_and_indicator() -> None:
    """The columnar result has every target, its figure and its coverage as columns."""
    plan = district_plan()
    table = ENGINE.to_arrow(plan, from_values(daily(district()), plan))
    rows = {r["unit"]: r for r in table.to_pylist()}
    assert len(rows) == 7
    assert rows[0]["value"] == sum(10 * i + d for i in range(4) for d in range(1, 8))
    assert (rows[0]["expected"], rows[0]["submitted"]) == (28, 28)


def test_expression_compiles_to_sql() -> None:
    """The plan's query is an Ibis expression that compiles to SQL for any backend."""
    plan = district_plan()
    sql = ibis.to_sql(ENGINE.expression(plan, from_values(daily(district()), plan)))
    assert "GROUP BY" in sql


def test_text_values_are_refused_in_columns() -> None:
    """A text value cannot be aggregated in columns: ModelError names it."""
    plan = district_plan()
    values = [DataValue.reported("n", "C11", FEB[0], "很多")]
    with pytest.raises(ModelError, match="text value '很多'"):
        from_values(values, plan)


def test_table_for_another_plan_is_refused() -> None:
    """A value table built for other indicators is refused, not misread."""
    plan = district_plan()
    other = AggregationPlan(
        plan.units, (IndicatorPlan("m", IndicatorKind.FLOW, Aggregation.SUM, Aggregation.SUM),), ()
    )
    with pytest.raises(ModelError, match="other units or indicators"):
        ENGINE.to_arrow(plan, from_values([], other))


def test_average_then_sum_is_delegated() -> None:
    """An average over time summed across units is computed by the reference engine."""
    avg = IndicatorPlan("n", IndicatorKind.STOCK, Aggregation.AVERAGE, Aggregation.SUM)
    assert delegated(avg)
    tree = district()
    plan = AggregationPlan(tuple(tree), (avg,), (Target("D", WEEK),))
    values = daily(tree)
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, from_values(values, plan))) == figures(expected)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_from_file_matches_values(tmp_path, suffix: str) -> None:
    """A long-form CSV or Parquet file loads to the same figures as the values themselves."""
    plan = district_plan()
    values = [
        *daily(district()),
        DataValue.zero_report("n", "C11", FEB[8]),
        DataValue.missing("n", "C12", FEB[1]),
        DataValue.reported("n", "S2", WEEK, Decimal("1.25")),
        DataValue.reported("n", "nowhere", WEEK, 5),
    ]
    table = pa.table(
        {
            "indicator": [v.indicator for v in values],
            "unit": [v.unit for v in values],
            "period": [str(v.period) for v in values],
            "value": [None if v.value is None else str(v.value) for v in values],
            "status": [v.status.value for v in values],
        }
    )
    path = tmp_path / f"values.{suffix}"
    if suffix == "csv":
        import pyarrow.csv

        pyarrow.csv.write_csv(table, path)
    else:
        import pyarrow.parquet

        pyarrow.parquet.write_table(table, path)
    loaded = from_file(path, plan)
    assert loaded.internal is True
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, loaded)) == figures(expected)


def test_from_store_reads_the_sqlite_store(tmp_path) -> None:
    """Values stored in the SQLite store load in batches to the same figures."""
    store_module = pytest.importorskip("epireport.store._sqlite")
    plan = district_plan()
    values = [*daily(district()), DataValue.reported("n", "S1", FEB[9], Decimal("2.5"))]
    path = tmp_path / "store.sqlite"
    db = sqlite3.connect(path)
    db.executescript(store_module._SCHEMA)
    for i, unit in enumerate(plan.units, 1):
        db.execute("INSERT INTO units (id, code, name) VALUES (?, ?, ?)", (i, unit.code, "x"))
    db.execute("INSERT INTO indicators (id, code) VALUES (1, 'n')")
    ids = {u.code: i for i, u in enumerate(plan.units, 1)}
    for v in values:
        status, kind, text, *_ = store_module._encode(v)
        db.execute(
            "INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, status, "
            "kind, value_text, submitted_by, comment, ingested_at, source_row) "
            "VALUES (1, ?, ?, 0, 0, ?, ?, ?, '', '', '', '')",
            (ids[v.unit], str(v.period), status, kind, text),
        )
    db.commit()
    db.close()
    loaded = from_store(path, plan)
    assert len(loaded) == len(values)
    expected = PythonEngine(collect_sources=False).execute(plan, values)
    assert figures(ENGINE.execute(plan, loaded)) == figures(expected)


class TestChooseEngine:
    def test_small_values_in_memory_use_python(self) -> None:
        """Report-sized values in memory go to the Python engine."""
        assert choose_engine([], 10).name == "python"

    def test_large_values_use_ibis(self) -> None:
        """Values beyond the Python limit go to Ibis when it is installed."""
        assert choose_engine([], PYTHON_LIMIT).name == "ibis"

    def test_files_use_ibis(self, tmp_path) -> None:
        """A file source goes to Ibis whatever its size."""
        assert choose_engine(tmp_path / "values.parquet").name == "ibis"

    def test_forced_by_parameter_and_environment(self, monkeypatch) -> None:
        """The engine parameter wins over the environment, which wins over the size."""
        monkeypatch.setenv(ENGINE_ENV, "ibis")
        assert choose_engine([], 10).name == "ibis"
        assert choose_engine([], 10, engine="python").name == "python"
        monkeypatch.setenv(ENGINE_ENV, "spark")
        with pytest.raises(ModelError, match="EPIREPORT_ENGINE"):
            choose_engine([], 10)

    def test_run_plan_gives_the_same_figures_either_way(self) -> None:
        """run_plan computes the same aggregates whichever engine it is told to use."""
        plan = district_plan()
        values = daily(district())
        python = run_plan(plan, values, engine="python")
        columnar = run_plan(plan, values, engine="ibis")
        assert figures(python) == figures(columnar)
