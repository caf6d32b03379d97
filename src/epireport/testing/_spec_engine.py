"""The specification engine: the rules of an :class:`AggregationPlan`, written to be read.

The engines (:class:`~epireport.aggregate.PythonEngine`, :class:`~epireport.aggregate.
IbisEngine`) are written for speed. This one is written so that each rule of
:mod:`epireport.aggregate._plan` can be found in one small function, in plain loops and
recursion, and checked by eye. The test suite holds both engines to its figures, statuses and
coverages on random plans and data (``tests/aggregate/test_spec_engine.py``). It computes
everything itself (slots, leaves, expected reports): sharing the engines' layout would let a
mistake there pass unseen.

It is slow (every target reads every value) and recursive (a tree deeper than Python's
recursion limit is refused): use it on test-sized data.

The rules, as implemented below, for one base indicator and one target (unit, period):

1. *Inside*: a value counts for a target period when its own period lies wholly inside it.
2. *Own values win*: a unit with a submitted value of its own inside the period (or, for a
   stock, a look-back value) takes its figure from its own values; its subtree is not read.
   Any other unit combines its children's figures, the last child first.
3. *Time first*: a self-reporting unit's values are combined with the time operator (sum,
   average, min, max, last in time, count, or none: exactly one value for the target period
   itself).
4. *Then units*: figures are combined with the unit operator. An average is pooled: sums of
   sums over counts of counts, divided once at the end.
5. *Coverage*: the report slots (base periods of the plan's frequency) a unit is open in are
   expected of each self-reporting unit and each leaf, and summed up the tree; a submitted value
   fills the slots lying inside its period (for its unit, those it is open in).
6. *Status*: overlapping values (more slots filled than expected) and figures that cannot be
   combined are undefined; no contributing unit means not applicable (only n/a markers),
   missing (something was expected or marked missing) or no data.
7. *Rates and ratios* divide the aggregated numerator by the aggregated denominator; a rate
   outside 0-100 % and a zero denominator are undefined.

Before all of them, *the category axis* (:mod:`epireport.aggregate._categories`): for an
indicator split by categories, the values one unit states for one period give each option
combination (series) one value: the submitted values stated for it exactly, else the sum of
the series nested in it along the first category where any has a figure, else missing or not
applicable as stated below it. The rules above then apply to each series as to an indicator.
"""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from epireport.aggregate._plan import AggregationPlan, IndicatorPlan, Target
from epireport.aggregate._results import Aggregate, AggregateSet, AggregateStatus, Coverage
from epireport.model._indicators import Aggregation, IndicatorKind
from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import DataValue, Value, ValueStatus

__all__ = ["SpecificationEngine"]

# When a value was for: (end, start) of its period, so that later ends win and, of two periods
# ending together, the one starting later (the shorter one).
_When = tuple[Any, ...]
_NEVER: _When = ()


class SpecificationEngine:
    """Execute an :class:`~epireport.aggregate.AggregationPlan` by the book, slowly.

    The reference the engines are tested against: :meth:`execute` takes what
    :meth:`PythonEngine.execute <epireport.aggregate.PythonEngine.execute>` takes and returns
    the same aggregates, each with its ``sources`` (the data values it was computed from, in
    the Python engine's order). See the module docstring for the rules.

    Example::

        from epireport.testing import SpecificationEngine

        expected = SpecificationEngine().execute(plan, values)
        assert engine.execute(plan, values) == expected
    """

    def execute(self, plan: AggregationPlan, values: Iterable[DataValue]) -> AggregateSet:
        """Compute every planned aggregate from *values* (values of unknown units are ignored)."""
        values, stands_for = _category_axis(plan, list(values))
        results: dict[tuple[str, str, Period], Aggregate] = {}
        for target in plan.targets:
            row: dict[str, Aggregate] = {}
            for indicator in plan.indicators:
                if indicator.is_computed:
                    found = _rate(
                        indicator,
                        row[indicator.numerator or ""],
                        row[indicator.denominator or ""],
                        target,
                    )
                else:
                    found = _base_aggregate(plan, indicator, target, values)
                row[indicator.code] = results[indicator.code, target.unit, target.period] = found
        if stands_for:
            for key, found in results.items():
                stated = [s for v in found.sources for s in stands_for.get(id(v), (v,))]
                results[key] = attrs.evolve(found, sources=tuple(stated))
        return AggregateSet(results)


