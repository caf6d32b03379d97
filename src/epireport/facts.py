"""Facts: everything the narrative may say about one indicator for one unit over one period.

A :class:`Fact` bundles the figure (or its absence and why), the measure word, the coverage and
completeness behind it, its changes against the previous period (环比) and the same period last
year (同比), the cumulative figure to date (累计), its rank among sibling units, the validation
notes that concern it, and its provenance: the data values it was computed from. The narrative
reads facts only; :func:`compute_facts` is the one way to get them from a report input.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType

import attrs

from epireport.aggregate._approximate import combined_qualifier
from epireport.aggregate._compare import Change, ChangeKind, Rank, compare, rank
from epireport.aggregate._completeness import (
    Completeness,
    CompletenessSummary,
    ReportingCalendar,
    completeness_of,
    coverage_phrase,
)
from epireport.aggregate._engine import aggregate
from epireport.aggregate._plan import make_plan
from epireport.aggregate._results import AggregateSet, AggregateStatus, Coverage
from epireport.aggregate._rules import ValidationRule
from epireport.aggregate._validate import (
    Violation,
    check_rules,
    children_sum_violations,
    validate,
)
from epireport.exceptions import ModelError
from epireport.model._indicators import Aggregation, Indicator, IndicatorKind, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period, PeriodType
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, Value

__all__ = ["Fact", "FactSet", "compute_facts", "report_completeness", "value_id"]

_UNAVAILABLE = Change(ChangeKind.UNAVAILABLE)


def value_id(value: DataValue) -> str:
    """The id of a data value in provenance lists: ``indicator@unit@period``.

    A value of a category option names its series: ``returnees[wuhan]@unit@period``.
    """
    return f"{value.series}@{value.unit}@{value.period}"


@attrs.frozen
class Fact:
    """One indicator for one unit over one period, with everything the prose may say about it.

    ``status`` and ``reason`` tell why ``value`` is ``None`` when it is (missing is never 0).
    ``previous`` and ``last_year`` compare with the previous period (环比) and the same period
    last year (同比); ``cumulative`` is the figure from ``cumulative_period``'s start to the end
    of the period (累计, 截至; ``None`` for indicators that do not add up over time); ``rank``
    places the unit among its siblings (``None`` for the reporting unit itself or without a
    figure). ``notes`` are the validation violations reading this indicator here or in the data
    it was computed from; ``sources`` the data values behind the figure.

    A unit that states a figure itself is authoritative: its own figure is the fact's value, and
    its children's figures are not added on top. When its children report the indicator too,
    ``parts_sum`` is what they add up to and ``parts_sources`` their data values, so the
    provenance keeps both; a difference is a ``children-sum.<indicator>`` violation in
    ``notes`` (and in ``epireport check``), and a final render refuses it.

    ``qualifier`` says the figure is approximate because a value behind it was (约, 近, 余 or 多;
    see :func:`~epireport.aggregate._approximate.combined_qualifier`): the prose then never
    writes it more precisely than that.
    """

    indicator: str
    unit: str
    period: Period
    status: AggregateStatus
    value: Value | None
    name: str = ""
    classifier: str = ""
    unit_name: str = ""
    reason: str = ""
    coverage: Coverage = attrs.field(factory=Coverage)
    completeness: CompletenessSummary | None = None
    previous: Change = _UNAVAILABLE
    last_year: Change = _UNAVAILABLE
    cumulative: Value | None = None
    cumulative_period: Period | None = None
    rank: Rank | None = None
    notes: tuple[Violation, ...] = ()
    sources: tuple[DataValue, ...] = attrs.field(default=(), eq=False, repr=False)
    qualifier: str = ""
    parts_sum: Value | None = None
    parts_sources: tuple[DataValue, ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def id(self) -> str:
        """The fact's id, ``indicator@unit@period`` (what a document's FactRef names)."""
        return f"{self.indicator}@{self.unit}@{self.period}"

    @property
    def key(self) -> tuple[str, str, Period]:
        """``(indicator, unit, period)``."""
        return self.indicator, self.unit, self.period

    @property
    def has_value(self) -> bool:
        """Whether there is a figure to state."""
        return self.status is AggregateStatus.VALUE

    @property
    def source_ids(self) -> tuple[str, ...]:
        """The ids of the data values behind the figure (see :func:`value_id`)."""
        return tuple(value_id(v) for v in self.sources)


class FactSet:
    """The facts of one report: lookup by indicator, unit and period; iteration in set order.

    Iteration yields facts indicator by indicator in the institution's indicator-set order, and
    within an indicator the reporting unit first, then its children in tree order.
    ``get(indicator)`` defaults to the reporting unit and the report period.
    """

    def __init__(
        self,
        facts: Iterable[Fact],
        *,
        unit: str,
        period: Period,
        completeness: Mapping[str, Completeness] | None = None,
        unit_words: Mapping[str, str] | None = None,
        violations: Sequence[Violation] = (),
        more: Callable[[str], Iterable[Fact]] | None = None,
    ) -> None:
        self._facts = {fact.key: fact for fact in facts}
        self.unit = unit
        self.period = period
        self._completeness = MappingProxyType(dict(completeness or {}))
        self._unit_words = dict(unit_words or {})
        self.violations: tuple[Violation, ...] = tuple(violations)
        # Facts of units deeper in the tree than the children, computed when first asked for.
        self._more = more
        self._asked: set[str] = {fact.unit for fact in self._facts.values()}

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._facts.values())

    def __len__(self) -> int:
        return len(self._facts)

    def __contains__(self, key: object) -> bool:
        return key in self._facts

    @property
    def indicators(self) -> tuple[str, ...]:
        """The indicator codes, in indicator-set order."""
        return tuple(dict.fromkeys(fact.indicator for fact in self))

    @property
    def units(self) -> tuple[str, ...]:
        """The unit codes: the reporting unit, then its children."""
        return tuple(dict.fromkeys(fact.unit for fact in self))

    def find(
        self, indicator: str, unit: str | None = None, period: Period | None = None
    ) -> Fact | None:
        """Return the fact, or ``None`` when there is none.

        The reporting unit and its children are computed with the report; any other unit of
        its tree (a grandchild, a school under a district) is computed the first time it is
        asked for, for the report period.
        """
        key = (indicator, unit or self.unit, period or self.period)
        found = self._facts.get(key)
        if found is None and self._more is not None and key[1] not in self._asked:
            self._asked.add(key[1])
            for fact in self._more(key[1]):
                self._facts.setdefault(fact.key, fact)
            found = self._facts.get(key)
        return found

    def get(self, indicator: str, unit: str | None = None, period: Period | None = None) -> Fact:
        """Return the fact; :class:`KeyError` naming the triple when there is none."""
        found = self.find(indicator, unit, period)
        if found is None:
            raise KeyError(
                f"no fact for indicator {indicator!r}, unit {unit or self.unit!r}, "
                f"period {period or self.period}"
            )
        return found

    def for_indicator(self, indicator: str) -> tuple[Fact, ...]:
        """The facts of one indicator: the reporting unit, then its children."""
        return tuple(fact for fact in self if fact.indicator == indicator)

    def for_unit(self, unit: str) -> tuple[Fact, ...]:
        """The facts of one unit, in indicator-set order."""
        return tuple(fact for fact in self if fact.unit == unit)

    def completeness(self, unit: str | None = None) -> Completeness | None:
        """Who was expected to report under *unit* (default: the reporting unit), and who did."""
        return self._completeness.get(unit or self.unit)

    def coverage_phrase(
        self, unit: str | None = None, *, number: Callable[[int, str], str] | None = None
    ) -> str:
        """Phrase the completeness under *unit*: ``12个学校中10个按时报送，2个零报告``.

        *number* writes each count (see :func:`~epireport.aggregate.coverage_phrase`).
        """
        found = self.completeness(unit)
        if found is None:
            return ""
        word = self._unit_words.get(unit or self.unit, "")
        if number is None:
            return coverage_phrase(found.by_unit, word)
        return coverage_phrase(found.by_unit, word, number)


def _tree(report: ReportInput, institution: Institution) -> OrgTree:
    """The report's org tree, or its unit alone."""
    if report.tree is not None:
        return report.tree
    return OrgTree((OrgUnit(report.unit, report.display_name),), institution.level_names[:1])


