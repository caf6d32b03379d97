"""Hypothesis strategies for the domain model: org trees, indicators, measures, data values.

Every strategy builds its objects explicitly and respects every validator of the model, so each
drawn object is valid by construction (type inference would not know the rules). Combinations
the model refuses are never drawn: tests of refusals build those by hand.
"""

import string
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

import attrs
from hypothesis import strategies as st

from epireport.model._indicators import (
    HEDGES,
    Aggregation,
    Category,
    CategoryOption,
    Indicator,
    IndicatorKind,
    IndicatorSection,
    IndicatorSet,
    NumberStyle,
    ValueType,
    ZeroPolicy,
)
from epireport.model._measures import Frequency, FrequencyUnit, Measure
from epireport.model._periods import Period
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import QUALIFIERS, DataValue, Value, ValueStatus
from epireport.testing._st_periods import days, periods

__all__ = [
    "ValueGrid",
    "aggregations_for",
    "categories",
    "classifiers",
    "codes",
    "data_value_grids",
    "data_values",
    "frequencies",
    "indicator_sets",
    "indicators",
    "measures",
    "names",
    "org_trees",
    "values_for",
]

_CODE_ALPHABET = string.ascii_lowercase + string.digits + "_-."
_NAME_CHARS = "东西南北中新华阳光和平安宁城关花园湖山桥街道社区学校班级局一二三"
_CLASSIFIERS = ("", "块", "条", "张", "人次", "台次", "小时", "份", "个", "条次", "千克", "百分点")
_LEVEL_NAMES = (("区", "街道", "社区"), ("局", "学校", "班级"), ("市", "区", "街道", "社区"))
_MIN_DAY = date(2019, 1, 1)
_MAX_DAY = date(2023, 12, 31)
_ADDITIVE_TYPES = (ValueType.INTEGER, ValueType.DECIMAL)


def codes() -> st.SearchStrategy[str]:
    """Codes: short, non-empty, no whitespace (``a1``, ``jd-03``)."""
    return st.text(_CODE_ALPHABET, min_size=1, max_size=8)


def names() -> st.SearchStrategy[str]:
    """Non-blank Chinese names such as 东城街道."""
    return st.text(_NAME_CHARS, min_size=1, max_size=6)


def classifiers() -> st.SearchStrategy[str]:
    """Measure words (量词) an indicator may carry, the empty one included."""
    return st.sampled_from(_CLASSIFIERS)


def _optional_days() -> st.SearchStrategy[date | None]:
    return st.none() | st.dates(_MIN_DAY, _MAX_DAY)


@st.composite
def _ordered_days(draw: st.DrawFn) -> tuple[date | None, date | None]:
    first, last = draw(_optional_days()), draw(_optional_days())
    if first is not None and last is not None and first > last:
        first, last = last, first
    return first, last


@st.composite
def categories(
    draw: st.DrawFn, code: str | None = None, max_options: int = 6, prefix: str = "o"
) -> Category:
    """Draw a category of 1 to *max_options* options, some nested in others (province → city).

    Option codes are *prefix* and a number (``o0``, ``o1`` ...), so that two categories drawn
    with different prefixes can split one indicator; orders are drawn too.
    """
    count = draw(st.integers(1, max_options))
    options: list[CategoryOption] = []
    for i in range(count):
        parent = draw(st.none() | st.sampled_from(options)) if options else None
        options.append(
            CategoryOption(
                f"{prefix}{i}",
                draw(names()),
                parent=None if parent is None else parent.code,
                order=draw(st.integers(0, 2)),
            )
        )
    return Category(code if code is not None else f"c_{prefix}", draw(names()), options)


