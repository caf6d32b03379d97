"""The layout of a plan, shared by both engines: unit indexes, leaves, targets and report slots.

Everything here depends on the :class:`AggregationPlan` alone, never on the data values, so an
engine computes it once per plan (the Ibis engine keeps it for the plans it ran last) and the
two engines cannot disagree about it:

* **units** as integer positions in preorder, with each one's parent, depth and whether it is a
  leaf, and the number of leaves under it;
* **target periods**: the plan's distinct target periods, their report slots, and the targets as
  (period position, unit position) pairs in plan order;
* **expected slots**: the slots a unit is open in (:meth:`Layout.open_slots`) and the slots
  expected under a unit when every leaf reports for itself (:meth:`Layout.leaf_slots`); the
  engines correct the latter for self-reporting units, which expect their own slots instead;
* **placement** of a value period: the target periods it lies inside (with the slots it fills)
  or is a stock's look-back for (:meth:`Layout.place`).

The reading of these rules, without indexes, is :class:`epireport.testing.SpecificationEngine`.
"""

from datetime import timedelta
from itertools import repeat
from operator import attrgetter

from epireport.aggregate._plan import AggregationPlan, IndicatorPlan
from epireport.model._periods import Period

__all__ = ["Layout", "Placement"]

#: Where a value period counts: ``(target period position, slots filled, inside)`` for each
#: target period it lies inside (``inside``) or is a look-back for (no slot filled).
Placement = tuple[tuple[int, int, bool], ...]

_CODE_OF = attrgetter("code")
_PARENT_OF = attrgetter("parent")
_DATES_OF = attrgetter("opening", "closing")
_UNIT_OF = attrgetter("unit")
_PERIOD_OF = attrgetter("period")