def _slot_frequency(report: ReportInput, institution: Institution) -> PeriodType | None:
    """The report slots' period type: the institution's, if the data has values of it."""
    frequency = institution.reporting_frequency
    period = report.period
    if frequency.is_calendar and any(
        v.period.type is frequency and period.contains(v.period) for v in report.values
    ):
        return frequency
    return None


def report_completeness(
    report: ReportInput,
    institution: Institution,
    *,
    deadline: timedelta | None = None,
    reporting_level: int | None = None,
) -> Completeness:
    """The completeness of *report*'s reporting, as :func:`compute_facts` works it out.

    The same report slots, reporting units (*reporting_level*, default the leaves) and
    *deadline*, without computing any figure: for a template that needs the completeness at
    another level than its facts' (schools as well as classes).
    """
    calendar = ReportingCalendar(
        _tree(report, institution),
        _slot_frequency(report, institution),
        reporting_level,
        institution.deadline if deadline is None else deadline,
    )
    return completeness_of(calendar, report.values, (report.unit,), report.period)[report.unit]


def _try_period(period: Period, which: str) -> Period | None:
    """Return ``period.<which>()``, or None when that period is not representable."""
    try:
        result = getattr(period, which)()
    except ModelError:
        return None
    return result if isinstance(result, Period) else None