# ---------------------------------------------------------------------- the category axis

# One option code, or None for the category's total, per category of an indicator.
_Combo = tuple[str | None, ...]


def _category_axis(
    plan: AggregationPlan, values: list[DataValue]
) -> tuple[list[DataValue], dict[int, tuple[DataValue, ...]]]:
    """Give each series of a split indicator one value per unit and period it was stated for."""
    split = {p.code: p.categories for p in plan.indicators if p.categories}
    if not split:
        return values, {}
    out = [v for v in values if v.indicator not in split and not v.options]
    stands_for: dict[int, tuple[DataValue, ...]] = {}
    forms: dict[tuple[str, str, Period], list[DataValue]] = {}
    for v in values:
        if v.indicator in split:
            forms.setdefault((v.indicator, v.unit, v.period), []).append(v)
    for (code, unit, period), stated in forms.items():
        categories = split[code]
        for combo in _combos(categories):
            status, figure, sources = _series(categories, stated, combo)
            if status is None:
                continue
            options = [o for o in combo if o is not None]
            name = f"{code}[{','.join(options)}]" if options else code
            made = DataValue(
                name, unit, period, status, figure if status is ValueStatus.REPORTED else None
            )
            out.append(made)
            stands_for[id(made)] = sources
    return out, stands_for


def _combos(categories: Sequence[Any]) -> list[_Combo]:
    found: list[_Combo] = [()]
    for category in categories:
        found = [(*c, o) for c in found for o in [None, *(x.code for x in category.options)]]
    return found


def _combo_of(categories: Sequence[Any], value: DataValue) -> _Combo | None:
    combo: list[str | None] = []
    for category in categories:
        mine = [o for o in value.options if o in category]
        if len(mine) > 1:
            return None
        combo.append(mine[0] if mine else None)
    if sum(1 for o in combo if o is not None) != len(value.options):
        return None
    return tuple(combo)


def _series(
    categories: Sequence[Any], stated: Sequence[DataValue], combo: _Combo
) -> tuple[ValueStatus | None, Any, tuple[DataValue, ...]]:
    """(status, figure, data values) of one series in one unit's form for one period."""
    own = [v for v in stated if _combo_of(categories, v) == combo]
    submitted = [v for v in own if v.status.is_submitted]
    if submitted:
        zero = all(v.status is ValueStatus.ZERO_REPORT for v in submitted)
        figure = sum((_figure(v) for v in submitted), 0)
        return (ValueStatus.ZERO_REPORT if zero else ValueStatus.REPORTED), figure, tuple(submitted)
    below: list[tuple[ValueStatus | None, Any, tuple[DataValue, ...]]] = []
    for i, category in enumerate(categories):
        nested = [
            o.code for o in sorted(category.options, key=lambda o: o.order) if o.parent == combo[i]
        ]
        parts = [_series(categories, stated, (*combo[:i], o, *combo[i + 1 :])) for o in nested]
        below.extend(parts)
        figures = [p for p in parts if p[0] in (ValueStatus.REPORTED, ValueStatus.ZERO_REPORT)]
        if figures:
            zero = all(p[0] is ValueStatus.ZERO_REPORT for p in figures)
            return (
                ValueStatus.ZERO_REPORT if zero else ValueStatus.REPORTED,
                sum((p[1] for p in figures), 0),
                tuple(v for p in figures for v in p[2]),
            )
    statuses = {v.status for v in own} | {p[0] for p in below}
    for status in (ValueStatus.MISSING, ValueStatus.NOT_APPLICABLE):
        if status in statuses:
            return status, None, tuple(own)
    return None, None, ()


# ---------------------------------------------------------------------- the tree


def _children(plan: AggregationPlan, code: str) -> list[OrgUnit]:
    """The children of *code*, in preorder (the plan lists parents before children)."""
    return [unit for unit in plan.units if unit.parent == code]


def _unit(plan: AggregationPlan, code: str) -> OrgUnit:
    """The unit of *code* (the plan checked that its targets name known units)."""
    return next(unit for unit in plan.units if unit.code == code)


# ---------------------------------------------------------------------- periods and slots


def _inside(period: Period, target: Period) -> bool:
    """Rule 1: a value counts for *target* when its period lies wholly inside it."""
    return target.start <= period.start and period.end <= target.end


