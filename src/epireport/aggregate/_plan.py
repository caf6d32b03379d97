"""The aggregation plan: an engine-independent, frozen description of what to compute.

A plan says, per indicator, which operator combines values over time and which across org
units, how rates are derived from their numerator and denominator, and which (unit, period)
pairs to compute. It holds plain data only (codes, enums, dates, the org units in preorder), so
that any engine (the pure-Python reference in :mod:`epireport.aggregate._engine`, a columnar one
later) executes the same plan and must give the same results.

The semantics every engine implements
-------------------------------------
* **Categories first.** An indicator split by categories is planned as its total and one
  indicator per option combination (``returnees[wuhan]``); each unit's values for one
  reported period are resolved along the category axis before anything else (a stated figure
  wins, else the sum of the options nested in it; see :mod:`epireport.aggregate._categories`).
* **Time first, then units.** For each unit, the values of an indicator inside the target
  period are combined with the indicator's ``time_aggregation`` (a flow sums, a stock takes its
  last value), then unit results are combined with ``unit_aggregation`` up the tree.
* **No double counting: a unit that reports an indicator itself is authoritative for it.** For
  each (indicator, target period), a unit with at least one *submitted* value of its own (a
  value or a zero-report) inside the period takes its figure from those values, and its
  subtree is not looked at; any other unit takes the combination of its children's figures.
  So "the district figure is the aggregate of its streets' daily reports" when only the
  communities report, while a short-form input, where the district states its own figure,
  is used as stated. Do not mix both for one indicator and period: the unit's own values win.
* **Averages are never averaged twice.** An average over time and across units is the pooled
  sum divided by the pooled count; an average across units of time sums is the sum of those
  sums divided by the number of contributing units.
* **Rates and ratios** are the aggregated numerator divided by the aggregated denominator,
  never summed; a rate (not a ratio) above 1 is refused as undefined.
* **A stock's look-back**: when a unit has no value of a stock inside the target period, the
  last value it reported at most ``stock_lookback_days`` days before the period is used
  (0, the default, means no look-back).
* **Values count only inside the target period**: a value whose period lies wholly inside it.
  A value straddling its edge is ignored for that target.
* **Coverage** counts report slots: the base periods of ``frequency`` (days, by default)
  inside the target period in which a unit is open. A submitted value fills the slots of its
  own period. A self-reporting unit or a leaf contributes its own slots; other units the sum of
  their children's (see :class:`~epireport.aggregate._results.Coverage`). With
  ``frequency=None`` the target period itself is the one slot.
"""

from collections.abc import Iterable
from typing import Any

import attrs

from epireport.exceptions import ModelError
from epireport.model._indicators import Aggregation, Category, Indicator, IndicatorKind
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit

__all__ = ["AggregationPlan", "IndicatorPlan", "Target", "make_plan"]


@attrs.frozen
class IndicatorPlan:
    """How one indicator aggregates: its time and unit operators, or its numerator/denominator.

    For a rate or ratio (``kind.is_computed``) ``numerator`` and ``denominator`` name planned
    indicators and both operators are NONE.
    """

    code: str
    kind: IndicatorKind
    time: Aggregation
    unit: Aggregation
    numerator: str | None = None
    denominator: str | None = None
    categories: tuple[Category, ...] = ()

    @classmethod
    def of(cls, indicator: Indicator) -> "IndicatorPlan":
        """Describe *indicator* as a plan entry."""
        return cls(
            code=indicator.code,
            kind=indicator.kind,
            time=indicator.time_aggregation,
            unit=indicator.unit_aggregation,
            numerator=indicator.numerator,
            denominator=indicator.denominator,
            categories=indicator.categories,
        )

    @property
    def is_computed(self) -> bool:
        """Whether the figure is derived from a numerator and a denominator."""
        return self.kind.is_computed


