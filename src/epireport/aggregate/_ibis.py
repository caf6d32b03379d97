"""The columnar aggregation engine: the same :class:`AggregationPlan`, executed by Ibis.

Ibis compiles the plan to one query that runs in-process on DuckDB by default and on any
backend Ibis supports (PostgreSQL, PySpark, Trino, ClickHouse ...) when given a connection.
The semantics are those of :mod:`epireport.aggregate._plan`, and the Hypothesis tests hold this
engine to the figures, statuses and coverages of the pure-Python reference engine.

How the plan becomes a query
----------------------------
* Everything about *periods* is decided in Python, once per distinct period (there are few):
  which targets a value period lies inside, how many report slots it fills, whether it is the
  target period itself, whether it is a stock's look-back, and its rank in time. The query
  joins the values to that small *placement* table on the integer period id.
* One group-by gives each (target period, indicator, unit) its *state*: the figure combined
  over time, the slots submitted, the zero-reports, and a bit mask of the statuses seen. When
  the value table is known to hold at most one value per (unit, indicator, period) and no target
  period holds more than one value period, every state is a single value: the group-by is
  skipped and each value row is its own state.
* The tree is rolled up **level by level**, deepest first: a unit's row is its own state when it
  reports the indicator itself (its children's rows are dropped by an anti-join: no double
  counting), else the combination of its children's rows. Each level is one small group-by, so
  the work is one pass over the states, not one per ancestor. When only leaves report (known
  at load: :attr:`ValueTable.internal` is ``False``) nobody's own value can hide a subtree, so
  only the depths that hold targets are computed, each straight from the one below it through
  a unit → ancestor mapping built once per plan (daily completeness per district groups the
  leaves' values by district directly, not through every street).
* Expected slots are the leaves' slots (computed in Python, per target) corrected, for each
  self-reporting unit that stands for its subtree, by its own slots minus its leaves'.

On DuckDB the query's SQL is compiled once per plan *shape* (the operators, levels and flags it
depends on; not the units or periods, which are tables) and cached, the per-plan tables are
built once per plan object, and the Arrow tables are registered with DuckDB without copying,
so that a repeated run costs the query alone. Other backends get the Ibis expression over
in-memory tables.

Exact numbers: sums, minima, maxima and last values stay integers or decimals in the database;
averages and the rates computed from them are divided in Python, with :class:`~decimal.Decimal`,
exactly as the reference engine does. The one combination whose intermediate figure is such a
quotient (an average over time then summed, minimised, maximised or taken last across units) is
delegated to the Python engine, indicator by indicator. Provenance (``sources``) is not
collected: columnar runs are for figures at scale; report-sized data goes through the Python
engine, which keeps it.
"""

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from epireport.aggregate._columns import ValueTable, from_values
from epireport.aggregate._engine import PythonEngine
from epireport.aggregate._layout import Layout
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan
from epireport.aggregate._results import (
    Aggregate,
    AggregateSet,
    AggregateStatus,
    Coverage,
    derive,
)
from epireport.exceptions import ModelError
from epireport.model._indicators import Aggregation
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus

__all__ = ["RESULT_COLUMNS", "STATUSES", "IbisEngine", "delegated"]

#: The columns of :meth:`IbisEngine.to_arrow`: ids as in the :class:`ValueTable`, ``ti`` the
#: position of the target period among the plan's distinct target periods, ``status`` the
#: position in :data:`STATUSES`, the figure ``value / divisor`` (``divisor`` is null except for
#: averages) and the coverage counts.
RESULT_COLUMNS = (
    "ti",
    "unit",
    "indicator",
    "status",
    "value",
    "divisor",
    "contributors",
    "expected",
    "submitted",
    "zero_reports",
)

#: Result status codes, in the order of the ``status`` column's integers.
STATUSES = (
    AggregateStatus.VALUE,
    AggregateStatus.MISSING,
    AggregateStatus.NO_DATA,
    AggregateStatus.NOT_APPLICABLE,
    AggregateStatus.UNDEFINED,
)
_VALUE, _MISSING, _NO_DATA, _NOT_APPLICABLE, _UNDEFINED = range(5)
_ROW_BITS = 40
# Bits of the ``flags`` column: one per value status seen (1 << status code).
_SUBMITTED_BITS, _NA_BIT, _MISSING_BIT = 3, 4, 8
# The tables a query reads, registered under these names on DuckDB.
_PREFIX = "epireport_"
# Compiled SQL per query shape (a shape is a small tuple): plans of one shape share it.
_SQL_CACHE: "OrderedDict[tuple[Any, ...], tuple[str, Any]]" = OrderedDict()
_SQL_CACHE_SIZE = 64
# The registered tables have fixed names (the cached SQL reads them): one DuckDB execution at a
# time registers them, and the SQL cache is read and written under the same lock.
_REGISTER_LOCK = threading.Lock()
# Per-plan tables kept per engine: a plan of 100,000 units costs ~0.2 s to prepare.
_TREE_CACHE_SIZE = 2
# DuckDB macros that cast for real (Ibis drops casts to the type it already infers).
_MACROS = {
    "int64": ("epireport_bigint", "BIGINT"),
    "int8": ("epireport_tinyint", "TINYINT"),
}
# Placement columns looked up in constant lists (instead of joined) for at most this many periods.
_LOOKUP_MAX = 2000
_LOOKUP_TYPES = {
    "ti": "int32",
    "filled": "int64",
    "inside": "boolean",
    "exact": "boolean",
    "tkey": "int64",
}
# Rows per Arrow batch when streaming a result out of DuckDB.
_BATCH_ROWS = 1 << 17


def _ibis() -> Any:
    try:
        import ibis
    except ImportError:
        raise ModelError(
            "the Ibis engine needs ibis-framework: pip install 'epireport[scale]'"
        ) from None
    return ibis


def delegated(plan: IndicatorPlan) -> bool:
    """Whether the Ibis engine hands *plan* to the Python engine (see the module docstring)."""
    return plan.time is Aggregation.AVERAGE and plan.unit in (
        Aggregation.SUM,
        Aggregation.MIN,
        Aggregation.MAX,
        Aggregation.LAST,
    )