def _looked_back(plan: AggregationPlan, period: Period, target: Period) -> bool:
    """Whether a value of *period* is a look-back candidate for *target* (a stock's rule).

    It ends (its end is exclusive) at most ``stock_lookback_days`` days before the target
    starts; a look-back of 0 days looks at nothing.
    """
    days = plan.stock_lookback_days
    return days > 0 and target.start - timedelta(days=days) < period.end <= target.start


def _open_slots(plan: AggregationPlan, unit: OrgUnit, target: Period) -> list[Period]:
    """Rule 5: the report slots of *target* during which *unit* is open."""
    return [slot for slot in plan.slots(target) if unit.is_open_during(slot)]


def _slots_filled(plan: AggregationPlan, unit: OrgUnit, value: DataValue, target: Period) -> int:
    """Rule 5: how many of *unit*'s open slots of *target* the *value* fills."""
    own = value.period
    return sum(
        1
        for slot in _open_slots(plan, unit, target)
        if own.start <= slot.start and slot.end <= own.end
    )


def _when(value: DataValue) -> _When:
    return (value.period.end, value.period.start)


def _latest(values: Sequence[DataValue]) -> DataValue:
    """The value latest in time; of equally late ones, the first given (max keeps it)."""
    return max(values, key=_when)


def _figure(value: DataValue) -> Value:
    """A submitted value's figure: its value, or 0 for a zero-report."""
    return value.value if value.status is ValueStatus.REPORTED else 0  # type: ignore[return-value]


# ---------------------------------------------------------------------- one unit's own values


@attrs.frozen
class _Own:
    """A unit's own values of one indicator for one target period."""

    #: every value of the unit inside the period (submitted or marker), in the order given
    inside: tuple[DataValue, ...]
    #: for a stock without a submitted value inside the period: the look-back value
    lookback: DataValue | None

    @property
    def submitted(self) -> tuple[DataValue, ...]:
        """The reported values and zero-reports inside the period."""
        return tuple(v for v in self.inside if v.status.is_submitted)

    @property
    def reports(self) -> bool:
        """Rule 2: the unit is authoritative for this indicator and period."""
        return bool(self.submitted) or self.lookback is not None

    def count(self, status: ValueStatus) -> int:
        """How many of the values inside the period have *status*."""
        return sum(1 for v in self.inside if v.status is status)


def _own_values(
    plan: AggregationPlan,
    indicator: IndicatorPlan,
    unit: OrgUnit,
    target: Period,
    values: Sequence[DataValue],
) -> _Own:
    mine = [v for v in values if v.unit == unit.code and v.indicator == indicator.code]
    inside = tuple(v for v in mine if _inside(v.period, target))
    lookback = None
    if indicator.time is Aggregation.LAST and not any(v.status.is_submitted for v in inside):
        before = [v for v in mine if v.status.is_submitted and _looked_back(plan, v.period, target)]
        if before:
            lookback = _latest(before)
    return _Own(inside, lookback)


# ---------------------------------------------------------------------- figures


@attrs.frozen
class _Figure:
    """What a unit hands its parent for one indicator and target period.

    ``value`` is the figure combined so far (``None``: no contributor); an average keeps
    its sum here and the number of values pooled in ``pooled`` (rule 4). ``when`` is when a
    last value was for, ``contributors`` the self-reporting units and leaves with a figure,
    ``undefined`` why the figure cannot be computed (the first reason found).
    """

    value: Any = None
    pooled: int = 0
    when: _When = _NEVER
    contributors: int = 0
    undefined: str | None = None
    expected: int = 0
    submitted: int = 0
    zero_reports: int = 0
    missing: int = 0
    not_applicable: int = 0
    sources: tuple[DataValue, ...] = ()


