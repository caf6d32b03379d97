"""What aggregation produces: one :class:`Aggregate` per (indicator, unit, period), with coverage.

Every aggregate carries its :class:`Coverage` (how many reports were expected, how many came),
and a figure that could not be computed carries the reason instead of a number: missing is never
zero, and a rate above 100% is refused, not printed.
"""

import enum
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from epireport.aggregate._plan import IndicatorPlan
from epireport.exceptions import ModelError
from epireport.model._indicators import IndicatorKind
from epireport.model._periods import Period
from epireport.model._values import DataValue, Value

__all__ = ["Aggregate", "AggregateSet", "AggregateStatus", "Coverage", "derive"]

# For the trusted constructors (``_trusted``): what attrs' generated __init__ of a frozen slotted
# class does, minus the validators. The slots' own descriptors set a field without going through
# the frozen class's __setattr__ (which refuses) or looking the name up on the class.
_new: Final = object.__new__


def _slot_setters(cls: type, *names: str) -> tuple[Callable[[Any, Any], None], ...]:
    return tuple(cls.__dict__[name].__set__ for name in names)


def _count(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(f"Coverage.{attribute.name}: expected a count >= 0, got {value!r}")


@attrs.frozen
class Coverage:
    """How many reports an aggregate expected and how many it got.

    ``expected`` counts the (unit, base period) report slots the figure should be built from,
    ``submitted`` those for which a value or a zero-report arrived, ``zero_reports`` those among
    them that were zero-reports (零报告). ``submitted`` can never exceed ``expected``: a coverage
    above 100% means the data overlaps itself (two values for one slot), and is refused with a
    :class:`ModelError` instead of being shown as a figure.
    """

    expected: int = attrs.field(default=0, validator=_count)
    submitted: int = attrs.field(default=0, validator=_count)
    zero_reports: int = attrs.field(default=0, validator=_count)

    def __attrs_post_init__(self) -> None:
        if self.submitted > self.expected:
            raise ModelError(
                f"Coverage.submitted: {self.submitted} reports submitted but only "
                f"{self.expected} expected; a coverage above 100% means overlapping values"
            )
        if self.zero_reports > self.submitted:
            raise ModelError(
                f"Coverage.zero_reports: {self.zero_reports} zero-reports among only "
                f"{self.submitted} submitted reports"
            )

    @property
    def missing(self) -> int:
        """The number of expected reports that did not arrive."""
        return self.expected - self.submitted

    @property
    def ratio(self) -> Decimal | None:
        """``submitted / expected`` (between 0 and 1), or ``None`` when nothing was expected."""
        if self.expected == 0:
            return None
        return Decimal(self.submitted) / Decimal(self.expected)

    @property
    def is_complete(self) -> bool:
        """Whether every expected report arrived (vacuously true when none was expected)."""
        return self.submitted == self.expected

    @classmethod
    def _trusted(cls, expected: int, submitted: int, zero_reports: int) -> "Coverage":
        """Build a Coverage without running the validators (the engines' internal fast path).

        Only for callers that guarantee what the validators check: three ints with
        ``0 <= zero_reports <= submitted <= expected``. The pure-Python engine counts report
        slots itself and builds one Coverage per aggregate it hands out; validating hundreds
        of thousands of counts it has just added up was a large share of its time. Objects
        built by users, files and Hypothesis always go through the validating constructor.
        """
        self = _new(cls)
        _SET_EXPECTED(self, expected)
        _SET_SUBMITTED(self, submitted)
        _SET_ZERO_REPORTS(self, zero_reports)
        return self

    def __add__(self, other: "Coverage") -> "Coverage":
        if not isinstance(other, Coverage):
            return NotImplemented
        return Coverage(
            self.expected + other.expected,
            self.submitted + other.submitted,
            self.zero_reports + other.zero_reports,
        )


_SET_EXPECTED, _SET_SUBMITTED, _SET_ZERO_REPORTS = _slot_setters(
    Coverage, "expected", "submitted", "zero_reports"
)


class AggregateStatus(enum.Enum):
    """Whether an aggregate has a value, and if not, why not."""

    #: a value was computed
    VALUE = "value"
    #: reports were expected (or explicitly marked missing) but no figure arrived
    MISSING = "missing"
    #: nothing was expected and nothing arrived
    NO_DATA = "no_data"
    #: every value present was marked not applicable
    NOT_APPLICABLE = "not_applicable"
    #: the figure cannot be computed: zero denominator, rate above 100%, several values where
    #: the indicator allows no aggregation
    UNDEFINED = "undefined"


@attrs.frozen
class Aggregate:
    """One computed figure: *indicator* for *unit* over *period*, or the reason it has none.

    ``value`` is set if and only if ``status`` is ``VALUE``; ``reason`` explains any other
    status in a short English sentence (for logs, ``check`` and the linter, not for the prose).
    ``sources`` are the data values the figure was computed from (empty unless the engine was
    asked to collect them).
    """

    indicator: str
    unit: str
    period: Period
    status: AggregateStatus
    value: Value | None = None
    coverage: Coverage = attrs.field(factory=Coverage)
    reason: str = ""
    sources: tuple[DataValue, ...] = attrs.field(default=(), eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if (self.value is not None) != (self.status is AggregateStatus.VALUE):
            raise ModelError(
                f"Aggregate.value: a {self.status.value} aggregate "
                f"{'needs' if self.value is None else 'has no'} value, got {self.value!r} "
                f"({self.indicator!r}, {self.unit!r}, {self.period})"
            )

    @classmethod
    def _trusted(
        cls,
        indicator: str,
        unit: str,
        period: Period,
        status: AggregateStatus,
        value: Value | None,
        coverage: Coverage,
        reason: str,
        sources: tuple[DataValue, ...],
    ) -> "Aggregate":
        """Build an Aggregate without the value/status check (the engines' internal fast path).

        Only for callers that guarantee it: ``value`` is not None exactly when ``status`` is
        ``VALUE``, ``sources`` is a tuple. The pure-Python engine builds its aggregates
        through here, on demand, from figures it has checked once in one place
        (``_Result._build``); aggregates built anywhere else are validated.
        """
        self = _new(cls)
        (
            set_indicator,
            set_unit,
            set_period,
            set_status,
            set_value,
            set_coverage,
            set_reason,
            set_sources,
        ) = _AGGREGATE_SLOTS
        set_indicator(self, indicator)
        set_unit(self, unit)
        set_period(self, period)
        set_status(self, status)
        set_value(self, value)
        set_coverage(self, coverage)
        set_reason(self, reason)
        set_sources(self, sources)
        return self

    @property
    def key(self) -> tuple[str, str, Period]:
        """``(indicator, unit, period)``."""
        return self.indicator, self.unit, self.period

    @property
    def has_value(self) -> bool:
        """Whether a figure was computed."""
        return self.status is AggregateStatus.VALUE


_AGGREGATE_SLOTS: Final = _slot_setters(
    Aggregate, "indicator", "unit", "period", "status", "value", "coverage", "reason", "sources"
)


class AggregateSet(Mapping[tuple[str, str, Period], Aggregate]):
    """The aggregates an engine computed, keyed by ``(indicator, unit, period)``.

    Iteration follows the plan: targets in order, indicators in plan order within each target.
    An engine may hand out a subclass that builds each :class:`Aggregate` only when it is
    looked up (the pure-Python engine does: most of a large rollup is never read); it
    overrides ``_find``, ``__iter__`` and ``__len__``, and behaves as this mapping.
    """

    def __init__(self, aggregates: Mapping[tuple[str, str, Period], Aggregate]) -> None:
        self._items = dict(aggregates)

    def _find(self, key: tuple[str, str, Period]) -> Aggregate | None:
        """Return the aggregate for *key*, or None when it was not planned."""
        return self._items.get(key)

    def __getitem__(self, key: tuple[str, str, Period]) -> Aggregate:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple[str, str, Period]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def get_aggregate(self, indicator: str, unit: str, period: Period) -> Aggregate:
        """Return the aggregate; :class:`KeyError` naming the triple when it was not planned."""
        found = self._find((indicator, unit, period))
        if found is None:
            raise KeyError(
                f"no aggregate planned for indicator {indicator!r}, unit {unit!r}, period {period}"
            )
        return found

    def value(self, indicator: str, unit: str, period: Period) -> Value | None:
        """Return the figure, or ``None`` when there is none (or it was not planned)."""
        found = self._find((indicator, unit, period))
        return None if found is None else found.value

    def aggregates(self) -> Iterator[Aggregate]:
        """Yield every aggregate in plan order."""
        find = self._find
        for key in self:
            found = find(key)
            assert found is not None  # every key iteration yields is planned
            yield found

    def figures(self) -> Iterator[tuple[str, str, Period, AggregateStatus, Value | None]]:
        """Yield ``(indicator, unit, period, status, value)`` of every aggregate in plan order.

        What a check of the figures reads (:func:`~epireport.aggregate.validate`): an engine
        may answer it without building the aggregates and their sources.
        """
        for found in self.aggregates():
            yield found.indicator, found.unit, found.period, found.status, found.value


# Which status a rate or ratio takes when a part has no value: the worse part's.
_RANK = {
    AggregateStatus.UNDEFINED: 0,
    AggregateStatus.MISSING: 1,
    AggregateStatus.NOT_APPLICABLE: 2,
    AggregateStatus.NO_DATA: 3,
}


def derive(plan: IndicatorPlan, numerator: Aggregate, denominator: Aggregate) -> Aggregate:
    """Compute a rate or ratio from its aggregated *numerator* and *denominator* (one target).

    Both engines call this once their base indicators are aggregated. The coverage is the less
    complete part's; a part without a value passes its status on (the worse of the two), a zero
    denominator and a rate outside 0-100 % are undefined.
    """
    num, den = numerator, denominator
    unit, period = num.unit, num.period
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
    value = Decimal(num.value) / Decimal(den.value)
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
