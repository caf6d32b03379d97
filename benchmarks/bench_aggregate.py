"""Speed of the pure-Python aggregation engine against a two-phase loop run in the same process.

A 5-level tree (1 → 10 → 100 → 1,000 → 10,000 leaves), 10 flow indicators, 30 days of daily
values at the leaves (3 million values); the full rollup computes every unit over the month.
The baseline is the best simple loop: phase 1 sums the values per (leaf, indicator) in a dict
with string keys (no ``Period`` hashed), phase 2 rolls those sums up the tree once, deepest
units first. Both read the same DataValue objects and produce the same sums (checked, not timed).

Run: ``python3 benchmarks/bench_aggregate.py [LEAVES] [RUNS]`` from the repository root (no
install needed). Each of the three is run RUNS times (default 3), in turn; prints the median
seconds with their range, and the median and range of the per-run ratios loop / engine
(higher is better: above 1 the engine is faster than the loop).
"""

import datetime
import random
import statistics
import sys
import time
from pathlib import Path

# The project is not installed in every checkout; benchmark the source tree itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from epireport.aggregate._engine import aggregate
from epireport.aggregate._plan import make_plan
from epireport.model._indicators import Indicator
from epireport.model._periods import Period
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus

FANOUT = 10
INDICATORS = 10
DAYS = 30


def build_tree(leaves):
    units = [OrgUnit("L1-0", "root")]
    level = ["L1-0"]
    depth = 1
    while len(level) < leaves:
        depth += 1
        fanout = FANOUT if len(level) * FANOUT <= leaves else max(1, leaves // len(level))
        nxt = []
        for parent in level:
            for k in range(fanout):
                code = f"L{depth}-{len(nxt)}"
                units.append(OrgUnit(code, code, parent))
                nxt.append(code)
                del k
        level = nxt
    return OrgTree(units), level


def build_values(leaves, days, rng):
    codes = [f"ind{i}" for i in range(INDICATORS)]
    values = []
    for day in days:
        for leaf in leaves:
            for code in codes:
                # DataValue() directly: the classmethods add a call per value to the set-up only.
                values.append(DataValue(code, leaf, day, ValueStatus.REPORTED, rng.randrange(100)))
    return codes, values


def two_phase(tree, values, period):
    """The best simple loop: sum per (leaf, indicator), then roll the sums up the tree once.

    Phase 1 sums into a dict per unit keyed by indicator code: string keys only, no
    ``Period`` hashed (the month is checked on its dates). Phase 2 adds each unit's totals to
    its parent's, deepest units first, so a sum moves up one level once instead of every
    value being added to every ancestor. Returns
    ``{(indicator, unit): total}`` for every unit with values below it.
    """
    parent = {u.code: u.parent for u in tree}
    bottom_up = sorted(parent, key=tree.depth, reverse=True)
    start, end = period.start, period.end
    by_unit: dict[str, dict[str, int]] = {}
    for v in values:
        n = v.numeric
        if n is None:
            continue
        p = v.period
        if p.start < start or p.end > end:
            continue
        own = by_unit.get(v.unit)
        if own is None:
            own = by_unit[v.unit] = {}
        indicator = v.indicator
        own[indicator] = own.get(indicator, 0) + n
    sums: dict[tuple[str, str], int] = {}
    for unit in bottom_up:
        own = by_unit.get(unit)
        if own is None:
            continue
        up = parent[unit]
        if up is not None:
            above = by_unit.setdefault(up, {})
            for indicator, total in own.items():
                above[indicator] = above.get(indicator, 0) + total
        for indicator, total in own.items():
            sums[indicator, unit] = total
    return sums


def main():
    leaves_wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(20200229)
    t0 = time.perf_counter()
    tree, leaves = build_tree(leaves_wanted)
    first = datetime.date(2020, 2, 1)
    days = [Period.day(first + datetime.timedelta(days=i)) for i in range(DAYS)]
    month = Period.interval(first, first + datetime.timedelta(days=DAYS - 1))
    codes, values = build_values(leaves, days, rng)
    setup = time.perf_counter() - t0
    print(f"tree: {len(tree)} units, {tree.height} levels, {len(leaves)} leaves")
    print(f"values: {len(values):,} ({INDICATORS} indicators x {DAYS} days), set-up {setup:.1f} s")

    indicators = [Indicator(code=c, name=c) for c in codes]
    plan = make_plan(tree, indicators, [(u, month) for u in tree.codes])

    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times: dict[str, list[float]] = {"loop": [], "engine": [], "sources": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        expected = two_phase(tree, values, month)
        times["loop"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = aggregate(plan, values, collect_sources=False)
        times["engine"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with_sources = aggregate(plan, values, collect_sources=True)
        times["sources"].append(time.perf_counter() - t0)

    # Checked, not timed: the same sums (with and without provenance), and a sample of
    # provenance lists of the right length.
    same = all(result.value(i, u, month) == total for (i, u), total in expected.items())
    same = same and all(
        with_sources.value(i, u, month) == total for (i, u), total in expected.items()
    )
    for i, u in list(expected)[:: max(1, len(expected) // 50)]:
        agg = with_sources.get_aggregate(i, u, month)
        same = same and len(agg.sources) == agg.coverage.submitted
    loop = times["loop"]
    print(f"median of {runs} runs each (min-max); ratio = loop / engine, per run")
    print(f"{'two-phase loop (leaf sums, then rollup)':40s} {spread(loop)}")
    for name, label in (("engine", "no provenance"), ("sources", "with provenance")):
        ratios = [a / b for a, b in zip(loop, times[name], strict=True)]
        print(f"{'engine (' + label + ')':40s} {spread(times[name])}   ratio {spread(ratios, 'x')}")
    print(f"same sums: {same}")
    if not same:
        sys.exit(1)


def spread(xs, unit=" s"):
    """The median and the range of *xs*: ``1.23 s (1.20-1.31)``."""
    return f"{statistics.median(xs):5.2f}{unit} ({min(xs):.2f}-{max(xs):.2f})"


if __name__ == "__main__":
    main()