class _Tree:
    """The plan's side of every execution, computed once per plan: units, targets, levels."""

    def __init__(self, plan: AggregationPlan) -> None:
        self.plan = plan
        # Indexes, target periods and expected slots: the Python engine's, from one place.
        layout = self.layout = Layout(plan)
        self.n = layout.n
        self.codes = layout.codes
        self.parent, self.depth, self.leaf = layout.parent, layout.depth, layout.is_leaf
        self.leaves_under = layout.leaves_under
        self.dated = layout.dated
        self.base = list(layout.base)
        self.indicator_codes = layout.indicator_codes
        self.periods = layout.periods
        self.slots = layout.slots
        self.targets = list(layout.target_keys)
        depth = self.depth
        self.max_depth = max(depth, default=0)
        self.top = min((depth[u] for _, u in self.targets), default=0)
        self._levels()
        self._arrow: dict[str, Any] = {}

    def _levels(self) -> None:
        """The depths computed when only leaves report, and each unit's way up through them.

        ``levels`` are the target depths, deepest first. ``near[u]`` is the nearest unit at one
        of these depths among *u* and its ancestors (the level *u*'s own rows enter, -1 above
        them all), ``up[u]`` for a unit at a level depth the nearest such strict ancestor.
        """
        depth, parent = self.depth, self.parent
        self.levels = sorted({depth[u] for _, u in self.targets}, reverse=True)
        position = {d: k for k, d in enumerate(self.levels)}
        near = [-1] * self.n
        for u in range(self.n):
            if depth[u] in position:
                near[u] = u
            elif parent[u] >= 0:
                near[u] = near[parent[u]]
        self.near = near
        self.up = [near[p] if p >= 0 and depth[u] in position else -1 for u, p in enumerate(parent)]
        self.entry = [position[depth[a]] if a >= 0 else -1 for a in near]
        entering = [u for u in range(self.n) if self.leaf[u] and near[u] >= 0]
        #: The levels some leaf's own rows enter, and whether any enters one it is not at.
        self.entered = sorted({self.entry[u] for u in entering})
        self.lifted = any(near[u] != u for u in entering)
        #: Whether the deepest level gets rows of leaves below it (else it needs no group-by).
        self.grouped0 = any(near[u] != u for u in entering if self.entry[u] == 0)

    def expected(self, ti: int, u: int) -> int:
        """The slots expected of target unit *u* over target period *ti* when nothing came."""
        return self.layout.leaf_slots(ti, u)

    def arrow(self, pa: Any) -> dict[str, Any]:
        """The per-plan Arrow tables: targets, units and the level mapping (built once)."""
        if self._arrow:
            return self._arrow
        int32, int64 = pa.int32(), pa.int64()
        targets = self.targets
        leaf_slots = [self.layout.leaf_slots(ti, u) for ti, u in targets]
        mapped = [u for u in range(self.n) if self.near[u] >= 0]
        self._arrow = {
            "targets": pa.table(
                {
                    "ti": pa.array([ti for ti, _ in targets], int32),
                    "unit": pa.array([u for _, u in targets], int32),
                    "leaf_slots": pa.array(leaf_slots, int64),
                }
            ),
            "units": pa.table(
                {
                    "unit": pa.array(range(self.n), int32),
                    "parent": pa.array(self.parent, int32),
                    "depth": pa.array(self.depth, int32),
                }
            ),
            "levels": pa.table(
                {
                    "unit": pa.array(mapped, int32),
                    "k": pa.array([self.entry[u] for u in mapped], int32),
                    "anc": pa.array([self.near[u] for u in mapped], int32),
                    "up": pa.array([self.up[u] for u in mapped], int32),
                }
            ),
        }
        return self._arrow


class _Prepared:
    """The tables of one execution: the plan's (cached :class:`_Tree`) and the values'."""

    def __init__(self, tree: _Tree, values: ValueTable) -> None:
        self.tree = tree
        self.plan = tree.plan
        self.n = tree.n
        self.base = tree.base
        self.columnar = [i for i, p in enumerate(tree.base) if not delegated(p)]
        self.periods = tree.periods
        self.slots = tree.slots
        self.targets = tree.targets
        self.dated = tree.dated
        self.values = values

    def expected(self, ti: int, u: int) -> int:
        """The slots expected of target unit *u* over target period *ti* when nothing came."""
        return self.tree.expected(ti, u)

    def tables(self, pa: Any) -> dict[str, Any]:
        """Build the Arrow tables the query joins: placement, deltas, fills and the tree's."""
        tree = self.tree
        layout = tree.layout
        ranks = {
            key: r for r, key in enumerate(sorted({(p.end, p.start) for p in self.values.periods}))
        }
        place: dict[str, list[Any]] = {
            k: [] for k in ("period", "ti", "filled", "inside", "exact", "tkey")
        }
        fills: dict[str, list[int]] = {k: [] for k in ("unit", "period", "ti", "filled")}
        for pi, p in enumerate(self.values.periods):
            for ti, filled, inside in layout.place(p):
                if inside:
                    for u in self.dated:
                        fills["unit"].append(u)
                        fills["period"].append(pi)
                        fills["ti"].append(ti)
                        fills["filled"].append(layout.dated_fill(u, ti, p))
                place["period"].append(pi)
                place["ti"].append(ti)
                place["filled"].append(filled)
                place["inside"].append(inside)
                place["exact"].append(p == self.periods[ti])
                place["tkey"].append(ranks[p.end, p.start])
        self.outside = not all(place["inside"])
        self.place = place
        #: Every placed value fills exactly one slot: slots submitted count values.
        self.uniform = not self.dated and all(
            f == 1 for f, inside in zip(place["filled"], place["inside"], strict=True) if inside
        )
        #: Some value is not applicable: statuses must be told apart beyond submitted/missing.
        self.has_na = bool(pa.compute.any(pa.compute.equal(self.values.table["status"], 2)).as_py())
        per_target = [0] * len(self.periods)
        for ti in place["ti"]:
            per_target[ti] += 1
        #: Each (unit, indicator, target) has at most one value: the values are the states.
        self.single = self.values.unique is True and max(per_target, default=0) <= 1
        deltas: dict[str, list[int]] = {k: [] for k in ("ti", "unit", "delta")}
        # Only a unit with children that reports itself needs its delta: skip when none does.
        for ti in range(len(self.periods) if self.values.internal is not False else 0):
            slots = layout.all_leaf_slots(ti)
            for u in range(self.n):
                if not tree.leaf[u]:
                    own = layout.open_slots(ti, u)
                    deltas["ti"].append(ti)
                    deltas["unit"].append(u)
                    deltas["delta"].append(own - slots[u])
        int32, int64 = pa.int32(), pa.int64()
        return {
            "values": self.values.table,
            "placement": pa.table(
                {
                    "period": pa.array(place["period"], int32),
                    "ti": pa.array(place["ti"], int32),
                    "filled": pa.array(place["filled"], int64),
                    "inside": pa.array(place["inside"], pa.bool_()),
                    "exact": pa.array(place["exact"], pa.bool_()),
                    "tkey": pa.array(place["tkey"], int64),
                }
            ),
            "deltas": pa.table(
                {
                    "ti": pa.array(deltas["ti"], int32),
                    "unit": pa.array(deltas["unit"], int32),
                    "delta": pa.array(deltas["delta"], int64),
                }
            ),
            "fills": pa.table(
                {k: pa.array(v, int32 if k != "filled" else int64) for k, v in fills.items()}
            ),
            **tree.arrow(pa),
        }