@st.composite
def org_trees(
    draw: st.DrawFn,
    min_units: int = 1,
    max_units: int = 12,
    max_roots: int = 3,
) -> OrgTree:
    """Draw valid org trees (forests of up to *max_roots* roots) in any input order.

    Each unit's parent is drawn among the units before it, which rules out cycles; the units are
    then shuffled, so parents may come after their children in ``units``. Levels are declared
    for some units (always equal to their depth), opening and closing dates for some others.
    """
    n = draw(st.integers(min_units, max_units))
    unit_codes = draw(st.lists(codes(), min_size=n, max_size=n, unique=True))
    roots = draw(st.integers(1, max(1, min(max_roots, n)))) if n else 0
    parents: list[int | None] = [None] * roots
    depths = [1] * roots
    for i in range(roots, n):
        parent_index = draw(st.integers(0, i - 1))
        parents.append(parent_index)
        depths.append(depths[parent_index] + 1)
    units = []
    for i in range(n):
        opening, closing = draw(_ordered_days())
        parent = parents[i]
        units.append(
            OrgUnit(
                code=unit_codes[i],
                name=draw(names()),
                parent=None if parent is None else unit_codes[parent],
                level=depths[i] if draw(st.booleans()) else None,
                opening=opening,
                closing=closing,
            )
        )
    order = draw(st.permutations(range(n)))
    level_names = draw(st.sampled_from(((), *_LEVEL_NAMES)))
    return OrgTree(tuple(units[i] for i in order), level_names)


def aggregations_for(
    kind: IndicatorKind, value_type: ValueType, axis: str
) -> tuple[Aggregation, ...]:
    """Return the aggregations an indicator of *kind* and *value_type* accepts on *axis*.

    *axis* is ``"unit"`` or ``"time"``. Written out here, independently of the model, so that
    the tests compare two statements of the rules.
    """
    if kind in (IndicatorKind.RATE, IndicatorKind.RATIO):
        return (Aggregation.NONE, Aggregation.COUNT)
    refused: set[Aggregation] = set()
    if value_type is ValueType.TEXT:
        refused |= {Aggregation.SUM, Aggregation.AVERAGE, Aggregation.MIN, Aggregation.MAX}
    elif value_type is ValueType.BOOLEAN:
        refused |= {Aggregation.SUM, Aggregation.AVERAGE}
    elif value_type is ValueType.PERCENTAGE:
        refused.add(Aggregation.SUM)
    if axis == "time" and kind is IndicatorKind.STOCK:
        refused.add(Aggregation.SUM)
    return tuple(a for a in Aggregation if a not in refused)


@st.composite
def indicators(
    draw: st.DrawFn,
    kinds: Sequence[IndicatorKind] | None = None,
    value_types: Sequence[ValueType] | None = None,
    code: str | None = None,
) -> Indicator:
    """Draw valid standalone indicators of the given kinds and value types (default: all).

    Rates and ratios get a numerator and a denominator code (not checked against any set: use
    :func:`indicator_sets` for consistent references); no indicator gets ``part_of`` or
    ``parts``. Aggregations are drawn among the accepted ones, or left to the defaults.
    """
    kind = draw(st.sampled_from(tuple(kinds or IndicatorKind)))
    computed = kind in (IndicatorKind.RATE, IndicatorKind.RATIO)
    allowed_types = [
        t
        for t in (value_types or ValueType)
        if not computed or t in (ValueType.INTEGER, ValueType.DECIMAL, ValueType.PERCENTAGE)
    ]
    value_type = draw(st.sampled_from(allowed_types))
    own = code if code is not None else draw(codes())
    numerator = denominator = None
    if computed:
        others = draw(
            st.lists(codes().filter(lambda c: c != own), min_size=2, max_size=2, unique=True)
        )
        numerator, denominator = others
    numeric = value_type in (ValueType.INTEGER, ValueType.DECIMAL, ValueType.PERCENTAGE)
    indicator = Indicator(
        code=own,
        name=draw(names()),
        classifier=draw(classifiers()),
        value_type=value_type,
        kind=kind,
        numerator=numerator,
        denominator=denominator,
        number_style=draw(st.sampled_from(NumberStyle)) if numeric else NumberStyle.EXACT,
        precision=draw(st.integers(0, 4)),
        hedge=draw(st.sampled_from(HEDGES)),
        significant_figures=draw(st.none() | st.integers(1, 4)),
        zero_policy=draw(st.sampled_from(ZeroPolicy)),
        description=draw(st.text(_NAME_CHARS, max_size=10)),
    )
    if draw(st.booleans()):
        # Sometimes leave the defaults in place: they must be valid on their own.
        return indicator
    return attrs.evolve(
        indicator,
        unit_aggregation=draw(st.sampled_from(aggregations_for(kind, value_type, "unit"))),
        time_aggregation=draw(st.sampled_from(aggregations_for(kind, value_type, "time"))),
    )


