"""The pure-Python aggregation engine: the reference semantics of an :class:`AggregationPlan`.

The engine touches each data value once: values are first combined over time per (target
period, indicator, unit) into small state lists, then figures roll up the tree bottom-up (leaf
first, in reverse preorder), each unit merging into its parent once. Codes are mapped to
integer positions at the start so that the inner loops index lists instead of hashing strings.
See :mod:`epireport.aggregate._plan` for the semantics.
"""

from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from epireport.aggregate._plan import AggregationPlan, IndicatorPlan
from epireport.aggregate._results import Aggregate, AggregateSet, AggregateStatus, Coverage
from epireport.model._indicators import Aggregation, IndicatorKind
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

# Positions in the per (period, indicator, unit) state list built while reading values.
_ACC, _N, _KEY, _FB, _FB_KEY, _SUB, _ZERO, _MISS, _NA, _VALUES, _SRC, _EXACT, _FB_SRC = range(13)
_NO_KEY: tuple[Any, ...] = ()

_REPORTED = ValueStatus.REPORTED
_ZERO_REPORT = ValueStatus.ZERO_REPORT
_MISSING = ValueStatus.MISSING


def _new_state(collect: bool) -> list[Any]:
    return [None, 0, None, None, None, 0, 0, 0, 0, 0, [] if collect else None, False, None]


def _divide(numerator: Value, denominator: Value) -> Decimal:
    return Decimal(numerator) / Decimal(denominator)


