"""Aggregation at scale: epireport's engines against hand-written DuckDB SQL and a Python loop.

Synthetic data: a 5-level tree (1 → 10 → 100 → 1,000 → 100,000 leaves), 30 indicators (20 flows
summed over time, 10 stocks taking their last value), 30 days; N values drawn at random among the
90 million (leaf, indicator, day) slots, 90 % reported, 5 % zero-reports, 5 % missing. Cases:

* ``rollup``: every flow and stock for every unit over the month (full rollup to every level);
* ``stocks``: the 10 stocks only, last value in the month, for every unit;
* ``completeness``: daily coverage (expected / submitted / zero-reports) of every district
  (level 3), every indicator, every day.

For each case, in the same run, and each in its own subprocess (so that its peak memory,
``ru_maxrss``, is its own; it includes the interpreter and the loaded data):

* ``ibis``: :class:`IbisEngine.to_arrow` on DuckDB over the integer-coded Arrow table;
* ``sql``: hand-written DuckDB SQL over the same table computing the same columns (status,
  figure, contributors, expected, submitted, zero-reports), as one would write it knowing the
  data: a group-by per leaf and one small group-by per level (or, for the districts' days, one
  group-by of the values by district), on a connection with the engine's DuckDB settings; the
  benchmark asserts that its rows equal the engine's;
* ``python``: the pure-Python engine over DataValue objects (1M values at most: slow beyond);
* ``loop``: the best simple loop over the same DataValue objects (1M values at most), in two
  phases: sums per leaf (string keys), then rolled up the tree once; the ``python`` process
  checks the engine's figures against it.

Each engine runs in ``--rounds`` processes, the engines alternated, ``--repeat`` runs each:
*median s* and *min-max s* are over every run but each process's first, *first* is the first
run of the first process (it includes one-time costs: importing Ibis, opening DuckDB,
preparing the plan's tables, compiling the SQL).

Run: ``python3 benchmarks/bench_scale.py --values 1e6`` (needs ``epireport[scale]``); prints a
Markdown table. ``--engines ibis,sql`` keeps some engines only. ``--spark`` (``nox -s spark``)
runs the rollup of 100,000 values on a local PySpark session instead and checks it against the
DuckDB run and the Python engine.
"""

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

LEAVES = 100_000
FANOUT = 10
INDICATORS = 30
FLOWS = 20
DAYS = 30
PYTHON_MAX = 1_000_000


def build_plan(case):
    from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target
    from epireport.model._indicators import Aggregation, IndicatorKind
    from epireport.model._periods import Period
    from epireport.model._units import OrgUnit

    # Preorder: root, city, its districts, each district's streets, each street's leaves.
    units = [OrgUnit("r", "root")]
    depth = [0]
    for c in range(10):
        units.append(OrgUnit(f"c{c}", "x", "r"))
        depth.append(1)
        for d in range(10):
            dc = f"d{c}_{d}"
            units.append(OrgUnit(dc, "x", f"c{c}"))
            depth.append(2)
            for s in range(10):
                sc = f"s{c}_{d}_{s}"
                units.append(OrgUnit(sc, "x", dc))
                depth.append(3)
                for leaf in range(100):
                    units.append(OrgUnit(f"l{c}_{d}_{s}_{leaf}", "x", sc))
                    depth.append(4)
    flows = [
        IndicatorPlan(f"f{i}", IndicatorKind.FLOW, Aggregation.SUM, Aggregation.SUM)
        for i in range(FLOWS)
    ]
    stocks = [
        IndicatorPlan(f"k{i}", IndicatorKind.STOCK, Aggregation.LAST, Aggregation.SUM)
        for i in range(INDICATORS - FLOWS)
    ]
    month = Period.interval(datetime.date(2020, 2, 1), datetime.date(2020, 3, 1))
    days = [Period.day(datetime.date(2020, 2, 1) + datetime.timedelta(d)) for d in range(DAYS)]
    if case == "completeness":
        districts = [u.code for u, dp in zip(units, depth, strict=True) if dp == 2]
        targets = [Target(d, day) for day in days for d in districts]
        indicators = [*flows, *stocks]
    else:
        targets = [Target(u.code, month) for u in units]
        indicators = stocks if case == "stocks" else [*flows, *stocks]
    plan = AggregationPlan(tuple(units), (*flows, *stocks), tuple(targets))
    return plan, indicators, units, depth, days, month