@st.composite
def indicator_sets(
    draw: st.DrawFn, min_indicators: int = 1, max_indicators: int = 8
) -> IndicatorSet:
    """Draw valid indicator sets: flows and stocks, rates over them, totals with parts, sections.

    Rates and ratios refer to integer or decimal flows and stocks of the set; some summable
    indicators become totals whose parts are declared on the total, on the parts, or on both;
    sections list known codes only.
    """
    n = draw(st.integers(max(1, min_indicators), max(1, max_indicators)))
    all_codes = draw(st.lists(codes(), min_size=n, max_size=n, unique=True))
    base_count = draw(st.integers(1, n))
    base = [
        draw(indicators(kinds=(IndicatorKind.FLOW, IndicatorKind.STOCK), code=c))
        for c in all_codes[:base_count]
    ]
    references = [
        i.code for i in base if i.value_type in _ADDITIVE_TYPES and not i.kind.is_computed
    ]
    computed = []
    for c in all_codes[base_count:]:
        if len(references) < 2:
            computed.append(draw(indicators(kinds=(IndicatorKind.FLOW,), code=c)))
            continue
        rate = draw(indicators(kinds=(IndicatorKind.RATE, IndicatorKind.RATIO), code=c))
        numerator, denominator = draw(
            st.lists(st.sampled_from(references), min_size=2, max_size=2, unique=True)
        )
        computed.append(attrs.evolve(rate, numerator=numerator, denominator=denominator))

    by_code = {i.code: i for i in [*base, *computed]}
    pool = draw(st.permutations([c for c, i in by_code.items() if i.is_summable]))
    pool = list(pool)
    while len(pool) >= 2 and draw(st.booleans()):
        total, pool = pool[0], pool[1:]
        k = draw(st.integers(1, len(pool)))
        parts, pool = pool[:k], pool[k:]
        if draw(st.booleans()):
            by_code[total] = attrs.evolve(by_code[total], parts=tuple(parts))
        for part in parts:
            if draw(st.booleans()):
                by_code[part] = attrs.evolve(by_code[part], part_of=total)

    ordered = draw(st.permutations(list(by_code.values())))
    section_names = draw(st.lists(codes(), max_size=3, unique=True))
    sections = tuple(
        IndicatorSection(
            code=name,
            title=draw(names()),
            indicators=tuple(draw(st.lists(st.sampled_from(list(by_code)), unique=True))),
        )
        for name in section_names
    )
    return IndicatorSet(draw(codes()), draw(names()), tuple(ordered), sections)


def frequencies() -> st.SearchStrategy[Frequency]:
    """Frequencies such as 2/day, 1/week, 12/month."""
    return st.builds(Frequency, times=st.integers(1, 120), per=st.sampled_from(FrequencyUnit))


@st.composite
def measures(draw: st.DrawFn, indicator_codes: Sequence[str] | None = None) -> Measure:
    """Draw valid measures naming indicators among *indicator_codes* (any codes if not given)."""
    start, end = draw(_ordered_days())
    frequency = draw(st.none() | frequencies())
    replaces = None
    if frequency is not None:
        replaces = draw(st.none() | frequencies().filter(lambda f: f != frequency))
    if indicator_codes is None:
        chosen = draw(st.lists(codes(), max_size=4, unique=True))
    elif indicator_codes:
        chosen = draw(st.lists(st.sampled_from(tuple(indicator_codes)), max_size=4, unique=True))
    else:
        chosen = []
    return Measure(
        code=draw(codes()),
        title=draw(names()),
        category=draw(st.sampled_from(("", "宣传", "消杀", "排查", "保障"))),
        description=draw(st.text(_NAME_CHARS, max_size=12)),
        responsible=draw(st.text(_NAME_CHARS, max_size=6)),
        start=start,
        end=end,
        frequency=frequency,
        replaces=replaces,
        places=tuple(draw(st.lists(names(), max_size=3, unique=True))),
        indicators=tuple(chosen),
    )


