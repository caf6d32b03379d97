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
  over time, the slots submitted, the zero-reports, missing and not-applicable markers.
* The tree is rolled up **level by level**, deepest first: a unit's row is its own state when it
  reports the indicator itself (its children's rows are dropped by an anti-join: no double
  counting), else the combination of its children's rows. Each level is one small group-by, so
  the work is one pass over the states, not one per ancestor.
* Expected slots are the leaves' slots (computed in Python, per target) corrected, for each
  self-reporting unit that stands for its subtree, by its own slots minus its leaves'.

Exact numbers: sums, minima, maxima and last values stay integers or decimals in the database;
averages and the rates computed from them are divided in Python, with :class:`~decimal.Decimal`,
exactly as the reference engine does. The one combination whose intermediate figure is such a
quotient (an average over time then summed, minimised, maximised or taken last across units) is
delegated to the Python engine, indicator by indicator. Provenance (``sources``) is not
collected: columnar runs are for figures at scale; report-sized data goes through the Python
engine, which keeps it.
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from epireport.aggregate._columns import ValueTable, from_values
from epireport.aggregate._engine import PythonEngine, _derive
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan
from epireport.aggregate._results import Aggregate, AggregateSet, AggregateStatus, Coverage
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
_SLOTS_NEEDED = 10_000_000


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