def _is_duckdb(connection: Any) -> bool:
    return getattr(connection, "name", None) == "duckdb" and hasattr(connection, "con")


class IbisEngine:
    """Execute an :class:`AggregationPlan` with Ibis, on DuckDB or a given Ibis connection.

    *connection* is any Ibis backend connection (``ibis.duckdb.connect()``, ``ibis.pyspark.
    connect(session)``, ``ibis.postgres.connect(...)``); by default an in-memory DuckDB is
    opened on first use. The values are a :class:`ValueTable` built for the plan (or data
    values, turned into one). The engine keeps the tables of the last plans it ran (by
    identity: plans are immutable), so that running one plan again skips preparing them.

    On a DuckDB connection the engine registers its Arrow tables for the time of a query under
    names starting with ``epireport_`` and defines two cast macros of that prefix; results
    come back as an Arrow table streamed batch by batch.
    """

    def __init__(self, connection: Any = None) -> None:
        self._connection = connection
        self._trees: OrderedDict[int, _Tree] = OrderedDict()

    @property
    def connection(self) -> Any:
        """The Ibis connection queries run on (an in-memory DuckDB unless one was given)."""
        if self._connection is None:
            connection = _ibis().duckdb.connect()
            # Results are keyed rows: their order does not matter, and keeping it costs memory.
            connection.raw_sql("SET preserve_insertion_order = false")
            # Hand freed memory back to the system between queries, not at the next one.
            import duckdb

            with contextlib.suppress(duckdb.Error):  # a setting of DuckDB 1.1 and later
                connection.raw_sql("SET allocator_background_threads = true")
            self._connection = connection
        return self._connection

    def _prepare(self, plan: AggregationPlan, values: ValueTable) -> _Prepared:
        tree = self._trees.get(id(plan))
        if tree is None or tree.plan is not plan:
            tree = _Tree(plan)
            self._trees[id(plan)] = tree
            while len(self._trees) > _TREE_CACHE_SIZE:
                self._trees.popitem(last=False)
        else:
            self._trees.move_to_end(id(plan))
        if values.units != tree.codes or values.indicators != tree.indicator_codes:
            raise ModelError(
                "IbisEngine: the value table was built for other units or indicators than the "
                "plan's; build it with the plan (from_values, from_file, from_store)"
            )
        return _Prepared(tree, values)

    def execute(
        self, plan: AggregationPlan, values: ValueTable | Iterable[DataValue]
    ) -> AggregateSet:
        """Compute every planned aggregate; the same figures as the Python engine, no sources.

        Data values of disaggregated indicators have their category axis resolved first (see
        :mod:`epireport.aggregate._categories`); a value table carries no options, so its
        values are the indicators' totals.
        """
        if isinstance(values, ValueTable):
            table = values
            given: list[DataValue] | None = None
        else:
            given = list(values)
            table = from_values(given, plan)  # resolves the category axis
        prepared = self._prepare(plan, table)
        arrow = self._arrow(prepared)
        found: dict[tuple[int, int, int], Aggregate] = {}
        units = plan.units
        base = prepared.base
        columns = arrow.to_pydict()
        for ti, u, ii, status, value, divisor, con, exp, sub, zero in zip(
            *(columns[c] for c in RESULT_COLUMNS), strict=True
        ):
            found[ti, u, ii] = _aggregate(
                base[ii], units[u].code, prepared.periods[ti], status, value, divisor, con,
                exp, sub, zero,
            )  # fmt: skip
        python = self._delegate(prepared, given)
        period_index = {p: i for i, p in enumerate(prepared.periods)}
        unit_index = {u.code: i for i, u in enumerate(units)}
        base_index = {p.code: i for i, p in enumerate(base)}
        results: dict[tuple[str, str, Period], Aggregate] = {}
        for target in plan.targets:
            ti, u = period_index[target.period], unit_index[target.unit]
            row: dict[str, Aggregate] = {}
            for indicator in plan.indicators:
                key = (indicator.code, target.unit, target.period)
                if indicator.is_computed:
                    agg = derive(
                        indicator, row[indicator.numerator or ""], row[indicator.denominator or ""]
                    )
                elif python is not None and key in python:
                    agg = python[key]
                else:
                    agg = found.get((ti, u, base_index[indicator.code])) or _empty(
                        indicator, target.unit, target.period, prepared.expected(ti, u)
                    )
                row[indicator.code] = results[key] = agg
        return AggregateSet(results)

    def to_arrow(self, plan: AggregationPlan, values: ValueTable) -> Any:
        """Compute the plan's columnar base indicators as an Arrow table of :data:`RESULT_COLUMNS`.

        One row per target and base indicator with at least one value (of any status) under the
        target; a target without any has no row (its figure is missing, or no data when no
        report was expected). Rates and delegated indicators (see :func:`delegated`) are left
        out: these are the figures at scale, without building Python objects.
        """
        return self._arrow(self._prepare(plan, values))

    def expression(self, plan: AggregationPlan, values: ValueTable) -> Any:
        """The Ibis expression :meth:`to_arrow` executes (to inspect, or to compile to SQL)."""
        prepared = self._prepare(plan, values)
        # Portable: no DuckDB builtins or macros, which exist only while a run registers them.
        query = _Query(prepared, duck=False)
        return query.result(query.memtables())

    def _arrow(self, prepared: _Prepared) -> Any:
        connection = self.connection
        duck = _is_duckdb(connection)
        query = _Query(prepared, duck)
        if not duck:
            return connection.to_pyarrow(query.result(query.memtables()))
        con = connection.con
        with _REGISTER_LOCK:
            cached = _SQL_CACHE.get(query.shape)
            if cached is None:
                expr = query.result(query.placeholders())
                cached = (_ibis().to_sql(expr, dialect="duckdb"), expr.schema().to_pyarrow())
                _SQL_CACHE[query.shape] = cached
                while len(_SQL_CACHE) > _SQL_CACHE_SIZE:
                    _SQL_CACHE.popitem(last=False)
            else:
                _SQL_CACHE.move_to_end(query.shape)
            sql, schema = cached
            names = []
            try:
                for macro, sql_type in _MACROS.values():
                    con.execute(f"CREATE OR REPLACE TEMP MACRO {macro}(x) AS CAST(x AS {sql_type})")
                for name, table in query.tables.items():
                    con.register(_PREFIX + name, table)
                    names.append(_PREFIX + name)
                out = _fetch(con.sql(sql))
            finally:
                for name in names:
                    con.unregister(name)
        return out if out.schema == schema else out.cast(schema)

    def _delegate(self, prepared: _Prepared, given: list[DataValue] | None) -> AggregateSet | None:
        plans = [p for p in prepared.base if delegated(p)]
        if not plans:
            return None
        plan = prepared.plan
        codes = {p.code for p in plans}
        values = given if given is not None else _to_values(prepared.values, codes)
        sub = AggregationPlan(
            plan.units,
            plans,
            plan.targets,
            plan.frequency,
            plan.week_start,
            plan.stock_lookback_days,
        )
        return PythonEngine(collect_sources=False).execute(
            sub, (v for v in values if v.indicator in codes)
        )