class PythonEngine:
    """Execute an :class:`AggregationPlan` over data values, in pure Python.

    ``collect_sources`` keeps, for every aggregate, the data values it was computed from
    (provenance for facts); leave it off for speed when only figures are needed.
    """

    def __init__(self, *, collect_sources: bool = True) -> None:
        self.collect_sources = collect_sources

    def execute(self, plan: AggregationPlan, values: Iterable[DataValue]) -> AggregateSet:
        """Compute every planned aggregate from *values* (values of unknown units are ignored)."""
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
        units = plan.units
        self.n = len(units)
        self.unit_index = {u.code: i for i, u in enumerate(units)}
        self.parent = [-1 if u.parent is None else self.unit_index[u.parent] for u in units]
        self.is_leaf = [True] * self.n
        for p in self.parent:
            if p >= 0:
                self.is_leaf[p] = False
        self.dated = {
            i for i, u in enumerate(units) if u.opening is not None or u.closing is not None
        }
        self.base = [p for p in plan.indicators if not p.is_computed]
        self.indicator_index = {p.code: i for i, p in enumerate(self.base)}
        self.time_ops = [_OP[p.time] for p in self.base]
        periods: dict[Period, int] = {}
        for target in plan.targets:
            periods.setdefault(target.period, len(periods))
        self.periods = list(periods)
        self.period_index = periods
        self.slots = [plan.slots(p) for p in self.periods]
        self.lookback = timedelta(days=plan.stock_lookback_days)
        self.targets_by_period: list[set[int]] = [set() for _ in self.periods]
        for target in plan.targets:
            self.targets_by_period[periods[target.period]].add(self.unit_index[target.unit])
        self._placements: dict[Period, tuple[tuple[int, int, bool], ...]] = {}
        self._open_slots: dict[tuple[int, int], int] = {}

    # ------------------------------------------------------------------ reading values

    def _place(self, p: Period) -> tuple[tuple[int, int, bool], ...]:
        """Return (target period index, slots filled, inside) for every target *p* belongs to."""
        found: list[tuple[int, int, bool]] = []
        for ti, target in enumerate(self.periods):
            if target.start <= p.start and p.end <= target.end:
                filled = sum(1 for s in self.slots[ti] if p.start <= s.start and s.end <= p.end)
                found.append((ti, filled, True))
            elif self.lookback and target.start - self.lookback < p.end <= target.start:
                found.append((ti, 0, False))
        placed = tuple(found)
        self._placements[p] = placed
        return placed

    def _dated_fill(self, ui: int, ti: int, p: Period) -> int:
        unit = self.plan.units[ui]
        return sum(
            1
            for s in self.slots[ti]
            if p.start <= s.start and s.end <= p.end and unit.is_open_during(s)
        )

    def _read(self, values: Iterable[DataValue]) -> list[list[dict[int, list[Any]]]]:
        collect = self.collect
        unit_index = self.unit_index
        indicator_index = self.indicator_index
        time_ops = self.time_ops
        placements = self._placements
        dated = self.dated
        buckets: list[list[dict[int, list[Any]]]] = [[{} for _ in self.base] for _ in self.periods]
        for v in values:
            ii = indicator_index.get(v.indicator)
            if ii is None:
                continue
            ui = unit_index.get(v.unit)
            if ui is None:
                continue
            p = v.period
            placed = placements.get(p)
            if placed is None:
                placed = self._place(p)
            if not placed:
                continue
            status = v.status
            op = time_ops[ii]
            for ti, filled, inside in placed:
                bucket = buckets[ti][ii]
                st = bucket.get(ui)
                if st is None:
                    st = bucket[ui] = _new_state(collect)
                if status is _REPORTED:
                    x = v.value
                elif status is _ZERO_REPORT:
                    x = 0
                else:
                    if inside:
                        st[_MISS if status is _MISSING else _NA] += 1
                        if collect:
                            st[_SRC].append(v)
                    continue
                if not inside:
                    # Look-back: only a stock's LAST reads values before the period.
                    if op == _LAST:
                        key = (p.end, p.start)
                        if st[_FB_KEY] is None or key > st[_FB_KEY]:
                            st[_FB], st[_FB_KEY], st[_FB_SRC] = x, key, v
                    continue
                if ui in dated:
                    filled = self._dated_fill(ui, ti, p)
                st[_VALUES] += 1
                st[_SUB] += filled
                if status is _ZERO_REPORT:
                    st[_ZERO] += filled
                if collect:
                    st[_SRC].append(v)
                acc = st[_ACC]
                if op == _SUM:
                    st[_ACC] = x if acc is None else acc + x
                elif op == _AVERAGE:
                    st[_ACC] = x if acc is None else acc + x
                    st[_N] += 1
                elif op == _MIN:
                    if acc is None or x < acc:
                        st[_ACC] = x
                elif op == _MAX:
                    if acc is None or x > acc:
                        st[_ACC] = x
                elif op == _LAST:
                    key = (p.end, p.start)
                    if st[_KEY] is None or key > st[_KEY]:
                        st[_ACC], st[_KEY] = x, key
                elif op == _NONE and p == self.periods[ti]:
                    st[_ACC] = x
                    st[_EXACT] = True
        return buckets

    # ------------------------------------------------------------------ rolling up

    def _slot_count(self, ti: int, ui: int) -> int:
        if ui not in self.dated:
            return len(self.slots[ti])
        cached = self._open_slots.get((ti, ui))
        if cached is None:
            unit = self.plan.units[ui]
            cached = sum(1 for s in self.slots[ti] if unit.is_open_during(s))
            self._open_slots[ti, ui] = cached
        return cached

    def _order(self, ti: int) -> tuple[list[int], set[int]]:
        """Units in the subtrees of the targets of period *ti*, children before parents."""
        targets = self.targets_by_period[ti]
        parent = self.parent
        needed = [False] * self.n
        for u in range(self.n):
            p = parent[u]
            needed[u] = u in targets or (p >= 0 and needed[p])
        order = [u for u in range(self.n - 1, -1, -1) if needed[u]]
        return order, set(order)

    def run(self, values: Iterable[DataValue]) -> AggregateSet:
        buckets = self._read(values)
        results: dict[tuple[str, str, Period], Aggregate] = {}
        by_target: dict[tuple[int, int], dict[str, Aggregate]] = {}
        for ti in range(len(self.periods)):
            order, needed = self._order(ti)
            targets = self.targets_by_period[ti]
            for ii, plan in enumerate(self.base):
                rolled = self._rollup(ti, plan, buckets[ti][ii], order, needed, targets)
                for ui, agg in rolled:
                    by_target.setdefault((ti, ui), {})[plan.code] = agg
        units = self.plan.units
        for target in self.plan.targets:
            ti = self.period_index[target.period]
            ui = self.unit_index[target.unit]
            row = by_target.setdefault((ti, ui), {})
            for plan in self.plan.indicators:
                if plan.is_computed:
                    row[plan.code] = _derive(plan, row, units[ui].code, target.period)
                results[plan.code, target.unit, target.period] = row[plan.code]
        return AggregateSet(results)

    def _rollup(
        self,
        ti: int,
        plan: IndicatorPlan,
        bucket: dict[int, list[Any]],
        order: list[int],
        needed: set[int],
        targets: set[int],
    ) -> list[tuple[int, Aggregate]]:
        n = self.n
        collect = self.collect
        top = _OP[plan.time]
        uop = _OP[plan.unit]
        period = self.periods[ti]
        parent = self.parent
        is_leaf = self.is_leaf
        acc: list[Any] = [None] * n
        cnt = [0] * n
        key: list[Any] = [_NO_KEY] * n
        con = [0] * n
        exp = [0] * n
        sub = [0] * n
        zero = [0] * n
        miss = [0] * n
        na = [0] * n
        undefined: list[str | None] = [None] * n
        src: list[list[DataValue]] | None = [[] for _ in range(n)] if collect else None
        out: list[tuple[int, Aggregate]] = []
        for u in order:
            st = bucket.get(u)
            fallback = st is not None and st[_VALUES] == 0 and st[_FB] is not None
            if st is not None and (st[_VALUES] > 0 or fallback):
                # The unit reports the indicator itself: what its children merged is dropped.
                self._own(ti, u, st, top, uop, fallback, acc, cnt, key, con, undefined)
                exp[u] = self._slot_count(ti, u)
                sub[u], zero[u], miss[u], na[u] = st[_SUB], st[_ZERO], st[_MISS], st[_NA]
                if src is not None:
                    src[u] = list(st[_SRC])
                    if fallback:
                        src[u].append(st[_FB_SRC])
            else:
                if is_leaf[u]:
                    exp[u] = self._slot_count(ti, u)
                if st is not None:
                    miss[u] += st[_MISS]
                    na[u] += st[_NA]
                    if src is not None:
                        src[u].extend(st[_SRC])
            if u in targets:
                out.append((u, self._final(plan, u, period, uop, acc, cnt, con, exp, sub, zero,
                                           miss, na, undefined, src)))  # fmt: skip
            pu = parent[u]
            if pu < 0 or pu not in needed:
                continue
            if undefined[u] is not None and undefined[pu] is None:
                undefined[pu] = undefined[u]
            exp[pu] += exp[u]
            sub[pu] += sub[u]
            zero[pu] += zero[u]
            miss[pu] += miss[u]
            na[pu] += na[u]
            if src is not None:
                src[pu].extend(src[u])
            if con[u]:
                value = acc[u]
                current = acc[pu]
                if uop in (_SUM, _AVERAGE):
                    acc[pu] = value if current is None else current + value
                    cnt[pu] += cnt[u]
                elif uop == _MIN:
                    if current is None or value < current:
                        acc[pu] = value
                elif uop == _MAX:
                    if current is None or value > current:
                        acc[pu] = value
                elif uop == _LAST:
                    if current is None or key[u] > key[pu]:
                        acc[pu], key[pu] = value, key[u]
                elif uop == _NONE:
                    acc[pu] = value
                con[pu] += con[u]
        return out

    def _own(
        self,
        ti: int,
        u: int,
        st: list[Any],
        top: int,
        uop: int,
        fallback: bool,
        acc: list[Any],
        cnt: list[int],
        key: list[Any],
        con: list[int],
        undefined: list[str | None],
    ) -> None:
        """Set unit *u*'s figure from its own values (time aggregation done here)."""
        undefined[u] = None
        key[u] = _NO_KEY
        if fallback:
            acc[u], key[u], cnt[u], con[u] = st[_FB], st[_FB_KEY], 1, 1
            return
        value: Any = st[_ACC]
        count = 1
        if top == _AVERAGE:
            if uop == _AVERAGE:
                # Pooled: the parent divides the sum of all values by their number.
                count = st[_N]
            elif st[_N]:
                value = _divide(value, st[_N])
        elif top == _LAST:
            key[u] = st[_KEY]
        elif top == _COUNT:
            value = st[_VALUES]
        elif top == _NONE and not (st[_VALUES] == 1 and st[_EXACT]):
            undefined[u] = (
                f"unit {self.plan.units[u].code!r} has {st[_VALUES]} values within "
                f"{self.periods[ti]} and the indicator is not aggregated over time"
            )
            acc[u], cnt[u], con[u] = None, 0, 0
            return
        acc[u], cnt[u], con[u] = value, count, 1

    def _final(
        self,
        plan: IndicatorPlan,
        u: int,
        period: Period,
        uop: int,
        acc: list[Any],
        cnt: list[int],
        con: list[int],
        exp: list[int],
        sub: list[int],
        zero: list[int],
        miss: list[int],
        na: list[int],
        undefined: list[str | None],
        src: list[list[DataValue]] | None,
    ) -> Aggregate:
        code = self.plan.units[u].code
        sources = tuple(src[u]) if src is not None else ()
        if sub[u] > exp[u]:
            return Aggregate(
                plan.code,
                code,
                period,
                AggregateStatus.UNDEFINED,
                coverage=Coverage(exp[u], exp[u], min(zero[u], exp[u])),
                reason=f"{sub[u]} reports fill only {exp[u]} report slots: values overlap",
                sources=sources,
            )
        coverage = Coverage(exp[u], sub[u], zero[u])
        status = AggregateStatus.VALUE
        reason = ""
        value: Any = None
        if undefined[u] is not None:
            status, reason = AggregateStatus.UNDEFINED, undefined[u] or ""
        elif con[u] == 0:
            if na[u] and not miss[u]:
                status, reason = AggregateStatus.NOT_APPLICABLE, "every value is not applicable"
            elif exp[u] or miss[u]:
                status, reason = AggregateStatus.MISSING, "no value was submitted"
            else:
                status, reason = AggregateStatus.NO_DATA, "no value was expected or submitted"
        elif uop == _AVERAGE:
            value = _divide(acc[u], cnt[u])
        elif uop == _COUNT:
            value = con[u]
        elif uop == _NONE and con[u] > 1:
            status = AggregateStatus.UNDEFINED
            reason = f"{con[u]} units have values and the indicator is not aggregated across units"
        else:
            value = acc[u]
        return Aggregate(plan.code, code, period, status, value, coverage, reason, sources)