def generate(n, path):
    """Write N random values as an integer-coded Parquet file (unit = preorder position)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, _, _, depth, _, _ = build_plan("rollup")
    leaves = np.array([i for i, d in enumerate(depth) if d == 4], dtype=np.int32)
    rng = np.random.default_rng(7)
    total = LEAVES * INDICATORS * DAYS
    chosen = np.unique(rng.integers(0, total, size=int(n * 1.12)))
    rng.shuffle(chosen)
    chosen = chosen[:n]
    leaf = leaves[chosen // (INDICATORS * DAYS)]
    rest = chosen % (INDICATORS * DAYS)
    indicator = (rest // DAYS).astype(np.int32)
    day = (rest % DAYS).astype(np.int32)
    draw = rng.random(n)
    status = np.where(draw < 0.90, 0, np.where(draw < 0.95, 1, 3)).astype(np.int8)
    value = rng.integers(0, 1000, size=n)
    table = pa.table(
        {
            "unit": pa.array(leaf, pa.int32()),
            "indicator": pa.array(indicator, pa.int32()),
            "period": pa.array(day, pa.int32()),
            "status": pa.array(status, pa.int8()),
            "value": pa.array(value, pa.int64(), mask=status != 0),
        }
    )
    pq.write_table(table, path)


def load(path, case):
    import pyarrow.parquet as pq

    from epireport.aggregate._columns import ValueTable

    plan, indicators, units, depth, days, month = build_plan(case)
    table = pq.read_table(path)
    # Known by construction (as a loader knows them): only leaves report, and no (leaf,
    # indicator, day) is drawn twice.
    values = ValueTable(
        table,
        tuple(u.code for u in units),
        tuple(p.code for p in plan.indicators),
        tuple(days),
        internal=False,
        unique=True,
    )
    return plan, indicators, units, depth, days, month, values


def restrict(plan, indicators, values):
    """The plan and table of the case's indicators only (the stocks are the last ids)."""
    import pyarrow.compute as pc

    from epireport.aggregate._columns import ValueTable
    from epireport.aggregate._plan import AggregationPlan

    if len(indicators) == len(plan.indicators):
        return plan, values
    first = len(plan.indicators) - len(indicators)
    table = values.table.filter(pc.greater_equal(values.table["indicator"], first))
    column = pc.subtract(table["indicator"], first).cast("int32")
    table = table.set_column(table.column_names.index("indicator"), "indicator", column)
    sub = AggregationPlan(plan.units, tuple(indicators), plan.targets, plan.frequency)
    codes = tuple(p.code for p in indicators)
    return sub, ValueTable(table, values.units, codes, values.periods, internal=False, unique=True)


_ENGINE = []


def run_ibis(plan, values, **_):
    from epireport.aggregate._ibis import IbisEngine

    # One engine per process, as the SQL keeps its connection: from the second run on, the
    # plan's tables and the compiled SQL are reused (the first run, reported apart, pays them).
    if not _ENGINE:
        _ENGINE.append(IbisEngine())
    start, cpu = time.perf_counter(), cpu_seconds()
    out = _ENGINE[0].to_arrow(plan, values)
    return time.perf_counter() - start, out, cpu_seconds() - cpu


def cpu_seconds():
    """The process's CPU time (all threads): less sensitive than wall time to a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# The hand-written baselines know the data: only leaves report, one value per (leaf, indicator,
# day), no n/a, every unit a target of the month (rollup, stocks) or every district of every day
# (completeness). They compute the engine's columns, so that the rows can be compared.
SQL_ROLLUP = """
WITH s AS (
    SELECT unit, indicator, {figures},
        count(*) FILTER (WHERE status <= 1) AS submitted,
        count(*) FILTER (WHERE status = 1) AS zero_reports
    FROM v GROUP BY unit, indicator
),
l4 AS (
    SELECT unit, indicator, {value} AS value,
        submitted, zero_reports, (submitted > 0)::BIGINT AS contributors
    FROM s
),
{levels}
SELECT 0 AS ti, a.unit, a.indicator,
    CASE WHEN contributors = 0 THEN 1 ELSE 0 END::TINYINT AS status,
    CASE WHEN contributors > 0 THEN value END AS value, NULL::BIGINT AS divisor,
    contributors, u.leaves * {slots} AS expected, submitted, zero_reports