_STATUS_OF = {0: ValueStatus.REPORTED, 1: ValueStatus.ZERO_REPORT, 2: ValueStatus.NOT_APPLICABLE}


def _to_values(table: ValueTable, codes: set[str]) -> list[DataValue]:
    """Turn the rows of the indicators *codes* back into data values (for delegation)."""
    wanted = {i for i, code in enumerate(table.indicators) if code in codes}
    columns = table.table.select(["unit", "indicator", "period", "status", "value"]).to_pydict()
    out: list[DataValue] = []
    for u, ii, pi, status, value in zip(*columns.values(), strict=True):
        if ii in wanted:
            out.append(
                DataValue(
                    table.indicators[ii],
                    table.units[u],
                    table.periods[pi],
                    _STATUS_OF.get(status, ValueStatus.MISSING),
                    value,
                )
            )
    return out


def _empty(plan: IndicatorPlan, unit: str, period: Period, expected: int) -> Aggregate:
    """The aggregate of a target with no value at all under it."""
    if expected:
        status, reason = AggregateStatus.MISSING, "no value was submitted"
    else:
        status, reason = AggregateStatus.NO_DATA, "no value was expected or submitted"
    return Aggregate(plan.code, unit, period, status, coverage=Coverage(expected), reason=reason)


def _aggregate(
    plan: IndicatorPlan,
    unit: str,
    period: Period,
    status: int,
    value: Any,
    divisor: int | None,
    contributors: int,
    expected: int,
    submitted: int,
    zero: int,
) -> Aggregate:
    """Build one :class:`Aggregate` from a result row, with the reference engine's reasons."""
    if submitted > expected:
        return Aggregate(
            plan.code,
            unit,
            period,
            AggregateStatus.UNDEFINED,
            coverage=Coverage(expected, expected, min(zero, expected)),
            reason=f"{submitted} reports fill only {expected} report slots: values overlap",
        )
    coverage = Coverage(expected, submitted, zero)
    state = STATUSES[status]
    if state is AggregateStatus.VALUE:
        if divisor is not None:
            value = Decimal(value) / Decimal(divisor)
        return Aggregate(plan.code, unit, period, state, value, coverage)
    if state is AggregateStatus.UNDEFINED:
        reason = (
            f"{contributors} units have values and the indicator is not aggregated across units"
            if plan.unit is Aggregation.NONE and contributors > 1
            else f"a unit has several values within {period} and the indicator is not "
            "aggregated over time"
        )
    elif state is AggregateStatus.NOT_APPLICABLE:
        reason = "every value is not applicable"
    elif state is AggregateStatus.MISSING:
        reason = "no value was submitted"
    else:
        reason = "no value was expected or submitted"
    return Aggregate(plan.code, unit, period, state, coverage=coverage, reason=reason)


def _ids(plans: Sequence[IndicatorPlan], which: str, *ops: Aggregation) -> list[int]:
    return [i for i, p in enumerate(plans) if getattr(p, which) in ops and not delegated(p)]


_OPS = (
    Aggregation.SUM,
    Aggregation.AVERAGE,
    Aggregation.MIN,
    Aggregation.MAX,
    Aggregation.LAST,
    Aggregation.COUNT,
    Aggregation.NONE,
)