def _combine_over_time(
    indicator: IndicatorPlan, unit: OrgUnit, target: Period, own: _Own
) -> tuple[Any, int, _When, str | None]:
    """Rule 3: the self-reporting unit's figure, (value, values pooled, when, undefined)."""
    if not own.submitted:
        assert own.lookback is not None
        return _figure(own.lookback), 1, _when(own.lookback), None
    figures = [_figure(v) for v in own.submitted]
    op = indicator.time
    if op is Aggregation.SUM:
        return sum(figures[1:], figures[0]), 1, _NEVER, None
    if op is Aggregation.AVERAGE:
        total = sum(figures[1:], figures[0])
        if indicator.unit is Aggregation.AVERAGE:
            # Pooled with the other units' values: divided once, at the end (rule 4).
            return total, len(figures), _NEVER, None
        return Decimal(total) / Decimal(len(figures)), 1, _NEVER, None
    if op is Aggregation.MIN:
        return min(figures), 1, _NEVER, None
    if op is Aggregation.MAX:
        return max(figures), 1, _NEVER, None
    if op is Aggregation.LAST:
        latest = _latest(own.submitted)
        return _figure(latest), 1, _when(latest), None
    if op is Aggregation.COUNT:
        return len(figures), 1, _NEVER, None
    # NONE: the one value for exactly the target period, or no figure.
    if len(own.submitted) == 1 and own.submitted[0].period == target:
        return figures[0], 1, _NEVER, None
    reason = (
        f"unit {unit.code!r} has {len(own.submitted)} values within {target} and the "
        "indicator is not aggregated over time"
    )
    return None, 0, _NEVER, reason


def _own_figure(
    plan: AggregationPlan, indicator: IndicatorPlan, unit: OrgUnit, target: Period, own: _Own
) -> _Figure:
    """Rule 2, 3 and 5: the figure of a unit that reports the indicator itself."""
    value, pooled, when, undefined = _combine_over_time(indicator, unit, target, own)
    submitted = sum(_slots_filled(plan, unit, v, target) for v in own.submitted)
    zero = sum(
        _slots_filled(plan, unit, v, target)
        for v in own.submitted
        if v.status is ValueStatus.ZERO_REPORT
    )
    return _Figure(
        value=value,
        pooled=pooled,
        when=when,
        contributors=0 if undefined is not None else 1,
        undefined=undefined,
        expected=len(_open_slots(plan, unit, target)),
        submitted=submitted,
        zero_reports=zero,
        missing=own.count(ValueStatus.MISSING),
        not_applicable=own.count(ValueStatus.NOT_APPLICABLE),
        # A look-back value is a source only when it is the figure.
        sources=own.inside if own.lookback is None else (*own.inside, own.lookback),
    )


def _combine_units(indicator: IndicatorPlan, so_far: _Figure, child: _Figure) -> _Figure:
    """Rule 4: add one child's figure to what its siblings gave so far."""
    value, pooled, when = so_far.value, so_far.pooled, so_far.when
    if child.contributors:
        op = indicator.unit
        if value is None:
            value, pooled, when = child.value, child.pooled, child.when
        elif op in (Aggregation.SUM, Aggregation.AVERAGE):
            value, pooled = value + child.value, pooled + child.pooled
        elif op is Aggregation.MIN:
            value = min(value, child.value)
        elif op is Aggregation.MAX:
            value = max(value, child.value)
        elif op is Aggregation.LAST and child.when > when:
            # Of equally late figures the one met first (the later sibling) stays.
            value, when = child.value, child.when
        elif op is Aggregation.NONE:
            value = child.value
    return _Figure(
        value=value,
        pooled=pooled,
        when=when,
        contributors=so_far.contributors + child.contributors,
        undefined=so_far.undefined if so_far.undefined is not None else child.undefined,
        expected=so_far.expected + child.expected,
        submitted=so_far.submitted + child.submitted,
        zero_reports=so_far.zero_reports + child.zero_reports,
        missing=so_far.missing + child.missing,
        not_applicable=so_far.not_applicable + child.not_applicable,
        sources=(*so_far.sources, *child.sources),
    )


def _unit_figure(
    plan: AggregationPlan,
    indicator: IndicatorPlan,
    unit: OrgUnit,
    target: Period,
    values: Sequence[DataValue],
) -> _Figure:
    """Rule 2: a unit's own figure if it reports, else its children's combined."""
    own = _own_values(plan, indicator, unit, target, values)
    if own.reports:
        return _own_figure(plan, indicator, unit, target, own)
    children = _children(plan, unit.code)
    if not children:
        # A leaf without a figure still expects its slots (rule 5).
        figure = _Figure(expected=len(_open_slots(plan, unit, target)))
    else:
        figure = _Figure()
        # The last child first: it decides which of equally late last values is kept.
        for child in reversed(children):
            figure = _combine_units(
                indicator, figure, _unit_figure(plan, indicator, child, target, values)
            )
    # The unit's own markers (it has no submitted value) count, after its children's.
    return attrs.evolve(
        figure,
        missing=figure.missing + own.count(ValueStatus.MISSING),
        not_applicable=figure.not_applicable + own.count(ValueStatus.NOT_APPLICABLE),
        sources=(*figure.sources, *own.inside),
    )