class _Prepared:
    """The small Python-side tables of one execution: periods, units, targets, placements."""

    def __init__(self, plan: AggregationPlan, values: ValueTable) -> None:
        self.plan = plan
        units = plan.units
        self.n = len(units)
        index = {u.code: i for i, u in enumerate(units)}
        self.parent = [-1 if u.parent is None else index[u.parent] for u in units]
        self.depth = [0] * self.n
        leaf = [True] * self.n
        for i, p in enumerate(self.parent):
            if p >= 0:
                self.depth[i] = self.depth[p] + 1
                leaf[p] = False
        self.leaf = leaf
        self.dated = [
            i for i, u in enumerate(units) if u.opening is not None or u.closing is not None
        ]
        base = [p for p in plan.indicators if not p.is_computed]
        self.base = base
        self.columnar = [i for i, p in enumerate(base) if not delegated(p)]
        periods: dict[Period, int] = {}
        for target in plan.targets:
            periods.setdefault(target.period, len(periods))
        self.periods = list(periods)
        self.slots = [plan.slots(p) for p in self.periods]
        self.targets = sorted({(periods[t.period], index[t.unit]) for t in plan.targets})
        self.values = values
        self._leaf_slots: dict[int, list[int]] = {}
        self.leaves_under = [1 if is_leaf else 0 for is_leaf in leaf]
        for u in range(self.n - 1, -1, -1):
            if self.parent[u] >= 0:
                self.leaves_under[self.parent[u]] += self.leaves_under[u]

    def _open_slots(self, ti: int, u: int) -> int:
        unit = self.plan.units[u]
        return sum(1 for s in self.slots[ti] if unit.is_open_during(s))

    def leaf_slots(self, ti: int) -> list[int]:
        """Every unit's expected slots if only its leaves report: sum of the leaves' slots."""
        cached = self._leaf_slots.get(ti)
        if cached is not None:
            return cached
        count = len(self.slots[ti])
        if not self.dated:
            out = [n * count for n in self.leaves_under]
        else:
            out = [0] * self.n
            dated = set(self.dated)
            for u in range(self.n - 1, -1, -1):
                if self.leaf[u]:
                    out[u] += self._open_slots(ti, u) if u in dated else count
                p = self.parent[u]
                if p >= 0:
                    out[p] += out[u]
        self._leaf_slots[ti] = out
        return out

    def expected(self, ti: int, u: int) -> int:
        """The slots expected of target unit *u* over target period *ti* when nothing came."""
        if not self.dated:
            return self.leaves_under[u] * len(self.slots[ti])
        return self.leaf_slots(ti)[u]

    def tables(self, pa: Any) -> dict[str, Any]:
        """Build the Arrow tables the query joins: placement, targets, units, deltas, fills."""
        plan = self.plan
        lookback = plan.stock_lookback_days
        ranks = {
            key: r for r, key in enumerate(sorted({(p.end, p.start) for p in self.values.periods}))
        }
        place: dict[str, list[Any]] = {k: [] for k in ("period", "ti", "filled", "inside")}
        place.update(exact=[], tkey=[])
        fills: dict[str, list[int]] = {k: [] for k in ("unit", "period", "ti", "filled")}
        for pi, p in enumerate(self.values.periods):
            for ti, target in enumerate(self.periods):
                if target.start <= p.start and p.end <= target.end:
                    filled = sum(1 for s in self.slots[ti] if p.start <= s.start and s.end <= p.end)
                    inside = True
                    for u in self.dated:
                        unit = plan.units[u]
                        fills["unit"].append(u)
                        fills["period"].append(pi)
                        fills["ti"].append(ti)
                        fills["filled"].append(
                            sum(
                                1
                                for s in self.slots[ti]
                                if p.start <= s.start and s.end <= p.end and unit.is_open_during(s)
                            )
                        )
                elif lookback and target.start - timedelta(days=lookback) < p.end <= target.start:
                    filled, inside = 0, False
                else:
                    continue
                place["period"].append(pi)
                place["ti"].append(ti)
                place["filled"].append(filled)
                place["inside"].append(inside)
                place["exact"].append(p == target)
                place["tkey"].append(ranks[p.end, p.start])
        targets: dict[str, list[int]] = {k: [] for k in ("ti", "unit", "leaf_slots")}
        for ti, u in self.targets:
            targets["ti"].append(ti)
            targets["unit"].append(u)
            targets["leaf_slots"].append(self.expected(ti, u))
        deltas: dict[str, list[int]] = {k: [] for k in ("ti", "unit", "delta")}
        dated = set(self.dated)
        # Only a unit with children that reports itself needs its delta: skip when none does.
        for ti in range(len(self.periods) if self.values.internal is not False else 0):
            slots = self.leaf_slots(ti)
            for u in range(self.n):
                if not self.leaf[u]:
                    own = self._open_slots(ti, u) if u in dated else len(self.slots[ti])
                    deltas["ti"].append(ti)
                    deltas["unit"].append(u)
                    deltas["delta"].append(own - slots[u])
        int32, int64 = pa.int32(), pa.int64()
        return {
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
            "targets": pa.table(
                {
                    "ti": pa.array(targets["ti"], int32),
                    "unit": pa.array(targets["unit"], int32),
                    "leaf_slots": pa.array(targets["leaf_slots"], int64),
                }
            ),
            "units": pa.table(
                {
                    "unit": pa.array(range(self.n), int32),
                    "parent": pa.array(self.parent, int32),
                    "depth": pa.array(self.depth, int32),
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
            "indicators": pa.table({"indicator": pa.array(self.columnar, int32)}),
        }


class IbisEngine:
    """Execute an :class:`AggregationPlan` with Ibis, on DuckDB or a given Ibis connection.

    *connection* is any Ibis backend connection (``ibis.duckdb.connect()``, ``ibis.pyspark.
    connect(session)``, ``ibis.postgres.connect(...)``); by default an in-memory DuckDB is
    opened on first use. The values are a :class:`ValueTable` built for the plan (or data
    values, turned into one).
    """

    def __init__(self, connection: Any = None) -> None:
        self._connection = connection

    @property
    def connection(self) -> Any:
        """The Ibis connection queries run on (an in-memory DuckDB unless one was given)."""
        if self._connection is None:
            self._connection = _ibis().duckdb.connect()
        return self._connection

    def execute(
        self, plan: AggregationPlan, values: ValueTable | Iterable[DataValue]
    ) -> AggregateSet:
        """Compute every planned aggregate; the same figures as the Python engine, no sources."""
        if isinstance(values, ValueTable):
            table = values
            given: list[DataValue] | None = None
        else:
            given = list(values)
            table = from_values(given, plan)
        _check(table, plan)
        prepared = _Prepared(plan, table)
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
                    agg = _derive(indicator, row, target.unit, target.period)
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
        _check(values, plan)
        return self._arrow(_Prepared(plan, values))

    def expression(self, plan: AggregationPlan, values: ValueTable) -> Any:
        """The Ibis expression :meth:`to_arrow` executes (to inspect, or to compile to SQL)."""
        _check(values, plan)
        return _Query(_Prepared(plan, values), self.connection).result()

    def _arrow(self, prepared: _Prepared) -> Any:
        expr = _Query(prepared, self.connection).result()
        return self.connection.to_pyarrow(expr)

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


def _check(values: ValueTable, plan: AggregationPlan) -> None:
    if not values.matches(plan):
        raise ModelError(
            "IbisEngine: the value table was built for other units or indicators than the "
            "plan's; build it with the plan (from_values, from_file, from_store)"
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


class _Query:
    """Build the Ibis expression of one execution (see the module docstring)."""

    def __init__(self, prepared: _Prepared, connection: Any) -> None:
        self.ibis = ibis = _ibis()
        self.p = prepared
        pa = _arrow_module()
        tables = prepared.tables(pa)
        self.t = {name: ibis.memtable(table) for name, table in tables.items()}
        values = prepared.values.table
        self.values = ibis.memtable(values)
        self.has_row = "row" in values.column_names
        self.vtype = self.values.value.type()
        base = prepared.base
        self.time = {
            op: _ids(base, "time", op)
            for op in (
                Aggregation.SUM,
                Aggregation.AVERAGE,
                Aggregation.MIN,
                Aggregation.MAX,
                Aggregation.LAST,
                Aggregation.COUNT,
                Aggregation.NONE,
            )
        }
        self.unit = {op: _ids(base, "unit", op) for op in self.time}
        self.internal = prepared.values.internal is not False
        self.dated = bool(prepared.dated)

    def _in(self, column: Any, ids: list[int]) -> Any:
        ibis = self.ibis
        if not ids:
            return ibis.literal(False)
        if len(ids) == len(self.p.columnar):
            return ibis.literal(True)
        return column.isin(ids)

    def states(self) -> Any:
        """One row per (target period, indicator, unit) with values: the time aggregation."""
        ibis = self.ibis
        v = self.values
        if len(self.p.columnar) < len(self.p.base):
            v = v.filter(v.indicator.isin(self.p.columnar))
        j = v.join(self.t["placement"], "period")
        filled = j.filled
        if self.dated:
            fills = self.t["fills"].rename(dated_filled="filled")
            j = _tidy(j.left_join(fills, ["unit", "period", "ti"]))
            filled = j.dated_filled.coalesce(j.filled)
        status = j.status
        zero = ibis.literal(0).cast(self.vtype)
        x = ibis.cases((status == 0, j.value), (status == 1, zero), else_=ibis.null(self.vtype))
        submitted = status <= 1
        inside = j.inside & submitted
        key = j.tkey
        if self.has_row:
            key = j.tkey * (2**_ROW_BITS) + (2**_ROW_BITS - 1 - j.row)
        time = self.time
        aggs: dict[str, Any] = {
            "nv": status.count(where=inside),
            "sub": filled.sum(where=inside).cast("int64"),
            "zero": filled.sum(where=j.inside & (status == 1)).cast("int64"),
            "miss": status.count(where=j.inside & (status == 3)),
            "na": status.count(where=j.inside & (status == 2)),
        }
        if time[Aggregation.SUM] or time[Aggregation.AVERAGE]:
            aggs["s_sum"] = x.sum(where=inside).cast(self.vtype)
        if time[Aggregation.MIN]:
            aggs["s_min"] = x.min(where=inside)
        if time[Aggregation.MAX]:
            aggs["s_max"] = x.max(where=inside)
        if time[Aggregation.LAST]:
            aggs["s_last"] = x.argmax(key, where=inside)
            aggs["s_lkey"] = j.tkey.max(where=inside)
            if self.p.plan.stock_lookback_days:
                outside = ~j.inside & submitted
                aggs["fb"] = x.argmax(key, where=outside)
                aggs["fb_key"] = j.tkey.max(where=outside)
        if time[Aggregation.NONE]:
            aggs["n_exact"] = status.count(where=inside & j.exact)
            aggs["s_exact"] = x.max(where=inside & j.exact)
        return j.group_by(["ti", "indicator", "unit"]).aggregate(**aggs)

    def own(self, s: Any) -> Any:
        """A unit's own row from its state: its figure if it reports the indicator itself."""
        ibis = self.ibis
        time = self.time
        null = ibis.null(self.vtype)
        ind = s.indicator
        is_last = self._in(ind, time[Aggregation.LAST])
        if "fb" in s.columns:
            fallback = is_last & (s.nv == 0) & s.fb.notnull()
        else:
            fallback = ibis.literal(False)
        selfrep = (s.nv > 0) | fallback
        cases = []
        if "fb" in s.columns:
            cases.append((fallback, s.fb))
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
            cases.append((self._in(ind, time[Aggregation.COUNT]), s.nv.cast(self.vtype)))
        value = ibis.cases(*cases, else_=null) if cases else null
        if "n_exact" in s.columns:
            undefined = (
                self._in(ind, time[Aggregation.NONE])
                & (s.nv > 0)
                & ~((s.nv == 1) & (s.n_exact >= 1))
            )
        else:
            undefined = ibis.literal(False)
        contributes = selfrep & ~undefined
        count = ibis.ifelse(self._in(ind, time[Aggregation.AVERAGE]), s.nv, 1)
        okey = ibis.literal(-1, "int64")
        if "s_lkey" in s.columns:
            okey = ibis.ifelse(is_last, s.s_lkey.coalesce(-1), okey)
        if "fb_key" in s.columns:
            okey = ibis.ifelse(fallback, s.fb_key, okey)
        return s.select(
            "ti",
            "indicator",
            "unit",
            selfrep=selfrep,
            con=contributes.cast("int64"),
            undef=undefined.cast("int64"),
            acc=ibis.ifelse(contributes, value, null),
            cnt=ibis.ifelse(contributes, count, 0).cast("int64"),
            lkey=ibis.ifelse(contributes, (okey + 1) * self.p.n + s.unit.cast("int64"), -1),
            sub=ibis.ifelse(selfrep, s.sub, 0).cast("int64"),
            zero=ibis.ifelse(selfrep, s.zero, 0).cast("int64"),
            miss=s.miss.cast("int64"),
            na=s.na.cast("int64"),
        )

    def _combine(self, rows: Any, by: str) -> Any:
        """Merge *rows* per (target period, indicator, *by*): the unit aggregation."""
        r = rows
        unit = self.unit
        # DuckDB sums BIGINTs into HUGEINTs, which convert to Arrow slowly: cast back.
        aggs: dict[str, Any] = {
            name: r[name].sum().cast("int64")
            for name in ("con", "undef", "cnt", "sub", "zero", "miss", "na", "delta")
        }
        if unit[Aggregation.SUM] or unit[Aggregation.AVERAGE] or unit[Aggregation.NONE]:
            aggs["total"] = r.acc.sum().cast(self.vtype)
        if unit[Aggregation.MIN]:
            aggs["low"] = r.acc.min()
        if unit[Aggregation.MAX]:
            aggs["high"] = r.acc.max()
        if unit[Aggregation.LAST]:
            aggs["last"] = r.acc.argmax(r.lkey)
        aggs["lkey"] = r.lkey.max()
        return r.group_by(["ti", "indicator", by]).aggregate(**aggs)

    def _as_rows(self, combined: Any, by: str) -> Any:
        """Bring combined rows back to the row shape (``acc`` per the unit operator)."""
        ibis = self.ibis
        c = combined
        unit = self.unit
        null = ibis.null(self.vtype)
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
        acc = ibis.cases(*cases, else_=null) if cases else null
        return c.select(
            "ti",
            "indicator",
            unit=c[by],
            selfrep=ibis.literal(False),
            con=c.con,
            undef=c.undef,
            acc=acc,
            cnt=c.cnt,
            lkey=c.lkey,
            sub=c.sub,
            zero=c.zero,
            miss=c.miss,
            na=c.na,
            delta=c.delta,
        )

    def rollup(self) -> Any:
        """Every unit's row, level by level from the deepest: own rows win over children's."""
        ibis = self.ibis
        own = self.own(self.states())
        units = self.t["units"]
        own = own.join(units.select("unit", "depth"), "unit")
        if self.internal:
            deltas = self.t["deltas"]
            own = _tidy(own.left_join(deltas, ["ti", "unit"]))
            own = own.mutate(delta=ibis.ifelse(own.selfrep, own.delta.coalesce(0), 0))
        else:
            own = own.mutate(delta=ibis.literal(0, "int64"))
        columns = [
            "ti", "indicator", "unit", "selfrep", "con", "undef", "acc", "cnt", "lkey", "sub",
            "zero", "miss", "na", "delta",
        ]  # fmt: skip
        depth = max(self.p.depth, default=0)
        # Levels above the shallowest target are never read: stop there.
        top = min((self.p.depth[u] for _, u in self.p.targets), default=0)
        levels: list[Any] = []
        below: Any = None
        for d in range(depth, top - 1, -1):
            mine = own.filter(own.depth == d).select(*columns)
            if below is None:
                level = mine
            else:
                up = below.join(units.select("unit", "parent"), "unit")
                up = up.mutate(unit=up.parent).select(*columns)
                if self.internal:
                    reporting = mine.filter(mine.selfrep).select("ti", "indicator", "unit")
                    up = up.anti_join(reporting, ["ti", "indicator", "unit"])
                level = self._as_rows(self._combine(ibis.union(up, mine), "unit"), "unit")
                level = level.select(*columns)
            levels.append(level)
            below = level
        return ibis.union(*levels) if len(levels) > 1 else levels[0]

    def result(self) -> Any:
        """The final rows: every target and columnar indicator, with status and coverage."""
        ibis = self.ibis
        rows = self.rollup()
        # Only targets with a row under them: the others are filled in without a query.
        r = rows.join(self.t["targets"], ["ti", "unit"])
        zero = ibis.literal(0, "int64")
        con = r.con.coalesce(zero)
        sub = r.sub.coalesce(zero)
        exp = r.leaf_slots + r.delta.coalesce(zero)
        miss = r.miss.coalesce(zero)
        na = r.na.coalesce(zero)
        unit = self.unit
        is_avg = self._in(r.indicator, unit[Aggregation.AVERAGE])
        is_count = self._in(r.indicator, unit[Aggregation.COUNT])
        is_none = self._in(r.indicator, unit[Aggregation.NONE])
        avg_time = self._in(r.indicator, self.time[Aggregation.AVERAGE])
        status = ibis.cases(
            (sub > exp, _UNDEFINED),
            (r.undef.coalesce(zero) > 0, _UNDEFINED),
            ((con == 0) & (na > 0) & (miss == 0), _NOT_APPLICABLE),
            ((con == 0) & ((exp > 0) | (miss > 0)), _MISSING),
            (con == 0, _NO_DATA),
            (is_none & (con > 1), _UNDEFINED),
            else_=_VALUE,
        )
        value = ibis.cases((is_count, con.cast(self.vtype)), else_=r.acc)
        divisor = ibis.cases((is_avg, r.cnt), (is_none & avg_time, r.cnt), else_=ibis.null("int64"))
        has_value = status == _VALUE
        return r.select(
            "ti",
            "unit",
            "indicator",
            status=status.cast("int8"),
            value=ibis.ifelse(has_value, value, ibis.null(self.vtype)),
            divisor=ibis.ifelse(has_value, divisor, ibis.null("int64")),
            contributors=con,
            expected=exp,
            submitted=sub,
            zero_reports=r.zero.coalesce(zero),
        )


def _tidy(table: Any) -> Any:
    """Drop the right-hand copies of join keys Ibis keeps after an outer join."""
    extra = [c for c in table.columns if c.endswith("_right")]
    return table.drop(*extra) if extra else table


def _arrow_module() -> Any:
    import pyarrow

    return pyarrow
