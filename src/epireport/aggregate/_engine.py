"""The pure-Python aggregation engine: the reference semantics of an :class:`AggregationPlan`.

See :mod:`epireport.aggregate._plan` for the semantics. What keeps it fast on large inputs
(``benchmarks/README.md`` has the figures):

* **Integer indexes.** Unit, indicator and target-period codes are mapped to list positions
  once, by the :class:`~epireport.aggregate._layout.Layout` the Ibis engine uses too (with
  ``map()``, in C); the value loop does no string work.
* **Sparse, bottom-up rollup.** Values are first combined over time into one small state per
  (target period, indicator, unit that has values). The rollup then visits only those units
  and their ancestors, deepest first, each merging into its parent once; units without data
  are never visited. What they would contribute (their expected report slots) does not depend
  on the data and is computed from the number of leaves under each unit, on demand.
* **Fused leaves.** When provenance is not collected, a leaf that is not itself a target
  writes a value of a summed indicator (time and units both ``sum``, or a ``last``-value stock
  summed across units) straight into the cells of the nearest ancestor that needs a figure (a
  target, or a unit with values of its own), skipping the intermediate units: a sum does not
  care where it was grouped, and a leaf has no children whose figures its own could shadow.
  A leaf that is a target keeps a flat row and feeds its parent's cells. Cells and rows are
  flat lists (no object per figure); a stock keeps its last value per leaf until the end.
* **Results on demand.** :meth:`PythonEngine.execute` returns an :class:`AggregateSet` that
  holds the rollup's records and builds each :class:`Aggregate` (and its sources, walking the
  tree) when it is looked up, once, through the trusted constructors: a report reads a few
  hundred of the millions of aggregates a full rollup of a large tree plans.

The order in which figures are combined is the reference's (children in reverse preorder),
except inside fused sums, whose result does not depend on it. The rules themselves, written
plainly, are :class:`epireport.testing.SpecificationEngine`; the tests hold this engine to it.
"""

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

from epireport.aggregate._categories import traced
from epireport.aggregate._layout import Layout, Placement
from epireport.aggregate._plan import AggregationPlan, IndicatorPlan
from epireport.aggregate._results import (
    Aggregate,
    AggregateSet,
    AggregateStatus,
    Coverage,
    derive,
)
from epireport.model._indicators import Aggregation
from epireport.model._periods import Period
from epireport.model._values import DataValue, Value, ValueStatus

__all__ = ["PythonEngine", "aggregate"]

_SUM, _AVERAGE, _MIN, _MAX, _LAST, _COUNT, _NONE = range(7)
_OP = {
    Aggregation.SUM: _SUM,
    Aggregation.AVERAGE: _AVERAGE,
    Aggregation.MIN: _MIN,
    Aggregation.MAX: _MAX,
    Aggregation.LAST: _LAST,
    Aggregation.COUNT: _COUNT,
    Aggregation.NONE: _NONE,
}

_NO_KEY: tuple[Any, ...] = ()

# Positions in a unit's rolled-up record: its figure so far (accumulator, count of pooled
# values, last-value key, number of contributing units), its report counts, why it is
# undefined, and how far its expected slots differ from "every leaf under it reports"
# (self-reporting units below it count their own slots instead of their leaves').
_R_ACC, _R_CNT, _R_KEY, _R_CON, _R_SUB, _R_ZERO, _R_MISS, _R_NA, _R_UNDEF, _R_DEXP = range(10)

# How an indicator's values are read: into per-unit states, or fused into an ancestor.
_GENERAL, _FUSED_SUM, _FUSED_LAST = range(3)
# Routes of a leaf's fused values in a target period: the per-unit state, or nowhere.
_OWN, _DROP = -1, -2
# Slots per (period, indicator) in a collector's cells and in a target leaf's row, and the
# most slots either may take (about 100 MB) before fusion is left to the general path.
_CELL, _ROW = 5, 3
_FLAT_LIMIT = 12_000_000

_REPORTED = ValueStatus.REPORTED
_ZERO_REPORT = ValueStatus.ZERO_REPORT
_MISSING = ValueStatus.MISSING

_VALUE = AggregateStatus.VALUE
_NOTHING = "no value was expected or submitted"
#: A base figure without its sources: status, value, coverage (expected, submitted,
#: zero-reports) and the reason it has no value.
_Outcome = tuple[AggregateStatus, Any, int, int, int, str]
_UNIT_OF = attrgetter("unit")
_INDICATOR_OF = attrgetter("indicator")


def _figure(v: DataValue) -> Any:
    """A submitted value's figure: its value, or 0 for a zero-report."""
    return v.value if v.status is _REPORTED else 0