class Layout:
    """The integer layout of one plan (see the module docstring); build it once per plan."""

    def __init__(self, plan: AggregationPlan) -> None:
        self.plan = plan
        units = plan.units
        n = self.n = len(units)
        #: Unit codes in preorder, and each code's position.
        self.codes: tuple[str, ...] = tuple(map(_CODE_OF, units))
        # Built with map() where it can: a plan may have a hundred thousand units and targets,
        # and these loops then run in C.
        index = self.unit_index = dict(zip(self.codes, range(n), strict=True))
        #: Each unit's parent position (-1 for a root).
        parent = self.parent = list(map(index.get, map(_PARENT_OF, units), repeat(-1)))
        depth = self.depth = [0] * n
        is_leaf = self.is_leaf = [True] * n
        # Preorder: a parent's depth is known before its children's.
        for u, p in enumerate(parent):
            if p >= 0:
                depth[u] = depth[p] + 1
                is_leaf[p] = False
        leaves = self.leaves_under = [int(leaf) for leaf in is_leaf]
        for u in range(n - 1, -1, -1):
            if parent[u] >= 0:
                leaves[parent[u]] += leaves[u]
        #: Units with an opening or closing date: they expect fewer slots when closed.
        self.dated: tuple[int, ...] = tuple(
            u for u, dates in enumerate(map(_DATES_OF, units)) if dates != (None, None)
        )
        self.dated_set = frozenset(self.dated)
        #: Base indicators (rates are derived from them), and each code's position.
        self.base: tuple[IndicatorPlan, ...] = tuple(
            p for p in plan.indicators if not p.is_computed
        )
        self.indicator_codes = tuple(p.code for p in self.base)
        self.indicator_index = {code: i for i, code in enumerate(self.indicator_codes)}
        targets = plan.targets
        # Target periods by the id of the Period object first (a Period hashes in Python, an
        # id does not; targets share few period objects), then by value: equal periods are
        # one target period.
        ids = list(map(id, map(_PERIOD_OF, targets)))
        objects = dict(zip(ids, map(_PERIOD_OF, targets), strict=True))
        periods: dict[Period, int] = {}
        position_of_id = {i: periods.setdefault(objects[i], len(periods)) for i in objects}
        #: The distinct target periods, each one's position, and their report slots.
        self.periods = list(periods)
        self.period_index = periods
        self.slots = [plan.slots(p) for p in self.periods]
        #: The targets as (period position, unit position), once each, in plan order.
        self.target_keys: dict[tuple[int, int], None] = dict.fromkeys(
            zip(
                map(position_of_id.__getitem__, ids),
                map(index.__getitem__, map(_UNIT_OF, targets)),
                strict=True,
            )
        )
        #: The target units of each target period.
        self.targets_by_period: list[set[int]] = [set() for _ in self.periods]
        for ti, u in self.target_keys:
            self.targets_by_period[ti].add(u)
        self.lookback = timedelta(days=plan.stock_lookback_days)
        self._open: dict[tuple[int, int], int] = {}
        self._deficit: list[dict[int, int] | None] = [None] * len(self.periods)
        self._placements: dict[Period, Placement] = {}

    # ------------------------------------------------------------------ expected slots

    def open_slots(self, ti: int, u: int) -> int:
        """The report slots of target period *ti* during which unit *u* is open."""
        if u not in self.dated_set:
            return len(self.slots[ti])
        found = self._open.get((ti, u))
        if found is None:
            unit = self.plan.units[u]
            found = self._open[ti, u] = sum(1 for s in self.slots[ti] if unit.is_open_during(s))
        return found

    def _deficits(self, ti: int) -> dict[int, int]:
        """Per unit, the slots of *ti* its dated leaves miss by being closed (0: not listed)."""
        deficit = self._deficit[ti]
        if deficit is None:
            deficit = self._deficit[ti] = {}
            full = len(self.slots[ti])
            for leaf in self.dated:
                if not self.is_leaf[leaf]:
                    continue
                short = full - self.open_slots(ti, leaf)
                a = leaf
                while short and a >= 0:
                    deficit[a] = deficit.get(a, 0) + short
                    a = self.parent[a]
        return deficit

    def leaf_slots(self, ti: int, u: int) -> int:
        """The slots expected under *u* in target period *ti* if every leaf reports for itself.

        The figure of a target under which nothing was submitted, and the base the engines
        correct for self-reporting units (each expects its own open slots, not its leaves').
        """
        return self.leaves_under[u] * len(self.slots[ti]) - self._deficits(ti).get(u, 0)

    def all_leaf_slots(self, ti: int) -> list[int]:
        """:meth:`leaf_slots` of every unit, in unit order."""
        count = len(self.slots[ti])
        deficit = self._deficits(ti)
        if not deficit:
            return [leaves * count for leaves in self.leaves_under]
        return [leaves * count - deficit.get(u, 0) for u, leaves in enumerate(self.leaves_under)]

    # ------------------------------------------------------------------ placing values

    def place(self, p: Period) -> Placement:
        """Where a value of period *p* counts (see :data:`Placement`); computed once per *p*.

        Inside a target period when it lies wholly inside it, filling the slots that lie
        wholly inside *p*; a look-back for it when *p* ends at most ``stock_lookback_days``
        before the target period starts (its end is exclusive).
        """
        found = self._placements.get(p)
        if found is not None:
            return found
        out: list[tuple[int, int, bool]] = []
        lookback = self.lookback
        for ti, target in enumerate(self.periods):
            if target.start <= p.start and p.end <= target.end:
                filled = sum(1 for s in self.slots[ti] if p.start <= s.start and s.end <= p.end)
                out.append((ti, filled, True))
            elif lookback and target.start - lookback < p.end <= target.start:
                out.append((ti, 0, False))
        found = self._placements[p] = tuple(out)
        return found

    def dated_fill(self, u: int, ti: int, p: Period) -> int:
        """The slots of target period *ti* a value of period *p* fills for dated unit *u*.

        Those lying wholly inside *p* during which the unit is open (for an undated unit,
        :meth:`place` has the count).
        """
        unit = self.plan.units[u]
        return sum(
            1
            for s in self.slots[ti]
            if p.start <= s.start and s.end <= p.end and unit.is_open_during(s)
        )