# ---------------------------------------------------------------------- aggregates


def _base_aggregate(
    plan: AggregationPlan,
    indicator: IndicatorPlan,
    target: Target,
    values: Sequence[DataValue],
) -> Aggregate:
    """Rules 4 and 6: the aggregate of a base indicator for one target."""
    period = target.period
    figure = _unit_figure(plan, indicator, _unit(plan, target.unit), period, values)
    expected, submitted, zero = figure.expected, figure.submitted, figure.zero_reports

    def make(status: AggregateStatus, value: Value | None = None, reason: str = "") -> Aggregate:
        coverage = Coverage(expected, submitted, zero)
        return Aggregate(
            indicator.code, target.unit, period, status, value, coverage, reason, figure.sources
        )

    if submitted > expected:
        return Aggregate(
            indicator.code,
            target.unit,
            period,
            AggregateStatus.UNDEFINED,
            coverage=Coverage(expected, expected, min(zero, expected)),
            reason=f"{submitted} reports fill only {expected} report slots: values overlap",
            sources=figure.sources,
        )
    if figure.undefined is not None:
        return make(AggregateStatus.UNDEFINED, reason=figure.undefined)
    if figure.contributors == 0:
        if figure.not_applicable and not figure.missing:
            return make(AggregateStatus.NOT_APPLICABLE, reason="every value is not applicable")
        if expected or figure.missing:
            return make(AggregateStatus.MISSING, reason="no value was submitted")
        return make(AggregateStatus.NO_DATA, reason="no value was expected or submitted")
    op = indicator.unit
    if op is Aggregation.AVERAGE:
        return make(AggregateStatus.VALUE, Decimal(figure.value) / Decimal(figure.pooled))
    if op is Aggregation.COUNT:
        return make(AggregateStatus.VALUE, figure.contributors)
    if op is Aggregation.NONE and figure.contributors > 1:
        return make(
            AggregateStatus.UNDEFINED,
            reason=f"{figure.contributors} units have values and the indicator is not "
            "aggregated across units",
        )
    return make(AggregateStatus.VALUE, figure.value)


# Which status a rate takes when a part has none: the worst of its parts'.
_WORST_FIRST = (
    AggregateStatus.UNDEFINED,
    AggregateStatus.MISSING,
    AggregateStatus.NOT_APPLICABLE,
    AggregateStatus.NO_DATA,
)


def _rate(
    indicator: IndicatorPlan, numerator: Aggregate, denominator: Aggregate, target: Target
) -> Aggregate:
    """Rule 7: a rate or ratio from the aggregated numerator and denominator."""
    # The less complete part's coverage (a part that expected nothing counts as complete).
    coverage = min(
        (numerator.coverage, denominator.coverage),
        key=lambda c: Decimal(2) if c.ratio is None else c.ratio,
    )
    sources = (*numerator.sources, *denominator.sources)

    def make(status: AggregateStatus, value: Value | None = None, reason: str = "") -> Aggregate:
        return Aggregate(
            indicator.code, target.unit, target.period, status, value, coverage, reason, sources
        )

    for name, part in (("numerator", numerator), ("denominator", denominator)):
        if not part.has_value:
            worst = next(s for s in _WORST_FIRST if s in (numerator.status, denominator.status))
            return make(worst, reason=f"{name} {part.indicator!r}: {part.reason}")
    assert numerator.value is not None
    assert denominator.value is not None
    if denominator.value == 0:
        return make(AggregateStatus.UNDEFINED, reason=f"denominator {denominator.indicator!r} is 0")
    value = Decimal(numerator.value) / Decimal(denominator.value)
    if indicator.kind is IndicatorKind.RATE and not 0 <= value <= 1:
        return make(
            AggregateStatus.UNDEFINED,
            reason=f"rate {numerator.value}/{denominator.value} lies outside 0-100%",
        )
    return make(AggregateStatus.VALUE, value)
