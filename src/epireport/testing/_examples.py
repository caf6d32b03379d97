"""Deterministic, realistic example reports for tests and demos.

:func:`example_report` gives an institution's report input and its rendered summary. Seed 0 is
the institution's packaged example as it ships; any other seed varies its data the way a real
period would differ (a few days fewer at either end, counts within ±20%, the odd zero-report,
missing report or report never sent), through the same variation as
:func:`epireport.testing.strategies.institution_inputs`, driven by ``random.Random(seed)``.
The same seed gives the same input and the same output, byte for byte.

How the data vary (:func:`vary_input`): each (unit, period) report of the example is varied
as a whole, and any indicator that a varied report makes break one of the institution's
validation rules (its own and the built-in ones, missing figures read as 0) gets its example
value back. The rules of the reference institutions compare sums of counts (``a <= b``,
``a <= b * 15``), which add up: reports that each satisfy them give period totals that do
too. Every indicator the example has submitted values for keeps at least one, so a figure the
template requires is never missing. This module does not import Hypothesis.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from epireport.exceptions import ModelError, UsageError
from epireport.model._indicators import Indicator, IndicatorKind, ValueType
from epireport.model._institution import Institution, NarrativeKind
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._values import DataValue, Value, ValueStatus

if TYPE_CHECKING:
    from epireport._pipeline import Rendered
    from epireport._plugins import Plugins
    from epireport.aggregate._rules import ValidationRule

__all__ = [
    "ExampleReport",
    "Variation",
    "example_days",
    "example_report",
    "flag_narrative",
    "optional_narrative",
    "realistic_variation",
    "vary_input",
]

_Key = tuple[str, Period]


def _count(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(
            f"Variation.{attribute.name}: expected a count of days >= 0, got {value!r}"
        )


def _share(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    # A spread above 1 would scale counts below zero; rates above 1 mean nothing.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ModelError(f"Variation.{attribute.name}: expected a share from 0 to 1, got {value!r}")


@attrs.frozen
class Variation:
    """How far a generated input departs from an institution's example.

    ``drop_head`` and ``drop_tail`` are the days left out at either end of the example's data
    (the report period shrinks to what is left); ``gap_rate`` is the share of (unit, day)
    reports never sent, ``missing_rate`` the share sent as missing, ``zero_rate`` the share of
    counts turned into zero-reports, ``spread`` the relative jitter of each count (0.2: ±20%).
    ``drop_narrative`` names optional narrative inputs to leave out, ``flip_flags`` flag inputs
    to negate. ``Variation()`` changes nothing.
    """

    drop_head: int = attrs.field(default=0, validator=_count)
    drop_tail: int = attrs.field(default=0, validator=_count)
    gap_rate: float = attrs.field(default=0.0, validator=_share)
    missing_rate: float = attrs.field(default=0.0, validator=_share)
    zero_rate: float = attrs.field(default=0.0, validator=_share)
    spread: float = attrs.field(default=0.0, validator=_share)
    drop_narrative: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)
    flip_flags: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset)


def example_days(report: ReportInput) -> tuple[datetime.date, ...]:
    """The distinct days on which *report* has values inside its period, in order.

    Periods longer than a day count by their first day; they are varied like daily reports.
    """
    return tuple(
        sorted({v.period.start for v in report.values if report.period.contains(v.period)})
    )


def optional_narrative(report: ReportInput, institution: Institution) -> tuple[str, ...]:
    """The narrative inputs *report* has that *institution* does not require, in order."""
    required = {n.code for n in institution.narrative_inputs if n.required}
    return tuple(name for name in report.narrative if name not in required)


def flag_narrative(report: ReportInput, institution: Institution) -> tuple[str, ...]:
    """The flag (yes/no) narrative inputs *report* has, in order."""
    flags = {n.code for n in institution.narrative_inputs if n.kind is NarrativeKind.FLAG}
    return tuple(name for name in report.narrative if name in flags)


def vary_input(
    report: ReportInput,
    institution: Institution,
    rules: Iterable[ValidationRule],
    variation: Variation,
    rng: random.Random,
) -> ReportInput:
    """Return *report* varied as *variation* says, the random choices taken from *rng*.

    The result is deterministic for a given *rng* state. The kept days are widened as needed
    so that every indicator with a submitted value (reported or zero-report) in *report* keeps
    at least one. No (unit, period) report breaks a rule in *rules* with its missing figures
    read as 0; where the example's own report does (a whole missing beside its part), that
    rule's figures are marked missing in it, so the period's totals keep the rule too.
    """
    days = example_days(report)
    if not days or variation == Variation():
        # Even unvaried reports would be touched by the rule repair below (see _vary_record).
        return report
    head = min(max(variation.drop_head, 0), len(days) - 1)
    tail = min(max(variation.drop_tail, 0), len(days) - 1 - head)
    head, tail = _widen_to_cover(report, days, head, tail)
    first, last = days[head], days[len(days) - 1 - tail]
    # The example's own period (a stage, a month) stays when no day is dropped.
    period = Period.interval(first, last) if head or tail else report.period
    indicators = {i.code: i for s in institution.indicator_sets for i in s.indicators}
    rule_list = tuple(rules)

    history: list[DataValue] = []
    records: dict[_Key, list[DataValue]] = {}
    for value in report.values:
        if not report.period.contains(value.period):
            # Values outside the example's period are history (comparisons): keep what lies
            # before the new period, drop what would now lie after it.
            if value.period.end <= period.start:
                history.append(value)
        elif first <= value.period.start and value.period.last_day <= last:
            records.setdefault((value.unit, value.period), []).append(value)

    # Stocks are levels, not daily events: one factor per (unit, indicator) keeps them steady.
    stock_factors: dict[tuple[str, str], float] = {}
    varied: dict[_Key, list[DataValue] | None] = {}
    for key, record in records.items():
        draw = rng.random()
        if draw < variation.gap_rate:
            varied[key] = None
        elif draw < variation.gap_rate + variation.missing_rate:
            varied[key] = [_missing(v) for v in record]
        else:
            varied[key] = _vary_record(record, indicators, rule_list, variation, rng, stock_factors)
    values = _restore_coverage(records, varied)
    narrative = _vary_narrative(report, institution, variation)
    return attrs.evolve(report, period=period, values=(*history, *values), narrative=narrative)


def _widen_to_cover(
    report: ReportInput, days: Sequence[datetime.date], head: int, tail: int
) -> tuple[int, int]:
    """Widen the kept days until every indicator submitted in the example is submitted in them.

    A day range where the example itself has only missing values for an indicator would leave
    its figure missing, which final mode refuses.
    """
    by_day: dict[datetime.date, set[str]] = {}
    for value in report.values:
        if report.period.contains(value.period) and value.status.is_submitted:
            by_day.setdefault(value.period.start, set()).add(value.indicator)
    needed = set().union(*by_day.values()) if by_day else set()
    while head or tail:
        kept = days[head : len(days) - tail]
        if needed <= set().union(*(by_day.get(d, set()) for d in kept)):
            break
        if tail >= head:
            tail -= 1
        else:
            head -= 1
    return head, tail


def _missing(value: DataValue) -> DataValue:
    return attrs.evolve(value, status=ValueStatus.MISSING, value=None, submitted_at=None)


def _zero(value: DataValue) -> DataValue:
    return attrs.evolve(value, status=ValueStatus.ZERO_REPORT, value=None)


def _jitter(indicator: Indicator, value: Value, factor: float) -> Value:
    """Scale a reported number by *factor*, keeping its type, scale and range."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return value
    if isinstance(value, int):
        return max(0, math.floor(value * factor + 0.5))
    exponent = value.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    scaled = max(Decimal(0), (value * Decimal(repr(factor))).quantize(quantum))
    if indicator.value_type is ValueType.PERCENTAGE:
        scaled = min(scaled, Decimal(100))
    return scaled