FROM (SELECT * FROM l4 UNION ALL SELECT * FROM l3 UNION ALL SELECT * FROM l2
      UNION ALL SELECT * FROM l1 UNION ALL SELECT * FROM l0) a
JOIN u ON u.unit = a.unit
"""

# The flows' sums and the stocks' last values, or only the stocks'.
SQL_FIGURES = """
        sum(CASE status WHEN 0 THEN value WHEN 1 THEN 0 END)
            FILTER (WHERE indicator < {flows}) AS total,
        arg_max(CASE status WHEN 0 THEN value ELSE 0 END, period)
            FILTER (WHERE status <= 1 AND indicator >= {flows}) AS last"""
SQL_STOCKS = """
        arg_max(CASE status WHEN 0 THEN value ELSE 0 END, period)
            FILTER (WHERE status <= 1) AS last"""

SQL_LEVEL = """
l{d} AS (
    SELECT u.parent AS unit, indicator, sum(value)::BIGINT AS value,
        sum(submitted)::BIGINT AS submitted, sum(zero_reports)::BIGINT AS zero_reports,
        sum(contributors)::BIGINT AS contributors
    FROM l{below} JOIN u ON u.unit = l{below}.unit
    GROUP BY u.parent, indicator
)"""

SQL_COMPLETENESS = """
SELECT v.period AS ti, d.district AS unit, v.indicator,
    CASE WHEN count(*) FILTER (WHERE status <= 1) = 0 THEN 1 ELSE 0 END::TINYINT AS status,
    sum(CASE status WHEN 0 THEN value WHEN 1 THEN 0 END) AS value, NULL::BIGINT AS divisor,
    count(*) FILTER (WHERE status <= 1) AS contributors, {leaves} AS expected,
    count(*) FILTER (WHERE status <= 1) AS submitted,
    count(*) FILTER (WHERE status = 1) AS zero_reports
FROM v JOIN d ON d.unit = v.unit
GROUP BY v.period, d.district, v.indicator
"""


SQL_SETTINGS = (
    "preserve_insertion_order = false",
    "allocator_background_threads = true",
    "TimeZone = 'UTC'",
    "python_enable_replacements = false",
)


def unit_tables(units, depth):
    """The hand-written queries' tables: each unit's parent and leaves, each leaf's district."""
    import pyarrow as pa

    index = {u.code: i for i, u in enumerate(units)}
    parent = [-1 if u.parent is None else index[u.parent] for u in units]
    leaves = [0] * len(units)
    district = [-1] * len(units)
    for i in range(len(units) - 1, -1, -1):
        if depth[i] == 4:
            leaves[i] += 1
        if parent[i] >= 0:
            leaves[parent[i]] += leaves[i]
    for i in range(len(units)):
        district[i] = i if depth[i] == 2 else district[parent[i]] if depth[i] > 2 else -1
    leaf = [i for i in range(len(units)) if depth[i] == 4]
    u = pa.table(
        {
            "unit": pa.array(range(len(units)), pa.int32()),
            "parent": pa.array(parent, pa.int32()),
            "leaves": pa.array(leaves, pa.int64()),
        }
    )
    d = pa.table(
        {
            "unit": pa.array(leaf, pa.int32()),
            "district": pa.array([district[i] for i in leaf], pa.int32()),
        }
    )
    return u, d