def _cumulative_period(
    values: Sequence[DataValue], period: Period, since: date | None
) -> Period | None:
    start = since
    if start is None:
        earlier = [v.period.start for v in values if v.period.end <= period.start]
        start = min(earlier, default=None)
    if start is None or start >= period.start:
        return None
    return Period.interval(start, period.last_day)


def _is_rate(indicator: Indicator) -> bool:
    return indicator.kind is IndicatorKind.RATE or indicator.value_type is ValueType.PERCENTAGE


def compute_facts(
    report: ReportInput,
    institution: Institution,
    *,
    rules: Iterable[ValidationRule] = (),
    deadline: timedelta | None = None,
    reporting_level: int | None = None,
    stock_lookback_days: int = 0,
    cumulative_from: date | None = None,
) -> FactSet:
    """Compute the facts of *report*: each indicator for the unit and its children over the period.

    Comparisons use the values outside the report period the input carries as history. Report
    slots are the institution's ``reporting_frequency`` periods when the data has values of that
    type, else the report period itself (a short-form input states one figure per indicator).
    *rules* are checked against the institution's indicators (unknown codes raise
    :class:`ModelError`) and evaluated on reported data and on every computed figure.
    ``deadline`` is the grace period after 24:00 of a report's last day before it counts as
    late; ``reporting_level`` the level of the units expected to report (default: the leaves);
    ``cumulative_from`` where 累计 starts (default: the earliest value before the period).
    """
    indicators = tuple(i for s in institution.indicator_sets for i in s.indicators)
    # An indicator split by categories has a fact per option combination too (returnees[wuhan]).
    facts_of = tuple(s for i in indicators for s in i.series_indicators())
    rule_list = tuple(rules)
    check_rules(rule_list, [i.code for i in facts_of])
    tree = _tree(report, institution)
    period = report.period
    units = (report.unit, *(u.code for u in tree.children(report.unit)))
    previous = _try_period(period, "previous")
    last_year = _try_period(period, "same_period_last_year")
    cumulative = _cumulative_period(report.values, period, cumulative_from)
    frequency_or_none = _slot_frequency(report, institution)
    periods = [p for p in (period, previous, last_year, cumulative) if p is not None]
    plan = make_plan(
        tree,
        indicators,
        [(u, p) for u in units for p in periods],
        frequency=frequency_or_none,
        stock_lookback_days=stock_lookback_days,
    )
    aggregates = aggregate(plan, report.values)
    violations = (
        *validate(rule_list, report.values, aggregates),
        *children_sum_violations(
            indicators, report.values, aggregates, {report.unit: units[1:]}, period
        ),
    )
    # Figures the reporting unit states itself (only its own are asked about below).
    stated = {
        (code, v.unit)
        for v in report.values
        if v.unit == report.unit and v.status.is_submitted and period.contains(v.period)
        for code in {v.indicator, v.series}
    }
    calendar = ReportingCalendar(
        tree,
        frequency_or_none,
        reporting_level,
        institution.deadline if deadline is None else deadline,
    )
    states = completeness_of(calendar, report.values, units, period)
    words = {u: _unit_word(tree, calendar, u, institution) for u in units}
    children = units[1:]
    facts: list[Fact] = []
    for indicator in facts_of:
        ranks = rank({c: aggregates.value(indicator.code, c, period) for c in children})
        for unit in units:
            facts.append(
                _fact(
                    indicator,
                    unit,
                    tree,
                    aggregates,
                    period,
                    previous,
                    last_year,
                    cumulative,
                    ranks.get(unit) if unit != report.unit else None,
                    states[unit].by_unit,
                    violations,
                    children if unit == report.unit and (indicator.code, unit) in stated else (),
                )
            )

    def more(unit: str) -> tuple[Fact, ...]:
        # A unit below the children: its own plan over the same periods, on demand.
        if unit not in tree or not tree.is_ancestor(report.unit, unit):
            return ()
        deeper = make_plan(
            tree,
            indicators,
            [(unit, p) for p in periods],
            frequency=frequency_or_none,
            stock_lookback_days=stock_lookback_days,
        )
        found = aggregate(deeper, report.values)
        state = completeness_of(calendar, report.values, (unit,), period)[unit]
        return tuple(
            _fact(
                indicator,
                unit,
                tree,
                found,
                period,
                previous,
                last_year,
                cumulative,
                None,
                state.by_unit,
                violations,
            )
            for indicator in facts_of
        )

    return FactSet(
        facts,
        unit=report.unit,
        period=period,
        completeness=states,
        unit_words=words,
        violations=violations,
        more=more,
    )