_RANK = {
    AggregateStatus.UNDEFINED: 0,
    AggregateStatus.MISSING: 1,
    AggregateStatus.NOT_APPLICABLE: 2,
    AggregateStatus.NO_DATA: 3,
}


def _derive(plan: IndicatorPlan, row: dict[str, Aggregate], unit: str, period: Period) -> Aggregate:
    """Compute a rate or ratio from the aggregated numerator and denominator of one target."""
    num = row[plan.numerator or ""]
    den = row[plan.denominator or ""]
    coverage = min(
        (num.coverage, den.coverage),
        key=lambda c: c.ratio if c.ratio is not None else Decimal(2),
    )
    sources = (*num.sources, *den.sources)
    for part in (num, den):
        if not part.has_value:
            return Aggregate(
                plan.code,
                unit,
                period,
                min((num.status, den.status), key=lambda s: _RANK.get(s, 9)),
                coverage=coverage,
                reason=f"{'numerator' if part is num else 'denominator'} {part.indicator!r}: "
                f"{part.reason}",
                sources=sources,
            )
    assert num.value is not None
    assert den.value is not None
    if den.value == 0:
        return Aggregate(
            plan.code,
            unit,
            period,
            AggregateStatus.UNDEFINED,
            coverage=coverage,
            reason=f"denominator {den.indicator!r} is 0",
            sources=sources,
        )
    value = _divide(num.value, den.value)
    if plan.kind is IndicatorKind.RATE and not 0 <= value <= 1:
        return Aggregate(
            plan.code,
            unit,
            period,
            AggregateStatus.UNDEFINED,
            coverage=coverage,
            reason=f"rate {num.value}/{den.value} lies outside 0-100%",
            sources=sources,
        )
    return Aggregate(plan.code, unit, period, AggregateStatus.VALUE, value, coverage, "", sources)