def run_sql(plan, values, case, units, depth, **_):
    import duckdb

    con = duckdb.connect()
    # The settings IbisEngine gives its own connection (ibis.duckdb.connect() and then
    # IbisEngine.connection), so that the query is all that differs: order not kept, freed
    # memory handed back between queries, UTC, no replacement scans; threads and memory
    # limit at DuckDB's defaults on both sides.
    for setting in SQL_SETTINGS:
        con.execute(f"SET {setting}")
    u, d = unit_tables(units, depth)
    con.register("v", values.table)
    con.register("u", u)
    con.register("d", d)
    if case == "completeness":
        sql = SQL_COMPLETENESS.format(leaves=LEAVES // 100)
    else:
        levels = ",".join(SQL_LEVEL.format(d=d, below=d + 1) for d in range(3, -1, -1))
        if case == "rollup":
            figures = SQL_FIGURES.format(flows=FLOWS)
            value = f"CASE WHEN indicator < {FLOWS} THEN total ELSE last END"
        else:
            figures, value = SQL_STOCKS, "last"
        sql = SQL_ROLLUP.format(figures=figures, value=value, slots=DAYS, levels=levels)
    start, cpu = time.perf_counter(), cpu_seconds()
    out = con.sql(sql).to_arrow_table()
    return time.perf_counter() - start, out, cpu_seconds() - cpu


def data_values(plan, values):
    from epireport.model._values import DataValue, ValueStatus

    statuses = [ValueStatus.REPORTED, ValueStatus.ZERO_REPORT, None, ValueStatus.MISSING]
    cols = values.table.to_pydict()
    units = values.units
    codes = values.indicators
    periods = values.periods
    return [
        DataValue(codes[i], units[u], periods[p], statuses[s], x)
        for u, i, p, s, x in zip(
            cols["unit"],
            cols["indicator"],
            cols["period"],
            cols["status"],
            cols["value"],
            strict=True,
        )
    ]


_CHECKED = []


def run_python(plan, values, case, depth, **_):
    """Time the Python engine (no provenance), then check its figures against the loop.

    The check runs once per process, after the first timing, on the same values: every
    (unit, indicator[, day]) the two-phase loop has a sum for must have that value in the
    engine's aggregate, and the same number of submitted reports where both count the same
    thing (flows, and every daily figure; a stock's loop count is one per leaf, the engine
    counts report slots). The process's peak memory includes the check's dictionaries.
    """
    from epireport.aggregate._engine import PythonEngine

    dvs = data_values(plan, values)
    start = time.perf_counter()
    out = PythonEngine(collect_sources=False).execute(plan, dvs)
    seconds = time.perf_counter() - start
    if _CHECKED:  # once per process: the check reads hundreds of thousands of aggregates
        return seconds, len(out)
    _CHECKED.append(case)
    cells = loop_sums(plan, dvs, case, depth)
    flows = {p.code for p in plan.indicators if p.time.value == "sum"}
    days = {p.start: p for p in values.periods}
    for key, (total, submitted) in cells.items():
        if case == "completeness":
            unit, code, day = key
            period = days[day]
        else:
            (unit, code), period = key, plan.targets[0].period
        agg = out.get_aggregate(code, unit, period)
        counted = code in flows or case == "completeness"
        same = agg.value == total and (not counted or agg.coverage.submitted == submitted)
        if not same:
            sys.exit(f"python engine differs from the two-phase loop at {key}: {agg} vs {total}")
    return seconds, len(out)


def loop_sums(plan, dvs, case, depth):
    """The best simple loop, in two phases: sums per leaf, then rolled up the tree once.

    Phase 1 reads each value once into a ``[figure, submitted]`` cell keyed by strings and
    dates (unit and indicator codes, for the daily case the day's start; no ``Period`` is
    hashed): per (leaf, indicator) for the month (a flow's sum, a stock's last value), per
    (district, indicator, day) for daily completeness, the leaf's district looked up in a
    map built first (the roll-up of that case is that one look-up). Phase 2 moves each
    unit's cells to its parent's, one level at a time, deepest first: every cell climbs one
    level once, instead of every value being added to every ancestor. It knows what the
    hand-written SQL knows: only leaves report, one value per (leaf, indicator, day).
    """
    from epireport.model._values import ValueStatus

    parent = {u.code: u.parent for u in plan.units}
    reported, zero = ValueStatus.REPORTED, ValueStatus.ZERO_REPORT
    cells: dict = {}
    if case == "completeness":
        district = {
            u.code: parent[parent[u.code]] for u, d in zip(plan.units, depth, strict=True) if d == 4
        }
        for v in dvs:
            status = v.status
            if status is reported or status is zero:
                key = (district[v.unit], v.indicator, v.period.start)
                cell = cells.get(key)
                x = v.value if status is reported else 0
                if cell is None:
                    cells[key] = [x, 1]
                else:
                    cell[0] += x
                    cell[1] += 1
        return cells
    stocks = {p.code for p in plan.indicators if p.time.value == "last"}
    last: dict = {}
    for v in dvs:
        status = v.status
        if status is not reported and status is not zero:
            continue
        x = v.value if status is reported else 0
        key = (v.unit, v.indicator)
        if v.indicator in stocks:
            end = v.period.end
            seen = last.get(key)
            if seen is None or end > seen[0]:
                last[key] = (end, x)
            continue
        cell = cells.get(key)
        if cell is None:
            cells[key] = [x, 1]
        else:
            cell[0] += x
            cell[1] += 1
    for key, (_, x) in last.items():
        cells[key] = [x, 1]
    level = cells
    while level:
        above: dict = {}
        for (unit, code), (x, n) in level.items():
            up = parent[unit]
            if up is None:
                continue
            key = (up, code)
            cell = above.get(key)
            if cell is None:
                above[key] = [x, n]
            else:
                cell[0] += x
                cell[1] += n
        cells.update(above)
        level = above
    return cells


def run_loop(plan, values, case, depth, **_):
    """Time the two-phase loop, its set-up from the plan included (the engine's is, too)."""
    dvs = data_values(plan, values)
    start = time.perf_counter()
    cells = loop_sums(plan, dvs, case, depth)
    return time.perf_counter() - start, len(cells)


def spark_rollup(n):
    """Run the rollup on a local PySpark session; check it against DuckDB and Python."""
    import ibis
    from pyspark.sql import SparkSession

    from epireport.aggregate._engine import PythonEngine
    from epireport.aggregate._ibis import IbisEngine

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "values.parquet")
        generate(n, path)
        plan, _indicators, _units, _depth, _days, _month, values = load(path, "rollup")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("epireport-rollup")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        start = time.perf_counter()
        spark = IbisEngine(ibis.pyspark.connect(session)).to_arrow(plan, values)
        seconds = time.perf_counter() - start
    finally:
        session.stop()
    duck = IbisEngine().to_arrow(plan, values)
    keys = ["ti", "unit", "indicator"]
    same = (
        spark.sort_by([(k, "ascending") for k in keys]).to_pylist()
        == duck.sort_by([(k, "ascending") for k in keys]).to_pylist()
    )
    print(f"PySpark local[2]: {n:,} values, {spark.num_rows:,} rows in {seconds:.1f} s")
    print(f"identical to the DuckDB run: {same}")
    root = plan.units[0].code
    small = [t for t in plan.targets if t.unit == root]
    sub = type(plan)(plan.units, plan.indicators, small, plan.frequency)
    python = PythonEngine(collect_sources=False).execute(sub, data_values(sub, values))
    spark_root = {
        (r["indicator"], r["value"], r["expected"], r["submitted"], r["zero_reports"])
        for r in spark.to_pylist()
        if r["unit"] == 0
    }
    reference = {
        (i, a.value, a.coverage.expected, a.coverage.submitted, a.coverage.zero_reports)
        for i, a in enumerate(python.aggregates())
    }
    print(f"root figures identical to the Python engine: {spark_root == reference}")
    if not (same and spark_root == reference):
        sys.exit(1)


