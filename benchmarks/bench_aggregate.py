"""Speed of the pure-Python aggregation engine against a naive loop run in the same process.

A 5-level tree (1 → 10 → 100 → 1,000 → 10,000 leaves), 10 flow indicators, 30 days of daily
values at the leaves (3 million values); the full rollup computes every unit over the month.
The naive baseline adds every value to a dict entry of its unit and of each of its ancestors.
Both read the same DataValue objects and produce the same sums (checked, not timed).

Run: ``python3 benchmarks/bench_aggregate.py [LEAVES] [RUNS]`` from the repository root (no
install needed). Each of the three is run RUNS times (default 3), in turn; prints the median
seconds and the ratio naive / engine of the medians (higher is better; the target is >= 2).
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


def naive(tree, values, period):
    ancestors = {u.code: [u.code, *(a.code for a in tree.ancestors(u.code))] for u in tree}
    sums = {}
    for v in values:
        n = v.numeric
        if n is None or not (period.start <= v.period.start and v.period.end <= period.end):
            continue
        for unit in ancestors[v.unit]:
            key = (v.indicator, unit, period)
            sums[key] = sums.get(key, 0) + n
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
    times: dict[str, list[float]] = {"naive": [], "engine": [], "sources": []}
    for _ in range(runs):
        t0 = time.perf_counter()
        expected = naive(tree, values, month)
        times["naive"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = aggregate(plan, values, collect_sources=False)
        times["engine"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with_sources = aggregate(plan, values, collect_sources=True)
        times["sources"].append(time.perf_counter() - t0)
    naive_s, engine_s, sources_s = (statistics.median(times[k]) for k in times)

    # Checked, not timed: the same sums (with and without provenance), and a sample of
    # provenance lists of the right length.
    same = all(result.value(*key) == total for key, total in expected.items())
    same = same and all(with_sources.value(*key) == total for key, total in expected.items())
    for key in list(expected)[:: max(1, len(expected) // 50)]:
        agg = with_sources.get_aggregate(*key)
        same = same and len(agg.sources) == agg.coverage.submitted
    print(f"median of {runs} runs each")
    print(f"{'naive add-to-every-ancestor loop':40s} {naive_s:8.2f} s")
    print(f"{'engine (no provenance)':40s} {engine_s:8.2f} s   ratio {naive_s / engine_s:5.2f}x")
    print(
        f"{'engine (with provenance)':40s} {sources_s:8.2f} s   ratio {naive_s / sources_s:5.2f}x"
    )
    print(f"same sums: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