class _State:
    """One unit's own values of one indicator in one target period, combined over time."""

    __slots__ = (
        "acc",
        "exact",
        "fallback",
        "fallback_key",
        "fallback_source",
        "key",
        "missing",
        "n",
        "not_applicable",
        "sources",
        "submitted",
        "values",
        "zero",
    )

    def __init__(self) -> None:
        #: The figure so far (sum, extreme, last value ...; None: no value yet).
        self.acc: Any = None
        #: Values pooled into ``acc`` (averages).
        self.n = 0
        #: When the last value was for, ``(end, start)`` of its period (``last``).
        self.key: Any = None
        #: A stock's look-back: the latest value before the period, its key and the value.
        self.fallback: Any = None
        self.fallback_key: Any = None
        self.fallback_source: DataValue | None = None
        #: Report slots filled, of which by zero-reports; missing and n/a markers.
        self.submitted = 0
        self.zero = 0
        self.missing = 0
        self.not_applicable = 0
        #: Submitted values inside the period (a value or a zero-report).
        self.values = 0
        #: The values read inside the period (provenance; left empty when not collected).
        self.sources: list[DataValue] = []
        #: Whether the value of a ``none`` indicator is for exactly the target period.
        self.exact = False


def _new_record() -> list[Any]:
    return [None, 0, _NO_KEY, 0, 0, 0, 0, 0, None, 0]


def _divide(numerator: Value, denominator: Value) -> Decimal:
    return Decimal(numerator) / Decimal(denominator)


class PythonEngine:
    """Execute an :class:`AggregationPlan` over data values, in pure Python.

    ``collect_sources`` keeps, for every aggregate, the data values it was computed from
    (provenance for facts: :func:`epireport.facts.compute_facts` asks for it); leave it off for
    speed when only figures are needed (``check``, benchmarks, large data), which also lets
    the engine fuse leaf values into their ancestors' sums.
    """

    def __init__(self, *, collect_sources: bool = True) -> None:
        self.collect_sources = collect_sources

    def execute(self, plan: AggregationPlan, values: Iterable[DataValue]) -> AggregateSet:
        """Compute every planned aggregate from *values* (values of unknown units are ignored).

        The aggregates are built when looked up; the figures are all computed here. The
        category axis of disaggregated indicators is resolved first (see
        :mod:`epireport.aggregate._categories`); sources are the data values as stated.
        """
        categories = plan.categories
        if categories:
            collect = self.collect_sources
            return traced(lambda resolved: _Run(plan, collect).run(resolved), categories, values)
        return _Run(plan, self.collect_sources).run(values)


def aggregate(
    plan: AggregationPlan, values: Iterable[DataValue], *, collect_sources: bool = True
) -> AggregateSet:
    """Execute *plan* over *values* with the :class:`PythonEngine`."""
    return PythonEngine(collect_sources=collect_sources).execute(plan, values)


