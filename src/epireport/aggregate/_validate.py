"""Evaluating validation rules on reported data and on aggregates, and the built-in rules.

A rule is evaluated per (unit, period): for every unit and period present in the data (the
figures as reported) and for every planned aggregate. It is evaluated at a (unit, period) only
when at least one indicator it reads is present there (a value in any state, or an aggregate
that is not ``NO_DATA``), so that a rule never fires where nothing about it was reported.

Missing figures follow the rule's :class:`MissingStrategy`: ``skip`` does not evaluate,
``as_zero`` reads 0, ``fail`` reports a violation naming what is missing. A division by zero,
or a text where a number is needed, leaves the rule unevaluated.
"""

import keyword
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from epireport.aggregate._categories import category_sums
from epireport.aggregate._expr import UndefinedError
from epireport.aggregate._results import AggregateSet, AggregateStatus
from epireport.aggregate._rules import Importance, MissingStrategy, Operator, ValidationRule
from epireport.exceptions import ModelError
from epireport.model._indicators import Aggregation, Indicator, ValueType
from epireport.model._periods import Period
from epireport.model._values import DataValue, Value, ValueStatus

__all__ = [
    "Violation",
    "builtin_rules",
    "category_sum_rule",
    "category_sum_violations",
    "check_rules",
    "children_sum_rule",
    "children_sum_violations",
    "evaluate_rule",
    "validate",
]