@attrs.frozen
class Target:
    """One (unit, period) pair the plan computes every indicator for."""

    unit: str
    period: Period


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class AggregationPlan:
    """Everything an engine needs besides the data values; see the module docstring.

    ``units`` are the org units in preorder (every parent before its children); ``indicators``
    list base indicators before the rates computed from them; ``targets`` are the (unit, period)
    pairs to compute; ``frequency`` and ``week_start`` define the report slots coverage counts.
    Build plans with :func:`make_plan`, which checks them.
    """

    units: tuple[OrgUnit, ...] = attrs.field(converter=_to_tuple)
    indicators: tuple[IndicatorPlan, ...] = attrs.field(converter=_to_tuple)
    targets: tuple[Target, ...] = attrs.field(converter=_to_tuple)
    frequency: PeriodType | None = PeriodType.DAY
    week_start: int = 0
    stock_lookback_days: int = 0

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for unit in self.units:
            if unit.parent is not None and unit.parent not in seen:
                raise ModelError(
                    f"AggregationPlan.units: unit {unit.code!r} comes before its parent "
                    f"{unit.parent!r}; units must be in preorder"
                )
            seen.add(unit.code)
        codes: set[str] = set()
        for plan in self.indicators:
            if plan.is_computed and (plan.numerator not in codes or plan.denominator not in codes):
                raise ModelError(
                    f"AggregationPlan.indicators: {plan.code!r} needs {plan.numerator!r} and "
                    f"{plan.denominator!r} planned before it"
                )
            codes.add(plan.code)
        for target in self.targets:
            if target.unit not in seen:
                raise ModelError(
                    f"AggregationPlan.targets: unknown org unit {target.unit!r} for {target.period}"
                )
        if self.frequency is not None and not self.frequency.is_calendar:
            raise ModelError(
                f"AggregationPlan.frequency: a {self.frequency.value} is not a calendar period "
                "type; reports are expected per day, week, month ..."
            )
        lookback = self.stock_lookback_days
        if isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 0:
            raise ModelError(
                f"AggregationPlan.stock_lookback_days: expected a number of days >= 0, "
                f"got {lookback!r}"
            )

    @property
    def categories(self) -> dict[str, tuple[Category, ...]]:
        """The disaggregated indicators' categories, by indicator code (see ``_categories``)."""
        return {p.code: p.categories for p in self.indicators if p.categories}

    def slots(self, period: Period) -> tuple[Period, ...]:
        """Return the report slots (base periods) inside *period* that coverage counts."""
        if self.frequency is None:
            return (period,)
        return period.periods_within(self.frequency, self.week_start)


def _indicator_plans(indicators: Iterable[Indicator]) -> tuple[IndicatorPlan, ...]:
    base: list[IndicatorPlan] = []
    computed: list[IndicatorPlan] = []
    for indicator in indicators:
        if indicator.is_computed:
            computed.append(IndicatorPlan.of(indicator))
        else:
            # A disaggregated indicator is planned as its total and one figure per option.
            base.extend(IndicatorPlan.of(i) for i in indicator.series_indicators())
    return (*base, *computed)


def make_plan(
    tree: OrgTree,
    indicators: Iterable[Indicator],
    targets: Iterable[tuple[str, Period] | Target],
    *,
    frequency: PeriodType | None = PeriodType.DAY,
    week_start: int = 0,
    stock_lookback_days: int = 0,
) -> AggregationPlan:
    """Build the plan computing *indicators* for every (unit, period) in *targets*.

    Rates and ratios are placed after the base indicators; their numerator and denominator must
    be among *indicators* (an :class:`~epireport.model.IndicatorSet` guarantees that). An
    indicator split by categories is planned as its total followed by one indicator per option
    combination (its series, see :mod:`epireport.aggregate._categories`).
    Duplicate targets are kept once, in their first position.
    """
    unique: dict[Target, None] = {}
    for item in targets:
        target = item if isinstance(item, Target) else Target(item[0], item[1])
        unique.setdefault(target, None)
    return AggregationPlan(
        units=tuple(tree),
        indicators=_indicator_plans(indicators),
        targets=tuple(unique),
        frequency=frequency,
        week_start=week_start,
        stock_lookback_days=stock_lookback_days,
    )