def _figures(record: Iterable[DataValue]) -> dict[str, Value | None]:
    figures: dict[str, Value | None] = {}
    for value in record:
        if value.status is ValueStatus.ZERO_REPORT:
            figures[value.indicator] = 0
        elif value.status is ValueStatus.REPORTED:
            figures[value.indicator] = value.value
        else:
            figures.setdefault(value.indicator, None)
    return figures


def _broken(
    rules: Sequence[ValidationRule], record: Sequence[DataValue], key: _Key
) -> frozenset[str]:
    """The indicator codes read by the rules *record* breaks, its missing figures read as 0.

    Reading them as 0 is what the report's contribution to the period's totals is: reports
    that each keep a rule ``a <= k * b`` that way give totals that keep it too, whereas a
    report with ``a`` but without ``b`` could tip a total over.
    """
    from epireport.aggregate._validate import evaluate_rule

    submitted = {code: figure for code, figure in _figures(record).items() if figure is not None}
    present = {v.indicator for v in record}
    codes: set[str] = set()
    for rule in rules:
        if rule.codes and not rule.codes & present:
            continue
        figures = {code: submitted.get(code, 0) for code in rule.codes}
        if evaluate_rule(rule, key[0], key[1], figures) is not None:
            codes |= rule.codes
    return frozenset(codes)