def values_for(value_type: ValueType) -> st.SearchStrategy[Value]:
    """Draw reported values that fit *value_type* (never floats; ``bool`` only for booleans)."""
    if value_type is ValueType.INTEGER:
        return st.integers(0, 10**9)
    if value_type is ValueType.DECIMAL:
        return st.decimals(0, 10**7, places=2, allow_nan=False, allow_infinity=False)
    if value_type is ValueType.PERCENTAGE:
        return st.decimals(0, 100, places=1, allow_nan=False, allow_infinity=False)
    if value_type is ValueType.BOOLEAN:
        return st.booleans()
    return names()


def _statuses(indicator: Indicator) -> tuple[ValueStatus, ...]:
    # A zero-report says "none counted": it fits numbers only.
    if indicator.is_numeric:
        return tuple(ValueStatus)
    return tuple(s for s in ValueStatus if s is not ValueStatus.ZERO_REPORT)


@st.composite
def _data_value(
    draw: st.DrawFn,
    indicator: Indicator,
    unit: str,
    period: Period,
    status: ValueStatus | None = None,
    approximate: bool = False,
) -> DataValue:
    if status is None:
        status = draw(st.sampled_from(_statuses(indicator)))
    value = draw(values_for(indicator.value_type)) if status is ValueStatus.REPORTED else None
    qualifier = ""
    if approximate and isinstance(value, int | Decimal) and not isinstance(value, bool):
        qualifier = draw(st.sampled_from(QUALIFIERS))
    submitted_at = None
    if status.is_submitted and draw(st.booleans()):
        submitted_at = draw(st.datetimes(datetime(2019, 1, 1), datetime(2023, 12, 31)))
    return DataValue(
        indicator=indicator.code,
        unit=unit,
        period=period,
        status=status,
        value=value,
        submitted_at=submitted_at,
        submitted_by=draw(st.sampled_from(("", "张三", "李四", "wang.wu"))),
        comment=draw(st.text(_NAME_CHARS, max_size=8)),
        qualifier=qualifier,
    )


@st.composite
def data_values(
    draw: st.DrawFn,
    indicator: Indicator | None = None,
    units: Sequence[str] | None = None,
    period_strategy: st.SearchStrategy[Period] | None = None,
    *,
    approximate: bool = False,
) -> DataValue:
    """Draw valid data values in all four states, fitting *indicator* (drawn if not given).

    The value passes ``check_against(indicator)``; the unit is drawn from *units* (any code if
    not given) and the period from *period_strategy* (any period if not given). With
    *approximate*, reported numbers may be stated approximately (约, 近, 余, 多).
    """
    if indicator is None:
        indicator = draw(indicators())
    unit = draw(st.sampled_from(tuple(units))) if units else draw(codes())
    period = draw(period_strategy if period_strategy is not None else periods())
    return draw(_data_value(indicator, unit, period, approximate=approximate))


@attrs.frozen
class ValueGrid:
    """A consistent sample: a tree, an indicator set, periods and the values reported for them.

    ``values`` hold at most one value per (indicator, leaf unit, period); combinations without a
    value are gaps. Rates and ratios get no values (they are computed).
    """

    tree: OrgTree
    indicators: IndicatorSet
    periods: tuple[Period, ...]
    values: tuple[DataValue, ...]


@st.composite
def data_value_grids(
    draw: st.DrawFn,
    tree: OrgTree | None = None,
    indicator_set: IndicatorSet | None = None,
    max_periods: int = 3,
) -> ValueGrid:
    """Report-sized data: each leaf × indicator × day is reported, zero, n/a, missing or a gap.

    Values come for the leaves of the tree only and for indicators that are not computed, over
    1 to *max_periods* distinct days of 2020.
    """
    if tree is None:
        tree = draw(org_trees(max_units=8))
    if indicator_set is None:
        indicator_set = draw(indicator_sets(max_indicators=5))
    chosen = sorted(
        draw(st.lists(days(2020, 2020), min_size=1, max_size=max_periods, unique=True)),
        key=lambda p: p.start,
    )
    values = []
    for indicator in indicator_set:
        if indicator.is_computed:
            continue
        for unit in tree.leaves():
            for period in chosen:
                # None stands for a gap: no value at all, not even a "missing" one.
                status = draw(st.sampled_from((*_statuses(indicator), None)))
                if status is None:
                    continue
                values.append(draw(_data_value(indicator, unit.code, period, status)))
    return ValueGrid(tree, indicator_set, tuple(chosen), tuple(values))
