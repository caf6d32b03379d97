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
    _completeness_reader,
    completeness_of,
    coverage_phrase,
)
from epireport.aggregate._engine import aggregate
from epireport.aggregate._plan import AggregationPlan, make_plan
from epireport.aggregate._results import AggregateSet, AggregateStatus, Coverage
from epireport.aggregate._rules import MissingStrategy, ValidationRule
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
        # Facts of the report period not made yet (see _defer): (indicator, unit) in set order.
        self._order: tuple[tuple[str, str], ...] = ()
        self._pending: set[tuple[str, str]] = set()
        self._make: Callable[[str, str], Fact] | None = None
        # The completeness and level words of units not worked out yet (see _defer).
        self._later: frozenset[str] = frozenset()
        self._completeness_of: Callable[[str], Completeness] | None = None
        self._word_of: Callable[[str], str] | None = None
        self._made: dict[str, tuple[Completeness, str]] = {}

    def _defer(
        self,
        order: Sequence[tuple[str, str]],
        make: Callable[[str, str], Fact],
        units: Iterable[str] = (),
        completeness: Callable[[str], Completeness] | None = None,
        word: Callable[[str], str] | None = None,
    ) -> None:
        """Make the facts of the report period *order* lists, and this set lacks, when needed.

        A summary usually states its reporting unit's figures only: its children's facts are
        made (by *make*, from the indicator and unit codes) the first time one is looked up,
        or all at once, in set order, when the set is iterated, counted or searched. So are
        the completeness and level word of *units* (by *completeness* and *word*).
        """
        self._order = tuple(order)
        self._pending = {pair for pair in self._order if (*pair, self.period) not in self._facts}
        self._make = make
        self._asked.update(unit for _, unit in self._pending)
        self._later = frozenset(units)
        self._completeness_of = completeness
        self._word_of = word

    def _unit_state(self, unit: str) -> tuple[Completeness | None, str]:
        """The completeness under *unit* and the level word of its reporters (see _defer)."""
        if unit not in self._later or self._completeness_of is None or self._word_of is None:
            return self._completeness.get(unit), self._unit_words.get(unit, "")
        found = self._made.get(unit)
        if found is None:
            found = self._made[unit] = (self._completeness_of(unit), self._word_of(unit))
        return found

    def _settle(self) -> None:
        """Make every deferred fact and put the facts in set order (those of *more* last)."""
        make = self._make
        if make is None:
            return
        period = self.period
        known = self._facts
        settled: dict[tuple[str, str, Period], Fact] = {}
        for indicator, unit in self._order:
            key = (indicator, unit, period)
            found = known.get(key)
            settled[key] = found if found is not None else make(indicator, unit)
        for key, fact in known.items():
            settled.setdefault(key, fact)
        self._facts = settled
        self._order, self._pending, self._make = (), set(), None

    def __iter__(self) -> Iterator[Fact]:
        self._settle()
        return iter(self._facts.values())

    def __len__(self) -> int:
        self._settle()
        return len(self._facts)

    def __contains__(self, key: object) -> bool:
        self._settle()
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
        if found is None and (key[0], key[1]) in self._pending and key[2] == self.period:
            assert self._make is not None  # set with the pending facts
            self._pending.discard((key[0], key[1]))
            found = self._facts[key] = self._make(key[0], key[1])
            return found
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
        return self._unit_state(unit or self.unit)[0]

    def coverage_phrase(
        self, unit: str | None = None, *, number: Callable[[int, str], str] | None = None
    ) -> str:
        """Phrase the completeness under *unit*: ``12个学校中10个按时报送，2个零报告``.

        *number* writes each count (see :func:`~epireport.aggregate.coverage_phrase`).
        """
        found, word = self._unit_state(unit or self.unit)
        if found is None:
            return ""
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


def _earliest_before(values: Sequence[DataValue], period: Period) -> date | None:
    """The first day of the values wholly before *period* (``None``: there are none)."""
    start = period.start
    return min((v.period.start for v in values if v.period.end <= start), default=None)


def _cumulative_period(earliest: date | None, period: Period, since: date | None) -> Period | None:
    """The period of 累计: from *since* (default: *earliest*, the first earlier value's day)."""
    start = earliest if since is None else since
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
    return _compute(
        report,
        institution,
        rules=rules,
        deadline=deadline,
        reporting_level=reporting_level,
        stock_lookback_days=stock_lookback_days,
        cumulative_from=cumulative_from,
    )[0]