def _vary_record(
    record: list[DataValue],
    indicators: Mapping[str, Indicator],
    rules: Sequence[ValidationRule],
    variation: Variation,
    rng: random.Random,
    stock_factors: dict[tuple[str, str], float],
) -> list[DataValue]:
    out: list[DataValue] = []
    for value in record:
        indicator = indicators.get(value.indicator)
        # Draw for every value, whatever its state, so that one value's state does not shift
        # the random choices of all the others.
        zero_draw, factor_draw = rng.random(), rng.random()
        if (
            indicator is None
            or not indicator.is_numeric
            or value.status
            not in (
                ValueStatus.REPORTED,
                ValueStatus.ZERO_REPORT,
            )
        ):
            out.append(value)
            continue
        if zero_draw < variation.zero_rate:
            out.append(_zero(value))
            continue
        if value.status is ValueStatus.REPORTED and value.value is not None:
            factor = 1 + variation.spread * (2 * factor_draw - 1)
            if indicator.kind is IndicatorKind.STOCK:
                factor = stock_factors.setdefault((value.unit, value.indicator), factor)
            out.append(attrs.evolve(value, value=_jitter(indicator, value.value, factor)))
            continue
        out.append(value)
    # Put back the example's figures of every rule the varied report breaks until none is
    # broken. Should the example's own report break one (a figure missing beside its part),
    # that rule's figures are marked missing in this report: it then adds nothing to either
    # side of the totals. Each round widens one of two growing sets, so the loop ends.
    key = (record[0].unit, record[0].period)
    original = {v.indicator: v for v in record}
    reverted: set[str] = set()
    blanked: set[str] = set()
    while True:
        broken = _broken(rules, out, key)
        if broken - reverted:
            reverted |= broken
        elif broken - blanked:
            blanked |= broken
        else:
            return out
        out = [
            _missing(original[v.indicator])
            if v.indicator in blanked
            else original[v.indicator]
            if v.indicator in reverted
            else v
            for v in out
        ]


def _submitted(record: Iterable[DataValue]) -> set[str]:
    return {v.indicator for v in record if v.status.is_submitted}


def _restore_coverage(
    records: Mapping[_Key, list[DataValue]], varied: Mapping[_Key, list[DataValue] | None]
) -> list[DataValue]:
    """The varied values, with example reports put back for indicators left with none."""
    covered: set[str] = set()
    for record in varied.values():
        if record is not None:
            covered |= _submitted(record)
    restored = dict(varied)
    for key, record in records.items():
        lost = _submitted(record) - covered
        if lost:
            restored[key] = record
            covered |= lost
    return [v for record in restored.values() if record is not None for v in record]


def _vary_narrative(
    report: ReportInput, institution: Institution, variation: Variation
) -> dict[str, Any]:
    optional = set(optional_narrative(report, institution))
    flags = set(flag_narrative(report, institution))
    narrative: dict[str, Any] = {}
    for name, value in report.narrative.items():
        if name in variation.drop_narrative and name in optional:
            continue
        if name in variation.flip_flags and name in flags and isinstance(value, bool):
            value = not value
        narrative[name] = value
    return narrative


@attrs.frozen
class ExampleReport:
    """An example report input and its summary rendered in final mode."""

    input: ReportInput
    rendered: Rendered

    @property
    def output(self) -> str | bytes:
        """The rendered summary (text, or bytes for binary formats such as DOCX)."""
        return self.rendered.output


def realistic_variation(days: int, rng: random.Random) -> Variation:
    """The variation a seed stands for: a period like the example's, with everyday noise.

    Up to a quarter of the *days* may go at either end; about one report in a hundred is
    missing and one never sent, one count in fifty becomes a zero-report, and the others move
    by up to 20%. Narrative inputs stay as they are (they are the words of the summary).
    """
    quarter = days // 4
    return Variation(
        drop_head=rng.randint(0, quarter),
        drop_tail=rng.randint(0, quarter),
        gap_rate=0.01,
        missing_rate=0.01,
        zero_rate=0.02,
        spread=0.2,
    )


def example_report(
    institution: str | Institution,
    seed: int = 0,
    *,
    format: str = "text",
    plugins: Plugins | None = None,
) -> ExampleReport:
    """Return an example input of *institution* and its summary rendered in *format*.

    Seed 0 is the packaged example; other seeds vary its data realistically (see
    :func:`realistic_variation`). Rendering is in final mode, with *plugins* (by default the
    installed plugins). Deterministic: the same arguments give the same input and output.

    >>> example = example_report("property-company", seed=7)  # doctest: +SKIP
    >>> print(example.output)  # doctest: +SKIP
    """
    from epireport._pipeline import example_input, render_report
    from epireport._plugins import Plugins

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"example_report: seed must be an integer, got {seed!r}")
    if plugins is None:
        plugins = Plugins.create()
    inst = plugins.institution(institution)
    report = example_input(inst, plugins=plugins)
    if seed != 0:
        rng = random.Random(seed)
        variation = realistic_variation(len(example_days(report)), rng)
        report = vary_input(report, inst, plugins.validation_rules(inst), variation, rng)
    rendered = render_report(report, format=format, plugins=plugins)
    return ExampleReport(input=report, rendered=rendered)