class _Run:
    """One execution: the integer indexes, the per-value states and the bottom-up rollup."""

    def __init__(self, plan: AggregationPlan, collect: bool) -> None:
        self.plan = plan
        self.collect = collect
        # The plan's side (indexes, target periods, expected slots), shared with Ibis.
        layout = self.layout = Layout(plan)
        self.n = layout.n
        self.unit_index = layout.unit_index
        self.parent = layout.parent
        self.is_leaf = layout.is_leaf
        self.dated = layout.dated_set
        self.base = layout.base
        self.indicator_index = layout.indicator_index
        self.time_ops = [_OP[p.time] for p in self.base]
        self.unit_ops = [_OP[p.unit] for p in self.base]
        self.target_keys = layout.target_keys
        self.periods = layout.periods
        self.period_index = layout.period_index
        self.slots = layout.slots
        self.targets_by_period = layout.targets_by_period
        # Each value period's placement (from the layout) with its key in time.
        self._placements: dict[Period, tuple[Placement, Any]] = {}
        self._needed: list[dict[int, bool]] = [{} for _ in self.periods]
        self._children: list[list[int]] | None = None
        # Filled by run(): the per-unit states and the rolled-up records, per period and
        # indicator, keyed by unit index.
        self.own: list[list[dict[int, _State]]] = []
        self.records: list[list[dict[int, list[Any]]]] = []
        # Fused stocks: per period and indicator, leaf -> (key, last value, collector), for
        # values inside the period and for look-back values before it.
        self.lasts: list[list[dict[int, Any]]] = []
        self.fallbacks: list[list[dict[int, Any]]] = []
        # Leaves that are targets, fused indicators: one flat row per leaf (see _read).
        self.modes: list[int] = []
        self.routes: list[list[int | None]] = []
        # Target leaves' rows, one flat list: a leaf's row starts at row_at[leaf] (-1: none;
        # row_at empty: no rows at all).
        self.row_at: list[int] = []
        self.flat_rows: list[Any] = []
        # Fused indicators' collectors: per unit a block of cells (figure, slots filled,
        # zero-report slots, missing and not-applicable markers) per period and indicator.
        self.cells: list[Any] = []
        self.cell_offset: dict[int, int] = {}
        self.cell_units: list[int] = []
        self._cell_block: list[Any] = []
        self.rare: dict[tuple[int, int, int], list[int]] = {}
        self.row_fallbacks: dict[tuple[int, int, int], tuple[Any, DataValue, int]] = {}

    # ------------------------------------------------------------------ reading values

    def _place(self, p: Period) -> tuple[Placement, Any]:
        """Where a value of period *p* counts (see :meth:`Layout.place`), and its key in time."""
        placed = (self.layout.place(p), (p.end, p.start))
        self._placements[p] = placed
        return placed

    def _route(self, ti: int, ui: int, stops: set[int]) -> int:
        """Where a value of unit *ui* goes for period *ti* when its indicator is fused.

        ``_OWN``: into the unit's own state; ``_DROP``: nowhere (no target above it); ``>= 0``:
        the offset of the cells of the nearest ancestor that needs a figure; ``<= -3``: into
        the leaf's row (it is a target), and into the cells of its parent at offset
        ``-4 - code`` when that is >= 0.
        """
        targets = self.targets_by_period[ti]
        if not self.is_leaf[ui]:
            return _OWN
        parent = self.parent
        if ui in targets:
            if not self.row_at:
                return _OWN
            p = parent[ui]
            return -4 - (self._cells_of(p) if p >= 0 and self._is_needed(ti, p) else -1)
        # The transparent units in between neither are targets nor have values: their
        # figure is their children's, and nothing reads it.
        a = parent[ui]
        while a >= 0 and a not in targets and a not in stops:
            a = parent[a]
        return _DROP if a < 0 else self._cells_of(a)

    def _cells_of(self, unit: int) -> int:
        """The offset of *unit*'s block of cells (one per period and indicator), made once."""
        offset = self.cell_offset.get(unit)
        if offset is None:
            offset = self.cell_offset[unit] = len(self.cells)
            self.cell_units.append(unit)
            self.cells.extend(self._cell_block)
        return offset

    def _fusion(self, units: list[int | None], modes: list[int]) -> set[int]:
        """Decide on rows and cells for fused indicators; return the units that stop fusion.

        Fusion keeps its sums in flat lists (contiguous, no object per figure): a row per
        leaf that is a target, a block of cells per unit collecting fused leaves. When those
        would be large, the indicators are read the general way instead.
        """
        is_leaf = self.is_leaf
        holding = set(units)
        # Units with children that have values of their own stop fusion: their own figures
        # shadow their children's (any indicator, any period: a cheap superset).
        stops = {ui for ui in holding if ui is not None and not is_leaf[ui]}
        if all(
            ui is None or not is_leaf[ui] or ui in targets
            for targets in self.targets_by_period
            for ui in holding
        ):
            # Every leaf with values is a target (a report's own units, each with its own
            # figure): fusion would skip no unit and write each value twice, into the leaf's
            # row and its parent's cells. The general way is cheaper then.
            modes[:] = [_GENERAL] * len(modes)
            return stops
        parent = self.parent
        collectors = set(stops)
        target_leaves: set[int] = set()
        for targets in self.targets_by_period:
            for ui in targets:
                if is_leaf[ui]:
                    target_leaves.add(ui)
                    if parent[ui] >= 0:
                        collectors.add(parent[ui])
                else:
                    collectors.add(ui)
        slots = len(self.periods) * len(modes)
        if len(collectors) * slots * _CELL > _FLAT_LIMIT:
            modes[:] = [_GENERAL] * len(modes)
            return stops
        self._cell_block = [None, 0, 0, 0, 0] * slots
        if len(target_leaves) * slots * _ROW <= _FLAT_LIMIT:
            self.row_at = [-1] * self.n
        return stops

    def _read(self, values: Sequence[DataValue], modes: list[int]) -> None:
        collect = self.collect
        unit_index = self.unit_index
        indicator_index = self.indicator_index
        time_ops = self.time_ops
        placements = self._placements
        dated = self.dated
        own = self.own
        periods = self.periods
        nb = len(modes)
        # Unit and indicator positions of every value, looked up in C.
        units = list(map(unit_index.get, map(_UNIT_OF, values)))
        stops = self._fusion(units, modes) if any(modes) else set()
        fusing = any(modes)
        row_at = self.row_at
        flat = self.flat_rows
        template: list[Any] = [None, 0, 0] * (len(periods) * nb)
        cells = self.cells
        # Rare row entries: missing / not-applicable counts and look-back values.
        rare = self.rare
        row_fallbacks = self.row_fallbacks
        # Stocks of target leaves: which row slot's last value goes into which cell.
        feed_slots: list[int] = []
        feed_cells: list[int] = []
        # Each leaf's route, per target period; periods with the same targets share it.
        shared: dict[frozenset[int], list[int | None]] = {}
        routes = self.routes = [
            shared.setdefault(frozenset(t), [None] * self.n if fusing else [])
            for t in self.targets_by_period
        ]
        lasts = self.lasts = [[{} for _ in modes] for _ in periods]
        fallbacks = self.fallbacks = [[{} for _ in modes] for _ in periods]
        # Placements by the period object's id first: a Period hashes in Python, an id does
        # not, and the values (which keep their periods alive) are held for the whole run.
        by_id: dict[int, tuple[tuple[tuple[int, int, bool], ...], Any]] = {}
        # The last value's period and placement: values come in runs of one period (a day's
        # figures of every unit), found again without a lookup.
        last_p: Period | None = None
        found: tuple[tuple[tuple[int, int, bool], ...], Any] = ((), None)
        indicators = map(indicator_index.get, map(_INDICATOR_OF, values))
        for v, ui, ii in zip(values, units, indicators, strict=True):
            if ii is None or ui is None:
                continue
            p = v.period
            if p is not last_p:
                last_p = p
                placing = by_id.get(id(p))
                if placing is None:
                    placing = placements.get(p)
                    if placing is None:
                        placing = self._place(p)
                    by_id[id(p)] = placing
                found = placing
            placed, key = found
            if not placed:
                continue
            status = v.status
            if status is _REPORTED:
                x = v.value
            elif status is _ZERO_REPORT:
                x = 0
            else:
                x = None
            mode = modes[ii]
            for ti, filled, inside in placed:
                if mode:
                    route = routes[ti]
                    c = route[ui]
                    if c is None:
                        c = route[ui] = self._route(ti, ui, stops)
                    if c >= 0:
                        # A leaf that is no target: straight into its collector's cells.
                        k = c + (ti * nb + ii) * _CELL
                        if x is None:
                            if inside:
                                cells[k + (3 if status is _MISSING else 4)] += 1
                            continue
                        if dated and ui in dated:
                            filled = self.layout.dated_fill(ui, ti, p) if inside else 0
                        if mode == _FUSED_SUM:
                            if inside:
                                acc = cells[k]
                                cells[k] = x if acc is None else acc + x
                                cells[k + 1] += filled
                                if status is _ZERO_REPORT:
                                    cells[k + 2] += filled
                            continue
                        # The value itself is kept (no tuple to allocate); its key is
                        # rebuilt only when a second value of the leaf turns up.
                        last = (lasts if inside else fallbacks)[ti][ii]
                        seen = last.get(ui)
                        if seen is None or key > (seen.period.end, seen.period.start):
                            last[ui] = v
                        if inside:
                            cells[k + 1] += filled
                            if status is _ZERO_REPORT:
                                cells[k + 2] += filled
                        continue
                    if c <= -3:
                        # A leaf that is a target: its row, and its parent's cells.
                        j = row_at[ui]
                        if j < 0:
                            j = row_at[ui] = len(flat)
                            flat.extend(template)
                        j += (ti * nb + ii) * _ROW
                        k = -4 - c
                        if k >= 0:
                            k += (ti * nb + ii) * _CELL
                        if x is None:
                            if inside:
                                m = rare.get((ti, ii, ui))
                                if m is None:
                                    m = rare[ti, ii, ui] = [0, 0]
                                m[status is not _MISSING] += 1
                                if k >= 0:
                                    cells[k + (3 if status is _MISSING else 4)] += 1
                            continue
                        if not inside:
                            if mode == _FUSED_LAST:
                                seen = row_fallbacks.get((ti, ii, ui))
                                if seen is None or key > seen[0]:
                                    row_fallbacks[ti, ii, ui] = (key, v, k)
                            continue
                        if dated and ui in dated:
                            filled = self.layout.dated_fill(ui, ti, p)
                        acc = flat[j]
                        if mode == _FUSED_SUM:
                            flat[j] = x if acc is None else acc + x
                            if k >= 0:
                                acc = cells[k]
                                cells[k] = x if acc is None else acc + x
                        elif acc is None:
                            flat[j] = v
                            if k >= 0:
                                feed_slots.append(j)
                                feed_cells.append(k)
                        elif key > (acc.period.end, acc.period.start):
                            flat[j] = v
                        flat[j + 1] += filled
                        if k >= 0:
                            cells[k + 1] += filled
                        if status is _ZERO_REPORT:
                            flat[j + 2] += filled
                            if k >= 0:
                                cells[k + 2] += filled
                        continue
                    if c == _DROP:
                        continue
                bucket = own[ti][ii]
                st = bucket.get(ui)
                if st is None:
                    st = bucket[ui] = _State()
                if x is None:
                    if inside:
                        if status is _MISSING:
                            st.missing += 1
                        else:
                            st.not_applicable += 1
                        if collect:
                            st.sources.append(v)
                    continue
                op = time_ops[ii]
                if not inside:
                    # Look-back: only a stock's LAST reads values before the period.
                    if op == _LAST and (st.fallback_key is None or key > st.fallback_key):
                        st.fallback, st.fallback_key, st.fallback_source = x, key, v
                    continue
                if dated and ui in dated:
                    filled = self.layout.dated_fill(ui, ti, p)
                st.values += 1
                st.submitted += filled
                if status is _ZERO_REPORT:
                    st.zero += filled
                if collect:
                    st.sources.append(v)
                if op == _SUM:
                    acc = st.acc
                    st.acc = x if acc is None else acc + x
                elif op == _LAST:
                    if st.key is None or key > st.key:
                        st.acc, st.key = x, key
                elif op == _AVERAGE:
                    acc = st.acc
                    st.acc = x if acc is None else acc + x
                    st.n += 1
                elif op == _MIN:
                    acc = st.acc
                    if acc is None or x < acc:
                        st.acc = x
                elif op == _MAX:
                    acc = st.acc
                    if acc is None or x > acc:
                        st.acc = x
                elif op == _NONE and p == periods[ti]:
                    st.acc = x
                    st.exact = True
        if fusing:
            self._settle(feed_slots, feed_cells, nb)

    def _settle(self, feed_slots: list[int], feed_cells: list[int], nb: int) -> None:
        """Finish fusion: add the stocks' last values, turn the cells into records."""
        cells = self.cells
        # A fused stock's last value per leaf is known only now.
        flat = self.flat_rows
        for j, k in zip(feed_slots, feed_cells, strict=True):
            x = _figure(flat[j])
            acc = cells[k]
            cells[k] = x if acc is None else acc + x
        for (ti, ii, ui), (_key, v, cell) in self.row_fallbacks.items():
            j = self.row_at[ui]
            if cell >= 0 and j >= 0 and flat[j + (ti * nb + ii) * _ROW] is None:
                x = _figure(v)
                acc = cells[cell]
                cells[cell] = x if acc is None else acc + x
        for ti, (lasts, fallbacks) in enumerate(zip(self.lasts, self.fallbacks, strict=True)):
            route = self.routes[ti]
            for ii in range(nb):
                last = lasts[ii]
                offset = (ti * nb + ii) * _CELL
                for ui, v in last.items():
                    k = route[ui] + offset  # type: ignore[operator]  # routed: an int >= 0
                    x = _figure(v)
                    acc = cells[k]
                    cells[k] = x if acc is None else acc + x
                for ui, v in fallbacks[ii].items():
                    if ui not in last:
                        k = route[ui] + offset  # type: ignore[operator]
                        x = _figure(v)
                        acc = cells[k]
                        cells[k] = x if acc is None else acc + x
        records = self.records
        for block, unit in enumerate(self.cell_units):
            k = block * len(self._cell_block)
            for ti in range(len(self.periods)):
                bucket_row = records[ti]
                for ii in range(nb):
                    acc, sub, zero, miss, na = cells[k : k + _CELL]
                    k += _CELL
                    if acc is None and not sub and not miss and not na:
                        continue
                    # A fused sum adds values, not units: with a figure it has a contributor
                    # (how many does not matter to a sum).
                    con = 0 if acc is None else 1
                    bucket_row[ii][unit] = [acc, con, _NO_KEY, con, sub, zero, miss, na, None, 0]

    # ------------------------------------------------------------------ the rollup's extent

    def _is_needed(self, ti: int, ui: int) -> bool:
        """Whether *ui* lies in the subtree of a target of period *ti* (only those roll up)."""
        memo = self._needed[ti]
        found = memo.get(ui)
        if found is not None:
            return found
        targets = self.targets_by_period[ti]
        path = []
        a = ui
        result = False
        while a >= 0:
            known = memo.get(a)
            if known is not None:
                result = known
                break
            if a in targets:
                result = True
                break
            path.append(a)
            a = self.parent[a]
        for u in path:
            memo[u] = result
        memo[ui] = result
        return result

    # ------------------------------------------------------------------ rolling up

    def run(self, values: Iterable[DataValue]) -> AggregateSet:
        """Read *values*, roll every (target period, indicator) up and wrap the records."""
        if not isinstance(values, list | tuple):
            values = list(values)
        modes = self.modes = [self._mode(p) for p in self.base]
        self.own = [[{} for _ in self.base] for _ in self.periods]
        self.records = [[{} for _ in self.base] for _ in self.periods]
        self._read(values, modes)
        for ti in range(len(self.periods)):
            for ii in range(len(self.base)):
                self._rollup(ti, ii)
        return _Result(self)

    def _mode(self, plan: IndicatorPlan) -> int:
        if self.collect or plan.unit is not Aggregation.SUM:
            # Provenance lists the values per unit in the reference's order: no fusion.
            return _GENERAL
        if plan.time is Aggregation.SUM:
            return _FUSED_SUM
        if plan.time is Aggregation.LAST:
            return _FUSED_LAST
        return _GENERAL

    def _rollup(self, ti: int, ii: int) -> None:
        """Roll the states of (*ti*, *ii*) up the tree, children before their parents."""
        own = self.own[ti][ii]
        records = self.records[ti][ii]
        if not own and not records:
            return
        top = self.time_ops[ii]
        uop = self.unit_ops[ii]
        parent = self.parent
        is_leaf = self.is_leaf
        is_needed = self._is_needed
        needed = self._needed[ti]
        internal: list[int] = []
        if uop == _SUM and top in (_SUM, _LAST, _MIN, _MAX, _COUNT):
            # Leaves first, in any order: their figures are plain values (never undefined),
            # and a sum of them does not depend on the order it is taken in.
            for u, st in own.items():
                if not is_leaf[u]:
                    internal.append(u)
                    continue
                pu = parent[u]
                if pu < 0:
                    continue
                ok = needed.get(pu)
                if ok is None:
                    ok = is_needed(ti, pu)
                if not ok:
                    continue
                pr = records.get(pu)
                if pr is None:
                    pr = records[pu] = [None, 0, _NO_KEY, 0, 0, 0, 0, 0, None, 0]
                if st.values:
                    x = st.values if top == _COUNT else st.acc
                elif st.fallback is not None:
                    x = st.fallback
                else:
                    pr[_R_MISS] += st.missing
                    pr[_R_NA] += st.not_applicable
                    continue
                acc = pr[_R_ACC]
                pr[_R_ACC] = x if acc is None else acc + x
                pr[_R_CNT] += 1
                pr[_R_CON] += 1
                pr[_R_SUB] += st.submitted
                pr[_R_ZERO] += st.zero
                pr[_R_MISS] += st.missing
                pr[_R_NA] += st.not_applicable
            todo = set(internal)
        else:
            todo = set(own)
        todo.update(records)
        # Every unit to visit: those with data and their ancestors up to the last target.
        for u in list(todo):
            pu = parent[u]
            while pu >= 0 and pu not in todo:
                ok = needed.get(pu)
                if ok is None:
                    ok = is_needed(ti, pu)
                if not ok:
                    break
                todo.add(pu)
                pu = parent[pu]
        # Reverse preorder: children before parents, siblings last first as in the reference
        # (it decides which of equal last values or extremes is kept).
        rec: list[Any] | None
        for u in sorted(todo, reverse=True):
            mine = own.get(u)
            leaf = is_leaf[u]
            if mine is not None and (mine.values > 0 or mine.fallback is not None):
                # The unit reports the indicator itself: what its children merged is dropped.
                rec = self._own(ti, u, mine, top, uop, 0 if leaf else None)
                if not leaf:
                    records[u] = rec
            else:
                rec = records.get(u)
                if rec is None:
                    rec = [None, 0, _NO_KEY, 0, 0, 0, 0, 0, None, 0]
                    if not leaf:
                        records[u] = rec
                if mine is not None:
                    rec[_R_MISS] += mine.missing
                    rec[_R_NA] += mine.not_applicable
            pu = parent[u]
            if pu < 0 or pu not in todo:
                continue
            pr = records.get(pu)
            if pr is None:
                # The first child's record is the parent's (a copy: the child's own record
                # is kept for its own aggregate unless it is a leaf's).
                records[pu] = rec if leaf else list(rec)
                continue
            if rec[_R_UNDEF] is not None and pr[_R_UNDEF] is None:
                pr[_R_UNDEF] = rec[_R_UNDEF]
            pr[_R_SUB] += rec[_R_SUB]
            pr[_R_ZERO] += rec[_R_ZERO]
            pr[_R_MISS] += rec[_R_MISS]
            pr[_R_NA] += rec[_R_NA]
            pr[_R_DEXP] += rec[_R_DEXP]
            if rec[_R_CON]:
                value = rec[_R_ACC]
                current = pr[_R_ACC]
                if uop in (_SUM, _AVERAGE):
                    pr[_R_ACC] = value if current is None else current + value
                    pr[_R_CNT] += rec[_R_CNT]
                elif uop == _MIN:
                    if current is None or value < current:
                        pr[_R_ACC] = value
                elif uop == _MAX:
                    if current is None or value > current:
                        pr[_R_ACC] = value
                elif uop == _LAST:
                    if current is None or rec[_R_KEY] > pr[_R_KEY]:
                        pr[_R_ACC], pr[_R_KEY] = value, rec[_R_KEY]
                elif uop == _NONE:
                    pr[_R_ACC] = value
                pr[_R_CON] += rec[_R_CON]

    def _own(self, ti: int, u: int, st: _State, top: int, uop: int, dexp: int | None) -> list[Any]:
        """The record of unit *u* from its own values (time aggregation done here)."""
        if dexp is None:
            dexp = self.layout.open_slots(ti, u) - self.layout.leaf_slots(ti, u)
        sub, zero, miss, na = st.submitted, st.zero, st.missing, st.not_applicable
        if st.values == 0:  # only the look-back value
            return [st.fallback, 1, st.fallback_key, 1, sub, zero, miss, na, None, dexp]
        value: Any = st.acc
        count = 1
        key = _NO_KEY
        if top == _AVERAGE:
            if uop == _AVERAGE:
                # Pooled: the parent divides the sum of all values by their number.
                count = st.n
            elif st.n:
                value = _divide(value, st.n)
        elif top == _LAST:
            key = st.key
        elif top == _COUNT:
            value = st.values
        elif top == _NONE and not (st.values == 1 and st.exact):
            reason = (
                f"unit {self.plan.units[u].code!r} has {st.values} values within "
                f"{self.periods[ti]} and the indicator is not aggregated over time"
            )
            return [None, 0, key, 0, sub, zero, miss, na, reason, dexp]
        return [value, count, key, 1, sub, zero, miss, na, None, dexp]

    # ------------------------------------------------------------------ reading results

    def record(self, ti: int, ii: int, u: int) -> tuple[list[Any] | None, bool]:
        """Unit *u*'s final record for (*ti*, *ii*) (None: no data), and if it self-reports."""
        if self.modes[ii] and self.row_at and self.is_leaf[u]:
            code = self.routes[ti][u]
            if code is not None and code <= -3:
                return self._row_record(ti, ii, u), False
        st = self.own[ti][ii].get(u)
        reports = st is not None and (st.values > 0 or st.fallback is not None)
        rec = self.records[ti][ii].get(u)
        if rec is None and st is not None:
            # Leaves keep no record (their parent took it over): rebuild it from the state.
            if reports:
                rec = self._own(ti, u, st, self.time_ops[ii], self.unit_ops[ii], 0)
            else:
                rec = _new_record()
                rec[_R_MISS], rec[_R_NA] = st.missing, st.not_applicable
        return rec, reports

    def _row_record(self, ti: int, ii: int, u: int) -> list[Any] | None:
        """The record of a leaf whose fused values went into its row."""
        start = self.row_at[u]
        if start < 0:
            return None
        row = self.flat_rows
        k = start + (ti * len(self.modes) + ii) * _ROW
        rec = _new_record()
        figure = row[k]
        if self.modes[ii] == _FUSED_LAST:
            if figure is None:
                fallback = self.row_fallbacks.get((ti, ii, u))
                figure = None if fallback is None else fallback[1]
            if figure is not None:
                p = figure.period
                rec[_R_KEY], figure = (p.end, p.start), _figure(figure)
        if figure is not None:
            rec[_R_ACC], rec[_R_CNT], rec[_R_CON] = figure, 1, 1
        rec[_R_SUB], rec[_R_ZERO] = row[k + 1], row[k + 2]
        counts = self.rare.get((ti, ii, u))
        if counts is not None:
            rec[_R_MISS], rec[_R_NA] = counts
        return rec

    def sources(self, ti: int, ii: int, u: int) -> tuple[DataValue, ...]:
        """The values behind unit *u*'s figure, in the reference's order.

        Children in reverse preorder, then the unit's own missing markers; a unit that
        reports the indicator itself lists its own values only.
        """
        if not self.collect:
            return ()
        own = self.own[ti][ii]
        records = self.records[ti][ii]
        children = self._children
        if children is None:
            children = self._children = [[] for _ in range(self.n)]
            for i, p in enumerate(self.parent):
                if p >= 0:
                    children[p].append(i)
        out: list[DataValue] = []
        # Depth-first, iterative (trees may be deep): (unit, children done?).
        stack: list[tuple[int, bool]] = [(u, False)]
        while stack:
            a, done = stack.pop()
            st = own.get(a)
            if done:
                if st is not None:
                    out.extend(st.sources)
                continue
            if st is not None and (st.values > 0 or st.fallback is not None):
                out.extend(st.sources)
                if st.values == 0 and st.fallback_source is not None:
                    out.append(st.fallback_source)
                continue
            stack.append((a, True))
            # Pushed first child first, so the last child is read first (reverse preorder).
            stack.extend((c, False) for c in children[a] if c in records or c in own)
        return tuple(out)