class _Query:
    """Build the Ibis expression of one execution (see the module docstring).

    Every decision the expression depends on besides its tables is taken here, from the plan
    and the tables' shapes, and summed up in :attr:`shape`: two executions with one shape
    compile to the same SQL over differently filled tables.
    """

    def __init__(self, prepared: _Prepared, duck: bool) -> None:
        self.ibis = ibis = _ibis()
        self.p = prepared
        self.duck = duck
        self.tables: dict[str, Any] = prepared.tables(_arrow_module())
        values = prepared.values.table
        self.has_row = "row" in values.column_names
        self.vtype = ibis.Schema.from_pyarrow(values.schema)["value"]
        base = prepared.base
        columnar = prepared.columnar
        self.filter_ids = tuple(columnar) if len(columnar) < len(base) else None
        self.time = {op: _ids(base, "time", op) for op in _OPS}
        self.unit = {op: _ids(base, "unit", op) for op in _OPS}
        time, unit = self.time, self.unit
        self.internal = prepared.values.internal is not False
        self.dated = bool(prepared.dated)
        self.outside = prepared.outside
        self.single = prepared.single
        self.fallback = bool(self.outside and time[Aggregation.LAST])
        self.needs_nv = bool(
            time[Aggregation.AVERAGE] or time[Aggregation.COUNT] or time[Aggregation.NONE]
        )
        self.needs_cnt = bool(
            unit[Aggregation.AVERAGE]
            or set(unit[Aggregation.NONE]) & set(time[Aggregation.AVERAGE])
        )
        self.needs_lkey = bool(unit[Aggregation.LAST])
        self.needs_undef = bool(time[Aggregation.NONE])
        self.uniform = prepared.uniform
        self.flags = prepared.has_na or self.outside
        # Without flags, "has a submitted value" is read from the count of values.
        self.needs_nv = self.needs_nv or not self.flags
        #: Each own row's slots submitted equal its contributions: ``sub`` is ``con``.
        self.sub_is_con = bool(
            self.single and self.uniform and not self.needs_undef and not self.fallback
        )
        #: The time operators whose figure is the value itself when a state is one value.
        self.values_ops = (
            tuple(
                op
                for op in (
                    Aggregation.SUM,
                    Aggregation.AVERAGE,
                    Aggregation.MIN,
                    Aggregation.MAX,
                    Aggregation.LAST,
                )
                if time[op]
            )
            if self.single
            else ()
        )
        self.lookup = self._lookup(len(prepared.values.periods))
        #: Group the leaves' values by period and name their target period after the first
        #: group-by: each target holds one period at most, so the groups are the same.
        self.defer_ti = bool(
            self.single
            and not self.internal
            and not self.dated
            and self.lookup is not None
            and len(self.lookup) == 1
        )
        tree = prepared.tree
        self.depth = tree.max_depth
        # Levels above the shallowest target are never read: stop there.
        self.top = tree.top
        self.columns = [
            "ti",
            "indicator",
            "unit",
            *(["selfrep"] if self.internal else []),
            "con",
            *(["undef"] if self.needs_undef else []),
            "acc",
            *(["cnt"] if self.needs_cnt else []),
            *(["lkey"] if self.needs_lkey else []),
            *([] if self.sub_is_con else ["sub"]),
            "zero",
            *(["flags"] if self.flags else []),
            *(["delta"] if self.internal else []),
        ]
        if self.internal:
            layout: tuple[Any, ...] = (self.depth, self.top)
        else:
            layout = (len(tree.levels), tuple(tree.entered), tree.lifted, tree.grouped0)
        self.shape = (
            duck,
            tuple((field.name, str(field.type)) for field in values.schema),
            self.has_row,
            self.internal,
            self.dated,
            self.outside,
            self.single,
            self.uniform,
            self.flags,
            self.sub_is_con,
            self.filter_ids,
            len(columnar),
            tuple(tuple(time[op]) for op in _OPS),
            tuple(tuple(unit[op]) for op in _OPS),
            prepared.n if self.needs_lkey else 0,
            layout,
            self.lookup,
            self.defer_ti,
        )

    def _lookup(self, periods: int) -> tuple[tuple[str, tuple[Any, ...]], ...] | None:
        """The placement as constant lists by period id, when each period is placed once.

        Only the columns the query reads; ``None`` (join the placement table instead) when a
        period lies in several targets or the lists would make the SQL long.
        """
        place = self.p.place
        if len(set(place["period"])) < len(place["period"]) or periods > _LOOKUP_MAX:
            return None
        time = self.time
        wanted = ["ti"]
        if not self.uniform:
            wanted.append("filled")
        if self.outside:
            wanted.append("inside")
        if time[Aggregation.NONE]:
            wanted.append("exact")
        if time[Aggregation.LAST] and (not self.single or self.needs_lkey or self.fallback):
            # The time order of a unit's values; one value per state needs none.
            wanted.append("tkey")
        out = []
        for name in wanted:
            column: list[Any] = [None] * periods
            for pi, item in zip(place["period"], place[name], strict=True):
                column[pi] = item
            out.append((name, tuple(column)))
        return tuple(out)

    def memtables(self) -> dict[str, Any]:
        """The query's tables as Ibis in-memory tables (any backend)."""
        return {name: self.ibis.memtable(table) for name, table in self.tables.items()}

    def placeholders(self) -> dict[str, Any]:
        """The query's tables as named, unbound Ibis tables (compiled once, registered later)."""
        ibis = self.ibis
        return {
            name: ibis.table(ibis.Schema.from_pyarrow(table.schema), name=_PREFIX + name)
            for name, table in self.tables.items()
        }

    def _in(self, column: Any, ids: list[int]) -> Any:
        ibis = self.ibis
        if not ids:
            return ibis.literal(False)
        if len(ids) == len(self.p.columnar):
            return ibis.literal(True)
        return column.isin(ids)

    def _pick(self, cases: list[tuple[Any, Any]]) -> Any:
        """``CASE`` over *cases*, simplified when one condition is always true."""
        ibis = self.ibis
        null = ibis.null(self.vtype)
        kept: list[tuple[Any, Any]] = []
        for condition, value in cases:
            literal = _literal(condition)
            if literal is False:
                continue
            if literal is True:
                return ibis.cases(*kept, else_=value) if kept else value
            kept.append((condition, value))
        return ibis.cases(*kept, else_=null) if kept else null

    def _as(self, expr: Any, dtype: Any) -> Any:
        """*expr* cast to *dtype*, also where Ibis would drop the cast as a no-op.

        Ibis types a sum of integers as int64 and a ``CASE`` of small literals as int8, but
        DuckDB makes them HUGEINT and INTEGER: wide columns through every level, and Arrow
        decimals at the end. On DuckDB the cast goes through a macro Ibis cannot see through.
        """
        ibis = self.ibis
        dtype = ibis.dtype(dtype)
        macro = _MACROS.get(str(dtype)) if self.duck else None
        if expr.type() != dtype or macro is None:
            return expr.cast(dtype)
        udf = ibis.udf.scalar.builtin(_identity, name=macro[0], signature=((dtype,), dtype))
        return udf(expr)

    def _argmax(self, value: Any, key: Any, where: Any = None) -> Any:
        """The value at the greatest key: DuckDB's ``arg_max`` (Ibis's sorts), else Ibis's."""
        if not self.duck:
            return value.argmax(key, where=where)
        udf = self.ibis.udf.agg.builtin(
            _arg_max, name="arg_max", signature=((self.vtype, "int64"), self.vtype)
        )
        return udf(value, key, where=where)

    def states(self, t: dict[str, Any]) -> Any:
        """One row per (target period, indicator, unit) with values: the time aggregation.

        Columns: ``sub`` and ``zero`` (slots submitted, zero-reported), ``flags`` (the statuses
        seen, when they must be told apart), ``nv`` (values submitted, when needed and not equal
        to ``sub``), and per time operator the figure (``s_x`` for all of them when each state
        is one value).
        """
        ibis = self.ibis
        v = t["values"]
        if self.filter_ids is not None:
            v = v.filter(v.indicator.isin(self.filter_ids))
        if self.lookup is None:
            j = v.join(t["placement"], "period")
        elif self.defer_ti:
            # ``ti`` holds the period until :meth:`_real_ti` (after the first group-by).
            placed = [pi for pi, ti in enumerate(self.lookup[0][1]) if ti is not None]
            if len(placed) < len(self.lookup[0][1]):
                v = v.filter(v.period.isin(placed))
            j = v.mutate(ti=v.period)
        else:
            # Each period is placed once at most: look its placement up in constant lists
            # (cheaper than a join of every value).
            j = v.mutate(
                **{
                    name: ibis.literal(list(column), type=f"array<{_LOOKUP_TYPES[name]}>")[v.period]
                    for name, column in self.lookup
                }
            )
            if None in self.lookup[0][1]:
                j = j.filter(j.ti.notnull())
        filled = j.filled if "filled" in j.columns else ibis.literal(1, "int64")
        if self.dated:
            fills = t["fills"].rename(dated_filled="filled")
            j = _tidy(j.left_join(fills, ["unit", "period", "ti"]))
            filled = j.dated_filled.coalesce(j.filled)
        status = j.status
        null = ibis.null(self.vtype)
        x = ibis.cases(
            (status == 0, j.value), (status == 1, ibis.literal(0).cast(self.vtype)), else_=null
        )
        submitted = status <= 1
        # Without a stock's look-back every placed value is inside its target.
        inside = j.inside if self.outside else None

        def within(condition: Any) -> Any:
            return condition if inside is None else inside & condition

        def only(condition: Any, ops: tuple[Aggregation, ...]) -> Any:
            ids = [i for op in ops for i in time[op]]
            which = self._in(j.indicator, ids)
            return condition if _literal(which) is True else condition & which

        flag = ibis.literal(1, "int32") << status.cast("int32")
        time = self.time
        taken = within(submitted)
        zeroed = within(status == 1)
        if self.single:
            # One value per state: the value row is the state, no group-by.
            row: dict[str, Any] = {}
            # Per-value counts are small: 32-bit sums are cheaper than 64-bit ones, and when a
            # value fills one slot they are flags (counted by the first group-by).
            if self.uniform:
                row["sub"] = taken
                row["zero"] = zeroed
            else:
                row["sub"] = ibis.ifelse(taken, filled, 0).cast("int32")
                row["zero"] = ibis.ifelse(zeroed, filled, 0).cast("int32")
                if self.needs_nv:
                    row["nv"] = taken.cast("int32")
            if self.flags:
                row["flags"] = flag if inside is None else ibis.ifelse(inside, flag, 0)
            if self.values_ops:
                row["s_x"] = x if inside is None else ibis.ifelse(inside, x, null)
            if time[Aggregation.LAST]:
                if self.needs_lkey:
                    row["s_lkey"] = ibis.ifelse(taken, j.tkey, ibis.null("int64"))
                if self.fallback:
                    outside = ~j.inside & submitted
                    row["fb"] = ibis.ifelse(outside, x, null)
                    row["fb_key"] = ibis.ifelse(outside, j.tkey, ibis.null("int64"))
            if time[Aggregation.NONE]:
                exact = taken & j.exact
                row["n_exact"] = exact.cast("int64")
                row["s_exact"] = ibis.ifelse(exact, x, null)
            return j.select("ti", "indicator", "unit", **row)
        key = None
        if time[Aggregation.LAST]:
            key = j.tkey
            if self.has_row:
                key = j.tkey * (2**_ROW_BITS) + (2**_ROW_BITS - 1 - j.row)
        aggs: dict[str, Any] = {}
        if self.uniform:
            # Counting is cheaper than summing ones.
            aggs["sub"] = status.count(where=taken)
            aggs["zero"] = status.count(where=zeroed)
        else:
            aggs["sub"] = self._as(filled.sum(where=taken), "int64")
            aggs["zero"] = self._as(filled.sum(where=zeroed), "int64")
            if self.needs_nv:
                aggs["nv"] = status.count(where=taken)
        if self.flags:
            aggs["flags"] = flag.bit_or(where=inside)
        # Each figure only over its own indicators' rows (every group gets every column).
        if time[Aggregation.SUM] or time[Aggregation.AVERAGE]:
            sums = (Aggregation.SUM, Aggregation.AVERAGE)
            aggs["s_sum"] = self._as(x.sum(where=only(within(submitted), sums)), self.vtype)
        if time[Aggregation.MIN]:
            aggs["s_min"] = x.min(where=only(taken, (Aggregation.MIN,)))
        if time[Aggregation.MAX]:
            aggs["s_max"] = x.max(where=only(taken, (Aggregation.MAX,)))
        if time[Aggregation.LAST]:
            aggs["s_last"] = self._argmax(x, key, where=only(taken, (Aggregation.LAST,)))
            if self.needs_lkey:
                aggs["s_lkey"] = j.tkey.max(where=only(taken, (Aggregation.LAST,)))
            if self.fallback:
                outside = only(~j.inside & submitted, (Aggregation.LAST,))
                aggs["fb"] = self._argmax(x, key, where=outside)
                aggs["fb_key"] = j.tkey.max(where=outside)
        if time[Aggregation.NONE]:
            exact = only(taken & j.exact, (Aggregation.NONE,))
            aggs["n_exact"] = status.count(where=exact)
            aggs["s_exact"] = x.max(where=exact)
        return j.group_by(["ti", "indicator", "unit"]).aggregate(**aggs)

    def own(self, s: Any) -> Any:
        """A unit's own row from its state: its figure if it reports the indicator itself."""
        ibis = self.ibis
        time = self.time
        null = ibis.null(self.vtype)
        ind = s.indicator
        nv = s.nv if "nv" in s.columns else s.sub
        if nv.type().is_boolean():
            # One value filling one slot: the count is the flag "submitted".
            has = nv
            nv = nv.cast("int64")
        else:
            has = nv > 0
        if self.flags:
            flags = s.flags if self.single else s.flags.coalesce(0)
            has = (flags & _SUBMITTED_BITS) != 0
        is_last = self._in(ind, time[Aggregation.LAST])
        fallback = is_last & ~has & s.fb.notnull() if self.fallback else None
        selfrep = has if fallback is None else has | fallback
        cases = []
        if fallback is not None:
            cases.append((fallback, s.fb))
        if "s_x" in s.columns:
            ids = [i for op in self.values_ops for i in time[op]]
            cases.append((self._in(ind, ids), s.s_x))
        if "s_sum" in s.columns:
            sums = time[Aggregation.SUM] + time[Aggregation.AVERAGE]
            cases.append((self._in(ind, sums), s.s_sum))
        for op, column in (
            (Aggregation.MIN, "s_min"),
            (Aggregation.MAX, "s_max"),
            (Aggregation.LAST, "s_last"),
            (Aggregation.NONE, "s_exact"),
        ):
            if column in s.columns:
                cases.append((self._in(ind, time[op]), s[column]))
        if time[Aggregation.COUNT]:
            cases.append((self._in(ind, time[Aggregation.COUNT]), nv.cast(self.vtype)))
        value = self._pick(cases)
        if self.needs_undef:
            undefined = (
                self._in(ind, time[Aggregation.NONE]) & (nv > 0) & ~((nv == 1) & (s.n_exact >= 1))
            )
            contributes = selfrep & ~undefined
        else:
            contributes = selfrep
        row: dict[str, Any] = {}
        if self.internal:
            row["selfrep"] = selfrep
        # One value fills at most one slot when fills are uniform: its counts are flags, and
        # the first group-by counts them (cheaper than summing numbers).
        flagged = self.single and self.uniform
        small = "int32" if self.single else "int64"
        row["con"] = contributes if flagged else contributes.cast(small)
        if self.needs_undef:
            row["undef"] = undefined.cast("int64")
        if (
            self.single
            and not (self.outside or self.needs_undef)
            and not (time[Aggregation.COUNT] or time[Aggregation.NONE])
        ):
            # The value is null exactly when the unit does not contribute.
            row["acc"] = value
        else:
            row["acc"] = ibis.ifelse(contributes, value, null)
        if self.needs_cnt:
            count = (
                ibis.ifelse(self._in(ind, time[Aggregation.AVERAGE]), nv, 1)
                if time[Aggregation.AVERAGE]
                else ibis.literal(1)
            )
            row["cnt"] = ibis.ifelse(contributes, count, 0).cast("int64")
        if self.needs_lkey:
            okey = ibis.literal(-1, "int64")
            if "s_lkey" in s.columns:
                okey = ibis.ifelse(is_last, s.s_lkey.coalesce(-1), okey)
            if fallback is not None:
                okey = ibis.ifelse(fallback, s.fb_key, okey)
            row["lkey"] = ibis.ifelse(
                contributes, (okey + 1) * self.p.n + s.unit.cast("int64"), -1
            ).cast("int64")
        if self.single or self.uniform:
            # Never null: counted, or one value's own slots.
            sub, zero = s.sub, s.zero
        else:
            # Sums over no value (a look-back only, no zero-report) are null.
            sub, zero = s.sub.coalesce(0), s.zero.coalesce(0)
        if flagged:
            # A zero-report or a submitted value inside the target makes the unit report.
            if not self.sub_is_con:
                row["sub"] = sub
            row["zero"] = zero
        else:
            if not self.sub_is_con:
                row["sub"] = ibis.ifelse(selfrep, sub, 0).cast(small)
            row["zero"] = ibis.ifelse(selfrep, zero, 0).cast(small)
        if self.flags:
            row["flags"] = flags.cast("int32")
        return s.select("ti", "indicator", "unit", **row)

    def _combine(self, rows: Any) -> Any:
        """Merge *rows* per (target period, indicator, unit): the unit aggregation."""
        r = rows
        unit = self.unit
        # DuckDB sums BIGINTs into HUGEINTs, which convert to Arrow slowly: cast back.
        counts = ["con", "undef", "cnt", "sub", "zero", "delta"]
        aggs: dict[str, Any] = {
            name: r.count(where=r[name]) if r[name].type().is_boolean() else r[name].sum()
            for name in counts
            if name in r.columns
        }
        aggs = {name: self._as(agg, "int64") for name, agg in aggs.items()}
        if self.flags:
            aggs["flags"] = r.flags.bit_or()
        if unit[Aggregation.SUM] or unit[Aggregation.AVERAGE] or unit[Aggregation.NONE]:
            aggs["total"] = self._as(r.acc.sum(), self.vtype)
        if unit[Aggregation.MIN]:
            aggs["low"] = r.acc.min()
        if unit[Aggregation.MAX]:
            aggs["high"] = r.acc.max()
        if unit[Aggregation.LAST]:
            aggs["last"] = self._argmax(r.acc, r.lkey)
        if self.needs_lkey:
            aggs["lkey"] = r.lkey.max()
        return r.group_by(["ti", "indicator", "unit"]).aggregate(**aggs)

    def _as_rows(self, combined: Any) -> Any:
        """Bring combined rows back to the row shape (``acc`` per the unit operator)."""
        ibis = self.ibis
        c = combined
        unit = self.unit
        cases = []
        for ops, column in (
            ((Aggregation.SUM, Aggregation.AVERAGE, Aggregation.NONE), "total"),
            ((Aggregation.MIN,), "low"),
            ((Aggregation.MAX,), "high"),
            ((Aggregation.LAST,), "last"),
        ):
            if column in c.columns:
                ids = [i for op in ops for i in unit[op]]
                cases.append((self._in(c.indicator, ids), c[column]))
        row = {name: c[name] for name in self.columns[3:] if name in c.columns}
        row["acc"] = self._pick(cases)
        if self.internal:
            row["selfrep"] = ibis.literal(False)
        return c.select("ti", "indicator", "unit", **row).select(*self.columns)

    def _real_ti(self, rows: Any) -> Any:
        """Rows whose ``ti`` holds a period (see :attr:`defer_ti`) with their target's."""
        if not self.defer_ti or self.lookup is None:
            return rows.select(*self.columns)
        column = self.ibis.literal(list(self.lookup[0][1]), type="array<int32>")
        return rows.mutate(ti=column[rows.ti]).select(*self.columns)

    def _widen(self, rows: Any) -> Any:
        """Own rows with the level rows' 64-bit counts (one value's counts are 32-bit)."""
        if not self.single:
            return rows
        small = [c for c in ("con", "sub", "zero") if c in rows.columns]
        return rows.mutate(**{c: rows[c].cast("int64") for c in small}).select(*self.columns)

    def rollup(self, t: dict[str, Any]) -> Any:
        """Every unit's row, level by level from the deepest: own rows win over children's."""
        if not self.internal:
            return self._rollup_leaves(t)
        ibis = self.ibis
        own = self.own(self.states(t))
        units = t["units"]
        own = own.join(units.select("unit", "depth"), "unit")
        deltas = t["deltas"]
        own = _tidy(own.left_join(deltas, ["ti", "unit"]))
        own = own.mutate(delta=ibis.ifelse(own.selfrep, own.delta.coalesce(0), 0))
        columns = self.columns
        levels: list[Any] = []
        below: Any = None
        for d in range(self.depth, self.top - 1, -1):
            mine = self._widen(own.filter(own.depth == d).select(*columns))
            if below is None:
                level = mine
            else:
                up = below.join(units.select("unit", "parent"), "unit")
                up = up.mutate(unit=up.parent).select(*columns)
                reporting = mine.filter(mine.selfrep).select("ti", "indicator", "unit")
                up = up.anti_join(reporting, ["ti", "indicator", "unit"])
                level = self._as_rows(self._combine(ibis.union(up, mine)))
            levels.append(level)
            below = level
        return ibis.union(*levels) if len(levels) > 1 else levels[0]

    def _rollup_leaves(self, t: dict[str, Any]) -> Any:
        """The rollup when only leaves report: the target depths only, each from the one below.

        A leaf's own rows enter the deepest target depth at or above it, as rows of its
        ancestor there; each level's rows enter the next level up as rows of their ancestor
        there. Every operator combines associatively, so skipping the depths between gives the
        figures of a step-by-step rollup.
        """
        ibis = self.ibis
        tree = self.p.tree
        columns = self.columns
        own = self.own(self.states(t))
        mapping = t["levels"]
        mapped = tree.lifted or len(tree.entered) > 1
        if mapped:
            own = own.join(mapping.select("unit", "k", "anc"), "unit")
        levels: list[Any] = []
        below: Any = None
        for k in range(len(tree.levels)):
            parts = []
            if k in tree.entered:
                mine = own
                if mapped:
                    if len(tree.entered) > 1:
                        mine = mine.filter(mine.k == k)
                    mine = mine.mutate(unit=mine.anc)
                parts.append(mine.select(*columns) if k == 0 else self._real_ti(mine))
            if below is not None:
                parts[:] = [self._widen(part) for part in parts]
                up = below.join(mapping.select("unit", "up"), "unit")
                parts.append(up.mutate(unit=up.up).select(*columns))
            if not parts:
                continue
            if k == 0 and not tree.grouped0:
                # Every row here is a leaf's own row at its own unit: nothing to combine.
                level = self._real_ti(self._widen(parts[0]))
            elif k == 0:
                level = self._real_ti(self._as_rows(self._combine(parts[0])))
            else:
                merged = ibis.union(*parts) if len(parts) > 1 else parts[0]
                level = self._as_rows(self._combine(merged))
            levels.append(level)
            below = level
        return ibis.union(*levels) if len(levels) > 1 else levels[0]

    def result(self, t: dict[str, Any]) -> Any:
        """The final rows: every target and columnar indicator, with status and coverage."""
        ibis = self.ibis
        rows = self.rollup(t)
        # Only targets with a row under them: the others are filled in without a query.
        r = rows.join(t["targets"], ["ti", "unit"])
        zero = ibis.literal(0, "int64")
        con = r.con
        sub = r.con if self.sub_is_con else r.sub
        exp = r.leaf_slots + r.delta.coalesce(zero) if self.internal else r.leaf_slots
        unit = self.unit
        is_avg = self._in(r.indicator, unit[Aggregation.AVERAGE])
        is_count = self._in(r.indicator, unit[Aggregation.COUNT])
        is_none = self._in(r.indicator, unit[Aggregation.NONE])
        avg_time = self._in(r.indicator, self.time[Aggregation.AVERAGE])
        cases = [(sub > exp, _UNDEFINED)]
        if self.needs_undef:
            cases.append((r.undef > 0, _UNDEFINED))
        if self.flags:
            na = (r.flags & _NA_BIT) != 0
            miss = (r.flags & _MISSING_BIT) != 0
            cases += [
                ((con == 0) & na & ~miss, _NOT_APPLICABLE),
                ((con == 0) & ((exp > 0) | miss), _MISSING),
                (con == 0, _NO_DATA),
            ]
        else:
            # No value is n/a and every value is inside its target: a row that nothing
            # contributes to (and that is not undefined) stands for missing values.
            cases.append((con == 0, _MISSING))
        if self.unit[Aggregation.NONE]:
            cases.append((is_none & (con > 1), _UNDEFINED))
        status = ibis.cases(*cases, else_=_VALUE)
        value = self._pick([(is_count, con.cast(self.vtype)), (ibis.literal(True), r.acc)])
        if self.needs_cnt:
            divisor = ibis.cases(
                (is_avg, r.cnt), (is_none & avg_time, r.cnt), else_=ibis.null("int64")
            )
        else:
            divisor = ibis.null("int64")
        has_value = status == _VALUE
        return r.select(
            "ti",
            "unit",
            "indicator",
            status=self._as(status, "int8"),
            value=ibis.ifelse(has_value, value, ibis.null(self.vtype)),
            divisor=ibis.ifelse(has_value, divisor, ibis.null("int64")),
            contributors=con,
            expected=exp,
            submitted=sub,
            zero_reports=r.zero,
        )