@attrs.frozen
class Violation:
    """One failed rule at one (unit, period), with the figures it read.

    ``values`` pairs every code the rule reads with the figure read (``None``: missing);
    ``missing`` lists the codes that were missing when the rule fails for that reason;
    ``left`` and ``right`` are the computed sides (``None`` when they could not be computed).
    ``aggregated`` tells whether the figures were aggregates or reported data.
    """

    rule: ValidationRule
    unit: str
    period: Period
    left: Decimal | None
    right: Decimal | None
    values: tuple[tuple[str, Value | None], ...]
    missing: tuple[str, ...] = ()
    aggregated: bool = False
    #: What failed, in words, for checks that are not expressions (a stated total against its
    #: children); the message then shows it instead of the rule's two sides.
    detail: str = ""

    @property
    def importance(self) -> Importance:
        """How serious the violation is (the rule's importance)."""
        return self.rule.importance

    @property
    def codes(self) -> frozenset[str]:
        """The indicator codes the violated rule reads."""
        return self.rule.codes

    @property
    def message(self) -> str:
        """One line: the rule, where it failed, the sides and the figures behind them."""
        rule = self.rule
        where = f"unit {self.unit}, period {self.period}"
        shown = ", ".join(f"{c}={'missing' if v is None else v}" for c, v in self.values)
        if self.missing:
            what = f"missing {', '.join(self.missing)}"
        elif self.detail:
            what = self.detail
        else:
            what = (
                f"{rule.left} = {_show(self.left)} {rule.operator.value} "
                f"{rule.right} = {_show(self.right)} does not hold"
            ) + self._fix()
        kind = "aggregate" if self.aggregated else "reported"
        return f"{rule.importance.value}: {rule.code}: {where} ({kind}): {what} [{shown}]"

    def _fix(self) -> str:
        """How to mend a failed built-in part/whole rule, said after its two sides."""
        code = self.rule.code
        if self.left is None or self.right is None:
            return ""
        if code.startswith("parts-sum."):
            return (
                f"; the parts differ from the total by {_show(abs(self.left - self.right))}: "
                "correct the total or the part that is off"
            )
        if code.startswith("part-within-whole."):
            return (
                f"; a 其中 item exceeds its whole by {_show(self.left - self.right)}: correct "
                "one of the two figures, or its part_of if it is not an item of that whole"
            )
        return ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (``epireport check --json``)."""
        return {
            "rule": self.rule.code,
            "importance": self.rule.importance.value,
            "description": self.rule.description,
            "unit": self.unit,
            "period": str(self.period),
            "left": self.rule.left,
            "operator": self.rule.operator.value,
            "right": self.rule.right,
            "left_value": None if self.left is None else str(self.left),
            "right_value": None if self.right is None else str(self.right),
            "values": {c: None if v is None else str(v) for c, v in self.values},
            "missing": list(self.missing),
            "aggregated": self.aggregated,
            "detail": self.detail,
        }


def _show(value: Decimal | None) -> str:
    if value is None:
        return "?"
    # normalize() alone would print 130 as 1.3E+2; an integral value is shown as an integer.
    return str(int(value)) if value == value.to_integral_value() else str(value.normalize())


def _ref(code: str) -> str:
    """Write *code* so that an expression reads it back (braces unless it is an identifier)."""
    if code.isidentifier() and not keyword.iskeyword(code) and not code.startswith("__code_"):
        return code
    return "{" + code + "}"


def builtin_rules(indicators: Iterable[Indicator]) -> tuple[ValidationRule, ...]:
    """The rules every indicator set implies.

    * ``non-negative.<code>``: counts (integer or decimal flows and stocks) are not negative;
    * ``percent-range.<code>``: reported percentages lie within 0-100;
    * ``part-within-whole.<part>``: a 其中 item is not greater than its whole (``part_of``, or
      listed in the whole's ``parts``);
    * ``parts-sum.<whole>``: the declared ``parts`` add up to the whole.

    All are errors and skip missing figures.
    """
    listed = tuple(indicators)
    rules: list[ValidationRule] = []
    wholes: dict[str, str] = {}
    for indicator in listed:
        code = _ref(indicator.code)
        if indicator.is_computed:
            continue
        if indicator.value_type in (ValueType.INTEGER, ValueType.DECIMAL):
            rules.append(
                ValidationRule(
                    code=f"non-negative.{indicator.code}",
                    left=code,
                    operator=Operator.GREATER_EQUAL,
                    right="0",
                    description=f"{indicator.name}不能为负数",
                )
            )
        elif indicator.value_type is ValueType.PERCENTAGE:
            for op, bound in ((Operator.GREATER_EQUAL, "0"), (Operator.LESS_EQUAL, "100")):
                rules.append(
                    ValidationRule(
                        code=f"percent-range.{indicator.code}.{'min' if bound == '0' else 'max'}",
                        left=code,
                        operator=op,
                        right=bound,
                        description=f"{indicator.name}应在0至100之间",
                    )
                )
        if indicator.part_of is not None:
            wholes.setdefault(indicator.code, indicator.part_of)
        for part in indicator.parts:
            wholes.setdefault(part, indicator.code)
    names = {i.code: i.name for i in listed}
    for part, whole in wholes.items():
        rules.append(
            ValidationRule(
                code=f"part-within-whole.{part}",
                left=_ref(part),
                operator=Operator.LESS_EQUAL,
                right=_ref(whole),
                description=f"{names.get(part, part)}（其中项）不能大于{names.get(whole, whole)}",
            )
        )
    for indicator in listed:
        if indicator.parts:
            rules.append(
                ValidationRule(
                    code=f"parts-sum.{indicator.code}",
                    left=_ref(indicator.code),
                    operator=Operator.EQUAL,
                    right=" + ".join(_ref(p) for p in indicator.parts),
                    description=f"{indicator.name}应等于各分项之和",
                )
            )
    return tuple(rules)


def check_rules(rules: Iterable[ValidationRule], codes: Collection[str]) -> None:
    """Raise one :class:`ModelError` listing every rule that reads a code not in *codes*."""
    problems = []
    for rule in rules:
        unknown = sorted(rule.codes - set(codes))
        if unknown:
            problems.append(
                f"rule {rule.code!r} reads unknown indicator(s) {', '.join(map(repr, unknown))}"
            )
    if problems:
        known = ", ".join(sorted(codes)) or "none"
        raise ModelError("ValidationRule: " + "; ".join(problems) + f" (known indicators: {known})")


class _Missing(Exception):
    """Raised inside evaluation when a figure is missing under the ``skip``/``fail`` strategy."""


def _number(value: Value | None) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value)


def evaluate_rule(
    rule: ValidationRule,
    unit: str,
    period: Period,
    figures: Mapping[str, Value | None],
    *,
    aggregated: bool = False,
) -> Violation | None:
    """Evaluate *rule* on *figures* (code → figure, ``None`` or absent: missing).

    Returns the :class:`Violation`, or ``None`` when the rule holds or is not evaluated.
    """
    holds = rule.holds_for_integers
    if holds is not None and holds(figures):
        return None  # the common case, decided without Decimals (see holds_for_integers)
    codes = sorted(rule.codes)
    read = tuple((code, figures.get(code)) for code in codes)
    missing = tuple(code for code, value in read if _number(value) is None)
    strategy = rule.missing
    if missing and strategy is MissingStrategy.SKIP:
        return None

    def lookup(code: str) -> Decimal:
        number = _number(figures.get(code))
        if number is None:
            if strategy is MissingStrategy.AS_ZERO:
                return Decimal(0)
            raise _Missing(code)
        return number

    if missing and strategy is MissingStrategy.FAIL:
        left = _side(rule, "left", lookup)
        right = _side(rule, "right", lookup)
        return Violation(rule, unit, period, left, right, read, missing, aggregated)
    try:
        left = rule.left_expression.evaluate(lookup)
        right = rule.right_expression.evaluate(lookup)
    except UndefinedError:
        return None
    if rule.compare(left, right):
        return None
    return Violation(rule, unit, period, left, right, read, (), aggregated)


def _side(rule: ValidationRule, which: str, lookup: Any) -> Decimal | None:
    expression = rule.left_expression if which == "left" else rule.right_expression
    try:
        value: Decimal = expression.evaluate(lookup)
    except (_Missing, UndefinedError):
        return None
    return value


def _data_figures(
    values: Iterable[DataValue],
) -> dict[tuple[str, Period], dict[str, Value | None]]:
    grouped: dict[tuple[str, Period], dict[str, Value | None]] = {}
    # The values of a report share a few period objects (readers parse each period id once):
    # a (unit, period object) pair is looked up by the object's id, hashed in C, and the
    # Period (hashed in Python) only the first time. The entry keeps the period alive, so
    # its id cannot be reused by another one while *values* is read.
    by_id: dict[tuple[str, int], tuple[Period, dict[str, Value | None]]] = {}
    reported, zero = ValueStatus.REPORTED, ValueStatus.ZERO_REPORT
    for value in values:
        unit, period = value.unit, value.period
        entry = by_id.get((unit, id(period)))
        if entry is None or entry[0] is not period:
            figures = grouped.get((unit, period))
            if figures is None:
                figures = grouped[unit, period] = {}
            by_id[unit, id(period)] = (period, figures)
        else:
            figures = entry[1]
        # A category option's figure is read under its series code (returnees[wuhan]), never
        # as the indicator's total.
        code = value.series if value.options else value.indicator
        status = value.status
        if status is zero:
            figures[code] = 0
        elif status is reported:
            figures[code] = value.value
        else:
            figures.setdefault(code, None)
    return grouped


def _plainly_hold(rules: Sequence[ValidationRule], values: Iterable[DataValue]) -> bool:
    """Whether every rule reads one indicator and plainly holds for each value on its own.

    Such rules (``non-negative.<code>``, a ceiling) read one figure of a (unit, period): each
    value can be checked alone, without grouping the values by (unit, period) first, and
    each distinct figure once. ``False`` (any other rule, a figure that is not an integer, a
    missing one a rule does not skip, an option's figure, a violation) sends the caller to the
    full evaluation, which says what fails and where. (The store's ingest calls it too, on
    what a file writes and on what the store holds beside it.)
    """
    checks: dict[str, list[Callable[[Mapping[str, object]], bool]]] = {}
    skips: dict[str, bool] = {}
    for rule in rules:
        holds = rule.holds_for_integers
        if len(rule.codes) != 1 or holds is None:
            return False
        (code,) = rule.codes
        checks.setdefault(code, []).append(holds)
        skips[code] = skips.get(code, True) and rule.missing is MissingStrategy.SKIP
    reported, zero = ValueStatus.REPORTED, ValueStatus.ZERO_REPORT
    shown: set[tuple[str, int]] = set()
    for value in values:
        if value.options:
            return False  # an option's figure is checked with its total, by the full evaluation
        code = value.indicator
        found = checks.get(code)
        if found is None:
            continue  # no rule reads it
        status = value.status
        if status is reported:
            figure = value.value
            if type(figure) is not int:
                return False  # the quick tests decide plain integers only
        elif status is zero:
            figure = 0
        elif skips[code]:
            continue  # missing or not applicable: every rule on it skips
        else:
            return False
        if (code, figure) in shown:
            continue
        figures = {code: figure}
        for holds in found:
            if not holds(figures):
                return False
        shown.add((code, figure))
    return True


# The last data check: (values, rules, violations). A tuple of values cannot change, so the
# same tuple and equal rules give the same violations; one slot is enough for the render that
# checks its data twice, and holds one report's values at most.
_LAST_DATA_CHECK: (
    tuple[tuple[DataValue, ...], tuple[ValidationRule, ...], tuple[Violation, ...]] | None
) = None


def _remember_data_check(
    values: tuple[DataValue, ...],
    rules: tuple[ValidationRule, ...],
    violations: tuple[Violation, ...],
) -> None:
    global _LAST_DATA_CHECK
    _LAST_DATA_CHECK = (values, rules, violations)


def validate(
    rules: Iterable[ValidationRule],
    values: Iterable[DataValue] = (),
    aggregates: AggregateSet | None = None,
) -> tuple[Violation, ...]:
    """Evaluate *rules* on the reported *values* and on the *aggregates*.

    Violations come in this order: reported data by (unit, period) as first met, then
    aggregates in plan order, rules in the order given within each. An aggregate violation is
    dropped when the same rule already failed on reported data at the same unit and period
    (a unit's own figure is its aggregate).
    """
    rule_list = tuple(rules)
    found: list[Violation] = []
    seen: set[tuple[str, str, Period]] = set()

    # Each rule with what is read of it at every (unit, period): its codes, its quick test,
    # and (for a rule skipped where a figure is missing) the codes to look at for that.
    skip = MissingStrategy.SKIP
    checks = [
        (rule, rule.codes, rule.holds_for_integers, rule.missing is skip and tuple(rule.codes))
        for rule in rule_list
    ]

    def run(
        unit: str, period: Period, figures: Mapping[str, Value | None], aggregated: bool
    ) -> None:
        keys = figures.keys()
        get = figures.get
        for rule, codes, holds, skipped in checks:
            if codes and codes.isdisjoint(keys):
                continue
            if holds is not None and holds(figures):
                continue  # the common case, decided without Decimals or a look at *seen*
            if skipped and any(get(code) is None for code in skipped):
                continue  # a missing figure: evaluate_rule would skip the rule
            if seen and (rule.code, unit, period) in seen:
                continue
            violation = evaluate_rule(rule, unit, period, figures, aggregated=aggregated)
            if violation is not None:
                seen.add((rule.code, unit, period))
                found.append(violation)

    remembered = _LAST_DATA_CHECK
    if (
        isinstance(values, tuple)
        and remembered is not None
        and remembered[0] is values
        and remembered[1] == rule_list
    ):
        # The same report's data with the same rules, checked a moment ago (a final render
        # checks the data, then computes the facts, which check it again).
        found.extend(remembered[2])
        seen.update((v.rule.code, v.unit, v.period) for v in remembered[2])
    else:
        data = values if isinstance(values, tuple | list) else tuple(values)
        if not _plainly_hold(rule_list, data):
            for (unit, period), figures in _data_figures(data).items():
                run(unit, period, figures, False)
        if isinstance(values, tuple):
            _remember_data_check(values, rule_list, tuple(found))
    if aggregates is not None:
        by_target: dict[tuple[str, Period], dict[str, Value | None]] = {}
        no_data = AggregateStatus.NO_DATA
        target: dict[str, Value | None] = {}
        last: tuple[str, Period] | None = None
        for code, unit, period, status, value in aggregates.figures():
            # A target's figures come one after another: its unit and period are the same
            # objects then, found again without hashing the period.
            if last is None or last[0] is not unit or last[1] is not period:
                last = (unit, period)
                target = by_target.setdefault(last, {})
            if status is not no_data:
                target[code] = value
        for (unit, period), figures in by_target.items():
            run(unit, period, figures, True)
    return tuple(found)


def children_sum_rule(indicator: Indicator) -> ValidationRule:
    """The built-in rule a stated total is held to: ``children-sum.<code>``."""
    code = _ref(indicator.code)
    return ValidationRule(
        code=f"children-sum.{indicator.code}",
        left=code,
        operator=Operator.EQUAL,
        right=code,
        description=f"{indicator.name}：上级自报数应等于下级之和",
    )


def category_sum_rule(indicator: Indicator) -> ValidationRule:
    """The built-in rule a stated figure of a split indicator is held to: ``category-sum``."""
    code = _ref(indicator.code)
    return ValidationRule(
        code=f"category-sum.{indicator.code}",
        left=code,
        operator=Operator.EQUAL,
        right=code,
        description=f"{indicator.name}：所报合计数应等于各分类之和",
    )


def category_sum_violations(
    indicators: Iterable[Indicator], values: Iterable[DataValue], period: Period | None = None
) -> tuple[Violation, ...]:
    """Where a form states a figure of a split indicator and the options nested in it too.

    The total of an indicator split by categories is the sum over its options, as a unit's is
    the sum over its children: a stated total (or a stated 湖北 over 武汉 and 湖北其他地区)
    that differs from that sum is a violation (an error) naming both figures and the options.
    Only values inside *period* are read (all of them without one).
    """
    split = {i.code: i for i in indicators if i.categories}
    if not split:
        return ()
    found: list[Violation] = []
    inside = [
        v for v in values if v.indicator in split and (period is None or period.contains(v.period))
    ]
    for clash in category_sums({c: i.categories for c, i in split.items()}, inside):
        if clash.stated == clash.total:
            continue
        listed = "、".join(f"{code} {_show(Decimal(n))}" for code, n in clash.parts)
        found.append(
            Violation(
                rule=category_sum_rule(split[clash.indicator]),
                unit=clash.unit,
                period=clash.period,
                left=Decimal(clash.stated),
                right=Decimal(clash.total),
                values=((clash.series, clash.stated),),
                detail=(
                    f"{clash.unit} states {clash.series} = {_show(Decimal(clash.stated))}, its "
                    f"options add up to {_show(Decimal(clash.total))} ({listed}); correct the "
                    "stated figure or the option that is off"
                ),
            )
        )
    return tuple(found)


def children_sum_violations(
    indicators: Iterable[Indicator],
    values: Iterable[DataValue],
    aggregates: AggregateSet,
    children: Mapping[str, Iterable[str]],
    period: Period,
) -> tuple[Violation, ...]:
    """Where a unit states a figure itself and its children report too, compare the two.

    A unit that reports an indicator itself is authoritative: its figure is the unit's figure,
    and its children's figures are not added on top (nothing counts twice). But a stated total
    that disagrees with the sum of its children's figures is a contradiction the document must
    not carry silently: each one is a violation (an error) naming both figures and the children.
    *children* maps each unit to check to its children; summed indicators only (flows and
    stocks whose units add up); a child without a figure is left out of the sum, and a unit
    none of whose children has one is not checked. A stated figure of an indicator split by
    categories is checked against its options the same way (see
    :func:`category_sum_violations`).
    """
    summed = {
        i.code: i
        for i in indicators
        if i.unit_aggregation is Aggregation.SUM
        and i.value_type in (ValueType.INTEGER, ValueType.DECIMAL)
        and not i.is_computed
    }
    # Only the units checked can have stated anything that matters here.
    stated: set[tuple[str, str]] = {
        (v.indicator, v.unit)
        for v in values
        if v.unit in children
        and v.indicator in summed
        and v.status.is_submitted
        and period.contains(v.period)
    }
    found: list[Violation] = []
    for unit, kids in children.items():
        for code, indicator in summed.items():
            if (code, unit) not in stated:
                continue
            own = _aggregate_value(aggregates, code, unit, period)
            parts = {
                kid: value
                for kid in kids
                if (value := _aggregate_value(aggregates, code, kid, period)) is not None
            }
            if own is None or not parts:
                continue
            total = sum(parts.values(), Decimal(0))
            if total == own:
                continue
            listed = "、".join(f"{kid} {_show(value)}" for kid, value in parts.items())
            found.append(
                Violation(
                    rule=children_sum_rule(indicator),
                    unit=unit,
                    period=period,
                    left=own,
                    right=total,
                    values=((code, own),),
                    aggregated=True,
                    detail=(
                        f"{unit} states {code} = {_show(own)}, its children add up to "
                        f"{_show(total)} ({listed})"
                    ),
                )
            )
    found.extend(category_sum_violations(summed.values(), values, period))
    return tuple(found)


def _aggregate_value(
    aggregates: AggregateSet, code: str, unit: str, period: Period
) -> Decimal | None:
    try:
        found = aggregates.get_aggregate(code, unit, period)
    except KeyError:
        return None
    return _number(found.value) if found.status is AggregateStatus.VALUE else None