class _Result(AggregateSet):
    """The engine's aggregates, built from its records when looked up (then kept).

    A check of the figures (:meth:`figures`) and a look at one figure (:meth:`value`) are
    answered from the records alone, without building the aggregate and its sources: a
    report checks every planned figure and compares with two earlier periods, but states
    the figures of one period.
    """

    def __init__(self, run: _Run) -> None:
        self._run = run
        self._items = {}  # the base class's: this one keeps its aggregates in _built
        plan = run.plan
        self._codes = [p.code for p in plan.indicators]
        # Each code's plan and its base position (None: a rate or ratio, derived).
        self._kinds = {
            p.code: (p, None if p.is_computed else run.indicator_index[p.code])
            for p in plan.indicators
        }
        self._keys = run.target_keys
        # The target periods by object id (a Period hashes in Python; callers pass the very
        # objects they planned with), and the aggregates built, by period position.
        self._period_ids = {id(p): (p, ti) for ti, p in enumerate(run.periods)}
        self._built: dict[tuple[int, str, int], Aggregate] = {}
        # Each base figure's outcome (see _outcome) by (period, indicator, unit) position.
        self._outcomes: dict[tuple[int, int, int], _Outcome] = {}

    def __len__(self) -> int:
        return len(self._keys) * len(self._codes)

    def __iter__(self) -> Iterator[tuple[str, str, Period]]:
        units = self._run.plan.units
        periods = self._run.periods
        codes = self._codes
        for ti, ui in self._keys:
            unit = units[ui].code
            period = periods[ti]
            for code in codes:
                yield code, unit, period

    def _position(self, key: object) -> tuple[int, int, IndicatorPlan, int | None] | None:
        """The (period, unit) positions, plan and base position of a planned *key*.

        None when *key* was not planned; the base position is None for a rate or ratio.
        """
        if not isinstance(key, tuple) or len(key) != 3:
            return None  # any key may be asked for: Mapping.get, `in`
        code, unit, period = key
        run = self._run
        kind = self._kinds.get(code)
        ui = run.unit_index.get(unit)
        if kind is None or ui is None:
            return None
        seen = self._period_ids.get(id(period))
        ti = seen[1] if seen is not None and seen[0] is period else run.period_index.get(period)
        if ti is None or (ti, ui) not in self._keys:
            return None
        return ti, ui, kind[0], kind[1]

    def _find(self, key: tuple[str, str, Period]) -> Aggregate | None:
        position = self._position(key)
        if position is None:
            return None
        ti, ui, plan, ii = position
        code, unit, period = key
        found = self._built.get((ti, code, ui))
        if found is not None:
            return found
        if ii is None:
            num = self._find((plan.numerator or "", unit, period))
            den = self._find((plan.denominator or "", unit, period))
            # Planned before it, for the same target.
            assert num is not None
            assert den is not None
            built = derive(plan, num, den)
        else:
            built = self._build(ti, ii, ui, plan, unit, period)
        self._built[ti, code, ui] = built
        return built

    def value(self, indicator: str, unit: str, period: Period) -> Value | None:
        """Return the figure, or ``None`` when there is none (or it was not planned)."""
        # _position, inline: a report asks for a few hundred figures this way.
        run = self._run
        kind = self._kinds.get(indicator)
        ui = run.unit_index.get(unit)
        if kind is None or ui is None:
            return None
        seen = self._period_ids.get(id(period))
        ti = seen[1] if seen is not None and seen[0] is period else run.period_index.get(period)
        if ti is None or (ti, ui) not in self._keys:
            return None
        ii = kind[1]
        if ii is None:
            built = self._find((indicator, unit, period))
            return None if built is None else built.value
        # A base figure's value is its outcome's, whether its aggregate was built or not.
        outcome = self._outcomes.get((ti, ii, ui)) or self._outcome(ti, ii, ui)
        figure: Value | None = outcome[1]
        return figure

    def figures(self) -> Iterator[tuple[str, str, Period, AggregateStatus, Value | None]]:
        units = self._run.plan.units
        periods = self._run.periods
        plans = [(code, self._kinds[code][1]) for code in self._codes]
        outcome = self._outcome
        for ti, ui in self._keys:
            unit = units[ui].code
            period = periods[ti]
            for code, ii in plans:
                if ii is None:
                    found = self._find((code, unit, period))
                    assert found is not None  # planned
                    yield code, unit, period, found.status, found.value
                else:
                    status, value = outcome(ti, ii, ui)[:2]
                    yield code, unit, period, status, value

    def _outcome(self, ti: int, ii: int, ui: int) -> _Outcome:
        """Status, value, coverage counts and reason of one base figure, from its record."""
        key = (ti, ii, ui)
        found = self._outcomes.get(key)
        if found is not None:
            return found
        run = self._run
        if not run.modes[ii] and not run.own[ti][ii] and not run.records[ti][ii]:
            # Nothing was read for this period and indicator (a comparison period without
            # data, usually): no unit has a record.
            rec = None
        else:
            rec, _reports = run.record(ti, ii, ui)
        exp = run.layout.leaf_slots(ti, ui)
        if rec is None:
            if exp:
                found = (AggregateStatus.MISSING, None, exp, 0, 0, "no value was submitted")
            else:
                found = (AggregateStatus.NO_DATA, None, exp, 0, 0, _NOTHING)
            self._outcomes[key] = found
            return found
        exp += rec[_R_DEXP]
        sub, zero, miss, na, con = rec[_R_SUB], rec[_R_ZERO], rec[_R_MISS], rec[_R_NA], rec[_R_CON]
        if sub > exp:
            found = (
                AggregateStatus.UNDEFINED,
                None,
                exp,
                exp,
                min(zero, exp),
                f"{sub} reports fill only {exp} report slots: values overlap",
            )
            self._outcomes[key] = found
            return found
        uop = run.unit_ops[ii]
        status = _VALUE
        reason = ""
        value: Any = None
        if rec[_R_UNDEF] is not None:
            status, reason = AggregateStatus.UNDEFINED, rec[_R_UNDEF] or ""
        elif con == 0:
            if na and not miss:
                status, reason = AggregateStatus.NOT_APPLICABLE, "every value is not applicable"
            elif exp or miss:
                status, reason = AggregateStatus.MISSING, "no value was submitted"
            else:
                status, reason = AggregateStatus.NO_DATA, _NOTHING
        elif uop == _AVERAGE:
            value = _divide(rec[_R_ACC], rec[_R_CNT])
        elif uop == _COUNT:
            value = con
        elif uop == _NONE and con > 1:
            status = AggregateStatus.UNDEFINED
            reason = f"{con} units have values and the indicator is not aggregated across units"
        else:
            value = rec[_R_ACC]
        found = self._outcomes[key] = (status, value, exp, sub, zero, reason)
        return found

    def _build(
        self, ti: int, ii: int, ui: int, plan: IndicatorPlan, unit: str, period: Period
    ) -> Aggregate:
        """The aggregate of one base indicator for one target, from its rolled-up record."""
        status, value, exp, sub, zero, reason = self._outcome(ti, ii, ui)
        sources = self._run.sources(ti, ii, ui)
        # Checked once in _outcome for every engine-built aggregate: 0 <= zero <= sub <= exp
        # (the counts only ever grow together; overlapping values are undefined).
        coverage = Coverage._trusted(exp, sub, zero)
        if (value is None) == (status is _VALUE):
            # Cannot happen (a contributing unit always has a figure); validate to say so.
            return Aggregate(plan.code, unit, period, status, value, coverage, reason, sources)
        return Aggregate._trusted(plan.code, unit, period, status, value, coverage, reason, sources)