def _unit_word(
    tree: OrgTree, calendar: ReportingCalendar, unit: str, institution: Institution
) -> str:
    """The level name of the units reporting under *unit* (学校), from the tree or institution."""
    reporters = calendar.reporters(unit)
    if not reporters:
        return ""
    level = tree.depth(reporters[0].code)
    word = tree.level_name(level)
    if not word and 1 <= level <= len(institution.level_names):
        word = institution.level_names[level - 1]
    return word


def _fact(
    indicator: Indicator,
    unit: str,
    tree: OrgTree,
    aggregates: AggregateSet,
    period: Period,
    previous: Period | None,
    last_year: Period | None,
    cumulative: Period | None,
    unit_rank: Rank | None,
    summary: CompletenessSummary,
    violations: Sequence[Violation],
    stated_over: Sequence[str] = (),
) -> Fact:
    code = indicator.code
    current = aggregates.get_aggregate(code, unit, period)
    # The unit stated its own figure: keep what its children add up to beside it.
    parts = [
        found
        for child in stated_over
        if (found := aggregates.get_aggregate(code, child, period)).status is AggregateStatus.VALUE
    ]
    parts_sum: Value | None = None
    if parts and indicator.unit_aggregation is Aggregation.SUM:
        numbers = [p.value for p in parts if isinstance(p.value, int | Decimal)]
        if len(numbers) == len(parts):
            parts_sum = sum(numbers, 0)
    is_rate = _is_rate(indicator)
    in_percent = not indicator.is_computed

    def change(other: Period | None) -> Change:
        if other is None:
            return _UNAVAILABLE
        return compare(
            current.value,
            aggregates.value(code, unit, other),
            is_rate=is_rate,
            in_percent=in_percent,
        )

    cumulative_value: Value | None = None
    cumulative_period: Period | None = None
    if indicator.time_aggregation is Aggregation.SUM or indicator.is_computed:
        cumulative_period = cumulative or period
        cumulative_value = aggregates.value(code, unit, cumulative_period)
    subtree = {u.code for u in tree.subtree(unit)}
    notes = tuple(
        v
        for v in violations
        if code in v.codes
        and (
            (v.unit == unit and v.period == period)
            or (not v.aggregated and v.unit in subtree and period.contains(v.period))
        )
    )
    return Fact(
        indicator=code,
        unit=unit,
        period=period,
        status=current.status,
        value=current.value,
        name=indicator.name,
        classifier=indicator.classifier,
        unit_name=tree.get(unit).name,
        reason=current.reason,
        coverage=current.coverage,
        completeness=summary,
        previous=change(previous),
        last_year=change(last_year),
        cumulative=cumulative_value,
        cumulative_period=cumulative_period,
        rank=unit_rank,
        notes=notes,
        sources=current.sources,
        qualifier=(
            combined_qualifier(current.sources, computed=indicator.is_computed)
            if current.status is AggregateStatus.VALUE
            else ""
        ),
        parts_sum=parts_sum,
        parts_sources=tuple(v for p in parts for v in p.sources) if parts_sum is not None else (),
    )