def _fetch(relation: Any) -> Any:
    """The rows of a DuckDB relation as an Arrow table, streamed in batches.

    Streaming lets DuckDB hand over each chunk as it is produced instead of collecting the
    whole result before converting it: the result is not held twice (DuckDB's and Arrow's).
    """
    pa = _arrow_module()
    for name in ("to_arrow_reader", "fetch_arrow_reader", "record_batch"):
        method = getattr(relation, name, None)
        if method is not None:
            reader = method(_BATCH_ROWS)
            return pa.Table.from_batches(list(reader), schema=reader.schema)
    return relation.arrow()  # pragma: no cover - DuckDB before 0.9


def _identity(value: Any) -> Any:
    """A cast macro registered on DuckDB (see :data:`_MACROS`; the body is never run)."""


def _arg_max(value: Any, key: Any) -> Any:
    """DuckDB's ``arg_max(value, key)`` (a builtin aggregate; the body is never run)."""


def _literal(expr: Any) -> bool | None:
    """The Python boolean of a literal Ibis boolean expression, else None."""
    if isinstance(expr, bool):
        return expr
    op = expr.op() if hasattr(expr, "op") else None
    value = getattr(op, "value", None)
    if type(op).__name__ == "Literal" and isinstance(value, bool):
        return value
    return None


def _tidy(table: Any) -> Any:
    """Drop the right-hand copies of join keys Ibis keeps after an outer join."""
    extra = [c for c in table.columns if c.endswith("_right")]
    return table.drop(*extra) if extra else table


def _arrow_module() -> Any:
    import pyarrow
    import pyarrow.compute  # a submodule: ``pyarrow.compute`` is only there once imported

    return pyarrow