RUNNERS = {"ibis": run_ibis, "sql": run_sql, "python": run_python, "loop": run_loop}


def child(args):
    plan, indicators, units, depth, _days, _month, values = load(args.data, args.case)
    plan, values = restrict(plan, indicators, values)
    times, cpus = [], []
    rows = 0
    for _ in range(args.repeat):
        seconds, out, *used = RUNNERS[args.engine](
            plan, values, case=args.case, units=units, depth=depth
        )
        rows = out if isinstance(out, int) else out.num_rows
        times.append(seconds)
        cpus.extend(used)
        del out  # a run's result is freed before the next, as in use
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.out:
        import pyarrow.parquet as pq

        _seconds, out, *_ = RUNNERS[args.engine](
            plan, values, case=args.case, units=units, depth=depth
        )
        pq.write_table(out, args.out)
    result = {"times": times, "cpus": cpus, "rows": rows, "peak_mb": peak}
    print(json.dumps(result))


def same_rows(ibis_path, sql_path):
    """Whether the engine's rows and the hand-written query's are the same, in any order."""
    import pyarrow.parquet as pq

    keys = [(k, "ascending") for k in ("ti", "unit", "indicator")]
    ours = pq.read_table(ibis_path).sort_by(keys)
    theirs = pq.read_table(sql_path).select(ours.column_names).cast(ours.schema).sort_by(keys)
    return ours.equals(theirs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=float, nargs="+", default=[1e6])
    parser.add_argument("--cases", default="rollup,stocks,completeness")
    parser.add_argument("--engines", default="ibis,sql,python,loop")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per process (the first one is set apart)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="processes per engine, the engines alternated (a busy machine slows one)",
    )
    parser.add_argument("--spark", action="store_true", help="run the rollup on local PySpark")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        child(args)
        return
    if args.spark:
        spark_rollup(int(args.values[0]) if args.values != [1e6] else 100_000)
        return
    print(
        f"| values | case | engine | median s | min-max s | first | ratio | CPU s | CPU ratio "
        f"| peak MB | rows |  (cores: {os.cpu_count()}; {args.rounds} processes x "
        f"{args.repeat} runs per engine)"
    )
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    different, compared = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(v) for v in args.values):
            path = os.path.join(tmp, f"values_{n}.parquet")
            generate(n, path)
            for case in args.cases.split(","):
                results: dict = {}
                engines = [
                    e
                    for e in args.engines.split(",")
                    if e not in ("python", "loop") or n <= PYTHON_MAX
                ]
                # The engines alternate over several processes: median and range of every run,
                # first run of the first process, highest peak.
                for engine in engines * args.rounds:
                    saved = (
                        ["--out", os.path.join(tmp, f"{engine}.parquet")]
                        if engine in ("ibis", "sql") and engine not in results
                        else []
                    )
                    out = subprocess.run(
                        [sys.executable, __file__, "--case", case, "--engine", engine,
                         "--data", path, "--repeat", str(args.repeat), *saved],
                        capture_output=True, text=True, check=True,
                    )  # fmt: skip
                    r = json.loads(out.stdout.strip().splitlines()[-1])
                    first = {"first": r["times"][0], "times": [], "cpus": []}
                    seen = results.setdefault(engine, {**r, **first})
                    # A process's first run pays its one-time costs (reported as *first*):
                    # the median is over the runs after it.
                    warm = 1 if args.repeat > 1 else 0
                    seen["times"] += r["times"][warm:]
                    seen["cpus"] += r["cpus"][warm:]
                    seen["peak_mb"] = max(seen["peak_mb"], r["peak_mb"])
                if "ibis" in results and "sql" in results:
                    ibis_path, sql_path = (
                        os.path.join(tmp, f"{e}.parquet") for e in ("ibis", "sql")
                    )
                    compared.append(f"{n:,} {case}")
                    if not same_rows(ibis_path, sql_path):
                        different.append(f"{n:,} {case}")
                for r in results.values():
                    r["seconds"] = statistics.median(r["times"])
                    r["cpu"] = statistics.median(r["cpus"]) if r["cpus"] else None
                for engine, r in results.items():
                    base = {"ibis": "sql", "python": "loop"}.get(engine)
                    ratio = (
                        f"{r['seconds'] / results[base]['seconds']:.2f}" if base in results else ""
                    )
                    cpu = "" if r["cpu"] is None else f"{r['cpu']:.2f}"
                    cpu_ratio = (
                        f"{r['cpu'] / results[base]['cpu']:.2f}"
                        if base in results and r["cpu"] and results[base]["cpu"]
                        else ""
                    )
                    print(
                        f"| {n:,} | {case} | {engine} | {r['seconds']:.2f} | "
                        f"{min(r['times']):.2f}-{max(r['times']):.2f} | {r['first']:.2f} | "
                        f"{ratio} | {cpu} | {cpu_ratio} | {r['peak_mb']:.0f} | {r['rows']:,} |",
                        flush=True,
                    )
    if different:
        print(f"the engine's rows differ from the SQL's: {', '.join(different)}")
        sys.exit(1)
    if compared:
        print(f"\nthe engine's rows equal the hand-written SQL's in: {', '.join(compared)}")
    else:
        print("\nthe engine's rows were not compared with the SQL's (ibis and sql not both run)")


if __name__ == "__main__":
    main()