def _facts_and_check(
    report: ReportInput, institution: Institution, *, rules: Iterable[ValidationRule] = ()
) -> tuple[FactSet, tuple[Violation, ...] | None]:
    """:func:`compute_facts` of *report*, and what :func:`~epireport.check_input` finds, if known.

    A final render checks its data (``check_input``), then computes its facts: two runs of
    the aggregation engine over the same values, for the same targets in the report period.
    They differ on purpose in one thing only: the check gives the report period one report
    slot, so that overlapping values still have a figure the rules can read, where the facts
    count the institution's report slots (days) for coverage. The figures (status and value)
    the rules read are the same in both runs when nothing is counted in a slot twice: every
    slot count then scales by the number of slots, and a figure is undefined in neither. The
    second element is the check's violations, read off the facts' run, when that is shown to
    hold for *report* (see :func:`_check_from_facts`); ``None`` when the caller must run the
    check itself. Rule codes are not checked here against the indicators as the check checks
    them: the caller does that first.
    """
    return _compute(report, institution, rules=rules, with_check=True)


def _compute(
    report: ReportInput,
    institution: Institution,
    *,
    rules: Iterable[ValidationRule] = (),
    deadline: timedelta | None = None,
    reporting_level: int | None = None,
    stock_lookback_days: int = 0,
    cumulative_from: date | None = None,
    with_check: bool = False,
) -> tuple[FactSet, tuple[Violation, ...] | None]:
    """:func:`compute_facts`, and with *with_check* the check's violations if they are known."""
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
    earliest = _earliest_before(report.values, period)
    cumulative = _cumulative_period(earliest, period, cumulative_from)
    frequency_or_none = _slot_frequency(report, institution)
    # A comparison period that holds no value has no figure, for any unit: its aggregates
    # would all be missing, and no rule reads a missing figure when every rule skips one.
    # Such a period is left out of the plan then (a figure of a period not planned reads as
    # None too, as a missing one does): most reports carry no earlier data.
    skipped = (
        earliest is None
        and not stock_lookback_days
        and all(r.codes and r.missing is MissingStrategy.SKIP for r in rule_list)
    )
    periods = [
        p
        for p in (period, previous, last_year, cumulative)
        if p is not None and not (skipped and p is not period and p.end <= period.start)
    ]
    unplanned = tuple(
        p for p in (previous, last_year) if p is not None and not any(p is q for q in periods)
    )
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
    # The reporting unit's completeness now (it classifies every reporter under it), its
    # children's when first needed: a summary usually speaks of its own unit only.
    completeness_for = _completeness_reader(calendar, report.values, period)
    states = {report.unit: completeness_for(report.unit)}
    words = {report.unit: _unit_word(tree, calendar, report.unit, institution)}
    # Each unit's summary once (a summary is immutable), not once per indicator.
    summaries: dict[str, CompletenessSummary] = {}

    def state_of(unit: str) -> Completeness:
        found = states.get(unit)
        if found is None:
            found = states[unit] = completeness_for(unit)
        return found

    def summary_of(unit: str) -> CompletenessSummary:
        found = summaries.get(unit)
        if found is None:
            found = summaries[unit] = state_of(unit).by_unit
        return found

    def word_of(unit: str) -> str:
        return _unit_word(tree, calendar, unit, institution)

    children = units[1:]
    by_code = {indicator.code: indicator for indicator in facts_of}
    # Each indicator's ranks among the children, worked out with the first child's fact.
    ranks: dict[str, dict[str, Rank]] = {}

    def make(code: str, unit: str) -> Fact:
        indicator = by_code[code]
        unit_rank = None
        if unit != report.unit:
            placed = ranks.get(code)
            if placed is None:
                placed = ranks[code] = rank(
                    {c: aggregates.value(code, c, period) for c in children}
                )
            unit_rank = placed.get(unit)
        return _fact(
            indicator,
            unit,
            tree,
            aggregates,
            period,
            previous,
            last_year,
            cumulative,
            unit_rank,
            summary_of(unit),
            violations,
            children if unit == report.unit and (code, unit) in stated else (),
            unplanned,
        )

    # The reporting unit's facts now; its children's when first needed (FactSet._defer).
    facts = [make(indicator.code, report.unit) for indicator in facts_of]
    check = None
    if with_check:
        check = _check_from_facts(tree, plan, aggregates, report.unit, period, violations)

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
                unplanned=unplanned,
            )
            for indicator in facts_of
        )

    found = FactSet(
        facts,
        unit=report.unit,
        period=period,
        completeness=states,
        unit_words=words,
        violations=violations,
        more=more,
    )
    found._defer(
        [(indicator.code, unit) for indicator in facts_of for unit in units],
        make,
        units[1:],
        state_of,
        word_of,
    )
    return found, check


def _check_from_facts(
    tree: OrgTree,
    plan: AggregationPlan,
    aggregates: AggregateSet,
    unit: str,
    period: Period,
    violations: Sequence[Violation],
) -> tuple[Violation, ...] | None:
    """What :func:`~epireport.check_input` finds for the report, read off the facts' run.

    ``None`` unless the check's run is shown to give the figures the facts' run gave. The check
    plans every unit under *unit* over the report period with one report slot; the facts plan
    *unit* and its children over the report period (and earlier periods) with the plan's slots.
    Then, when

    * the units under *unit* are *unit* and its children (no grandchild: the same targets, in
      the same order),
    * the facts' plan has one slot per target too, or else no unit there opens or closes (every
      expected count is the number of slots times the check's) and the period holds a slot,
    * and no figure of the facts' run in the report period is undefined (a value counted in a slot
      twice, the only way the two runs' statuses part: a count filled in the check's one slot
      fills all of the facts' slots),

    each (status, value) the rules read is the same in both runs; so are the children-sum
    checks, which read the same figures. The check's violations are then the facts' without
    those of figures in earlier periods (each run checks the data, then its figures target by
    target, in plan order; the children-sum ones come last in both).
    """
    children = tree.children(unit)
    if any(not tree.is_leaf(child.code) for child in children):
        return None
    if plan.frequency is not None:
        if not plan.slots(period):
            return None
        scope = (tree.get(unit), *children)
        if any(u.opening is not None or u.closing is not None for u in scope):
            return None
    undefined = AggregateStatus.UNDEFINED
    # The figures validate() read a moment ago: their statuses are known, not built anew.
    if any(
        status is undefined and (at is period or at == period)
        for _, _, at, status, _ in aggregates.figures()
    ):
        return None
    return tuple(v for v in violations if not v.aggregated or v.period == period)


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
    unplanned: tuple[Period, ...] = (),
) -> Fact:
    # *unplanned*: comparison periods left out of the plan, for holding no value: their
    # figures are missing, compared as None without being looked up.
    code = indicator.code
    current = aggregates.get_aggregate(code, unit, period)
    value = current.value
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
    computed = indicator.is_computed
    is_rate = _is_rate(indicator)
    changes: list[Change] = []
    missing: Change | None = None  # compare(value, None): the same for both, made once
    for other in (previous, last_year):
        if other is None:
            changes.append(_UNAVAILABLE)
        elif any(other is p for p in unplanned):
            if missing is None:
                missing = compare(value, None, is_rate=is_rate, in_percent=not computed)
            changes.append(missing)
        else:
            earlier = aggregates.value(code, unit, other)
            changes.append(compare(value, earlier, is_rate=is_rate, in_percent=not computed))
    cumulative_value: Value | None = None
    cumulative_period: Period | None = None
    if indicator.time_aggregation is Aggregation.SUM or computed:
        # Without a period of its own, 累计 is the period's figure (the same lookup).
        cumulative_period = cumulative or period
        cumulative_value = value if cumulative is None else aggregates.value(code, unit, cumulative)
    notes: tuple[Violation, ...] = ()
    if violations:  # the subtree only when there is a note to place (usually none)
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
        value=value,
        name=indicator.name,
        classifier=indicator.classifier,
        unit_name=tree.get(unit).name,
        reason=current.reason,
        coverage=current.coverage,
        completeness=summary,
        previous=changes[0],
        last_year=changes[1],
        cumulative=cumulative_value,
        cumulative_period=cumulative_period,
        rank=unit_rank,
        notes=notes,
        sources=current.sources,
        qualifier=(
            combined_qualifier(current.sources, computed=computed)
            if current.status is AggregateStatus.VALUE
            else ""
        ),
        parts_sum=parts_sum,
        parts_sources=tuple(v for p in parts for v in p.sources) if parts_sum is not None else (),
    )
