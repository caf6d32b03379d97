"""Indicators (what is counted, in which measure word, aggregated how) and indicator sets.

Aggregation is a pair of operators, one across org units and one across time, declared on every
indicator. Combinations that make no sense (a stock summed over time, a summed rate, an averaged
text) are refused when the indicator is defined, not when a report comes out wrong.
"""

import enum
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs

from epireport._fields import renamed
from epireport.exceptions import ModelError
from epireport.model._units import check_code

_E = TypeVar("_E", bound=enum.Enum)

__all__ = [
    "Aggregation",
    "Category",
    "CategoryOption",
    "Indicator",
    "IndicatorKind",
    "IndicatorSection",
    "IndicatorSet",
    "NumberStyle",
    "ValueType",
    "ZeroPolicy",
    "default_aggregations",
    "series_code",
]


class ValueType(enum.Enum):
    """The type of a single data value of an indicator."""

    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENTAGE = "percentage"
    BOOLEAN = "boolean"
    TEXT = "text"

    @property
    def is_numeric(self) -> bool:
        """Whether values are numbers (integer, decimal or percentage)."""
        return self in _NUMERIC


_NUMERIC = frozenset({ValueType.INTEGER, ValueType.DECIMAL, ValueType.PERCENTAGE})


class Aggregation(enum.Enum):
    """How values combine, across org units or across time."""

    SUM = "sum"
    AVERAGE = "average"
    MIN = "min"
    MAX = "max"
    LAST = "last"
    COUNT = "count"
    NONE = "none"


class IndicatorKind(enum.Enum):
    """What an indicator measures: an amount over a period, a level at a moment, or a quotient.

    ``FLOW`` (leaflets handed out) adds up over time; ``STOCK`` (masks in store) does not; ``RATE``
    and ``RATIO`` are computed from a numerator and a denominator indicator.
    """

    FLOW = "flow"
    STOCK = "stock"
    RATE = "rate"
    RATIO = "ratio"

    @property
    def is_computed(self) -> bool:
        """Whether the kind is computed from a numerator and a denominator."""
        return self in (IndicatorKind.RATE, IndicatorKind.RATIO)


class NumberStyle(enum.Enum):
    """How the prose writes a figure: exactly (32456), hedged (3.2万余) or compact (3.2万)."""

    EXACT = "exact"
    HEDGED = "hedged"
    COMPACT = "compact"


class ZeroPolicy(enum.Enum):
    """What the prose does with a zero: leave the item out, or state it."""

    OMIT = "omit"
    STATE = "state"


# Characters that belong to number formatting, never to a measure word: 万余张 is 万 + 余 + 张.
# (千 and 百 stay allowed: 千克 and 百分点 are measure words.)
_NOT_IN_CLASSIFIER = frozenset("万亿余多")


def _to_codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _to_indicators(value: "Iterable[Indicator]") -> "tuple[Indicator, ...]":
    return tuple(value)


def _to_sections(value: "Iterable[IndicatorSection]") -> "tuple[IndicatorSection, ...]":
    return tuple(value)


def _enum_validator(enum_type: type[enum.Enum]) -> Any:
    def check(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
        if not isinstance(value, enum_type):
            allowed = ", ".join(m.value for m in enum_type)
            raise ModelError(
                f"{type(instance).__name__}.{attribute.name}: expected one of {allowed} "
                f"({enum_type.__name__}), got {value!r}{_about(instance)}"
            )

    return check


def _from_value(enum_type: type[_E], value: object) -> _E | object:
    """Accept an enum's value as written in files and plugins ("decimal" for ValueType.DECIMAL).

    Anything else passes through unchanged so that the validator can name it in its message.
    """
    if isinstance(value, str):
        for member in enum_type:
            if member.value == value:
                return member
    return value


def _to_value_type(value: object) -> Any:
    return _from_value(ValueType, value)


def _to_kind(value: object) -> Any:
    return _from_value(IndicatorKind, value)


def _to_aggregation(value: object) -> Any:
    return _from_value(Aggregation, value)


def _to_number_style(value: object) -> Any:
    return _from_value(NumberStyle, value)


def _to_zero_policy(value: object) -> Any:
    return _from_value(ZeroPolicy, value)


def _about(instance: Any) -> str:
    code = getattr(instance, "code", None)
    return f" (indicator {code!r})" if isinstance(code, str) else ""


def _validate_code(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    check_code(f"{type(instance).__name__}.{attribute.name}", value)


def _validate_optional_code(
    instance: Any, attribute: "attrs.Attribute[Any]", value: object
) -> None:
    if value is not None:
        check_code(f"{type(instance).__name__}.{attribute.name}", value)


def _validate_codes(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    owner = f"{type(instance).__name__}.{attribute.name}"
    seen: set[str] = set()
    for code in value:
        check_code(owner, code)
        if code in seen:
            raise ModelError(f"{owner}: {code!r} is listed twice{_about(instance)}")
        seen.add(code)


def _validate_text(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(
            f"{type(instance).__name__}.{attribute.name}: expected a string, "
            f"got {value!r}{_about(instance)}"
        )


def _validate_title(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(
            f"{type(instance).__name__}.{attribute.name}: expected a non-blank name, "
            f"got {value!r}{_about(instance)}"
        )


def _validate_classifier(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(
            f"Indicator.classifier: expected a measure word such as 块 or 人次, "
            f"got {value!r}{_about(instance)}"
        )
    if any(ch.isspace() or ch.isdigit() or ch in _NOT_IN_CLASSIFIER for ch in value):
        raise ModelError(
            f"Indicator.classifier: a classifier is a measure word such as 块 or 人次, "
            f"not {value!r}{_about(instance)}; 万, 亿 and 余 come from number formatting"
        )


def _validate_precision(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 4:
        raise ModelError(
            f"Indicator.precision: expected 0 to 4 digits after the decimal point, "
            f"got {value!r}{_about(instance)}"
        )


#: The words a hedged figure may end with: 余 and 多 both mean "more than" (3.2万余, 350多).
HEDGES: Final = ("余", "多")


def _validate_hedge(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value not in HEDGES:
        raise ModelError(
            f"Indicator.hedge: expected one of {', '.join(HEDGES)}, got {value!r}{_about(instance)}"
        )


def _validate_numerals(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10_000:
        raise ModelError(
            f"Indicator.numerals_below: expected a count from 0 (never) to 10000 below which "
            f"figures are written in Chinese numerals (两人), got {value!r}{_about(instance)}"
        )


def _validate_significant(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4
    ):
        raise ModelError(
            f"Indicator.significant_figures: expected 1 to 4 (or nothing), got {value!r}"
            f"{_about(instance)}"
        )


#: The largest figure one report may state when the indicator declares no ``maximum``: a
#: plausibility bound that stops 1e20 or a pasted phone number, not a statement about counts.
DEFAULT_MAXIMUM: Final[int] = 1_000_000_000_000


def _validate_maximum(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if value is not None and (
        not isinstance(value, int | Decimal) or isinstance(value, bool) or value <= 0
    ):
        raise ModelError(
            f"Indicator.maximum: expected a positive number (or nothing), got {value!r}"
            f"{_about(instance)}"
        )


def _validate_order(instance: Any, attribute: "attrs.Attribute[Any]", value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ModelError(
            f"{type(instance).__name__}.order: expected an integer, got {value!r}{_about(instance)}"
        )


@attrs.frozen
class CategoryOption:
    """One option of a category: 武汉 in 来源地, 教师 in 人员类别.

    ``parent`` names the option this one is nested in (湖北 → 武汉), ``None`` at the top;
    ``order`` sorts the options of one parent (ties keep the declared order).
    """

    code: str = attrs.field(validator=_validate_code)
    name: str = attrs.field(validator=_validate_title)
    parent: str | None = attrs.field(default=None, validator=_validate_optional_code)
    order: int = attrs.field(default=0, validator=_validate_order)


def _to_options(value: Iterable[CategoryOption]) -> tuple[CategoryOption, ...]:
    return tuple(value)


@attrs.frozen
class Category:
    """A disaggregation of indicators (DHIS2's category): 来源地 split into 武汉, 湖北其他地区 ...

    Data values of an indicator disaggregated by a category carry one of its option codes
    (none: the total). Options may nest (``parent``: province → city); a figure stated for an
    option with nested options is checked against their sum, as a unit's stated total is
    against its children's. Option codes are unique within the category and never equal to its
    code; parents must be options of the category and must not form a cycle.
    """

    code: str = attrs.field(validator=_validate_code)
    name: str = attrs.field(validator=_validate_title)
    options: tuple[CategoryOption, ...] = attrs.field(converter=_to_options)
    _children: dict[str | None, tuple[CategoryOption, ...]] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        problems: list[str] = []
        by_code: dict[str, CategoryOption] = {}
        for i, option in enumerate(self.options):
            if not isinstance(option, CategoryOption):
                raise ModelError(
                    f"Category.options: item {i} is not a CategoryOption, got {option!r} "
                    f"(category {self.code!r})"
                )
            if option.code in by_code:
                problems.append(f"option code {option.code!r} is listed twice")
            by_code.setdefault(option.code, option)
        if not self.options:
            problems.append("a category needs at least one option")
        for option in self.options:
            if option.parent is not None and option.parent not in by_code:
                problems.append(
                    f"option {option.code!r}: parent {option.parent!r} is not an option of the "
                    f"category (options: {', '.join(by_code)})"
                )
        for option in self.options:
            seen = {option.code}
            parent = option.parent
            while parent is not None and parent in by_code:
                if parent in seen:
                    problems.append(f"option {option.code!r}: its parents form a cycle")
                    break
                seen.add(parent)
                parent = by_code[parent].parent
        if self.code in by_code:
            problems.append(f"an option may not have the category's code {self.code!r}")
        if problems:
            head = f"Category {self.code!r} ({self.name})"
            raise ModelError(f"{head}: " + "; ".join(problems))
        children: dict[str | None, list[CategoryOption]] = {}
        for option in sorted(self.options, key=lambda o: o.order):
            children.setdefault(option.parent, []).append(option)
        object.__setattr__(self, "_children", {k: tuple(v) for k, v in children.items()})

    def get(self, code: str) -> CategoryOption:
        """Return the option *code*; :class:`ModelError` naming the options otherwise."""
        for option in self.options:
            if option.code == code:
                return option
        raise ModelError(
            f"unknown option {code!r} of category {self.code!r} ({self.name}); expected one of "
            f"{', '.join(o.code for o in self.options)}"
        )

    def __contains__(self, code: object) -> bool:
        return any(option.code == code for option in self.options)

    def children(self, code: str | None = None) -> tuple[CategoryOption, ...]:
        """The options nested directly in option *code* (``None``: the top options), in order."""
        return self._children.get(code, ())

    def ordered(self) -> tuple[CategoryOption, ...]:
        """Every option in preorder: each option followed by those nested in it."""
        found: list[CategoryOption] = []

        def visit(parent: str | None) -> None:
            for option in self.children(parent):
                found.append(option)
                visit(option.code)

        visit(None)
        return tuple(found)


def series_code(code: str, options: Iterable[str]) -> str:
    """The code of one disaggregated figure: ``returnees[wuhan]``, or *code* with no options.

    Facts, aggregates and templates name a category option's figure by it; options are given
    in the indicator's category order.
    """
    listed = tuple(options)
    return f"{code}[{','.join(listed)}]" if listed else code


def _to_categories(value: Iterable[Category]) -> tuple[Category, ...]:
    return tuple(value)


def _validate_categories(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, Category):
            raise ModelError(
                f"{type(instance).__name__}.categories: item {i} is not a Category, got "
                f"{item!r}{_about(instance)}"
            )
        if item.code in seen:
            raise ModelError(
                f"{type(instance).__name__}.categories: category {item.code!r} is listed twice"
                f"{_about(instance)}"
            )
        seen.add(item.code)


def default_aggregations(
    kind: IndicatorKind, value_type: ValueType = ValueType.INTEGER
) -> tuple[Aggregation, Aggregation]:
    """Return the default ``(unit_aggregation, time_aggregation)`` for *kind* and *value_type*.

    Flows are sum/sum, stocks sum across units and take the last value in time, rates and ratios
    are none/none (they are computed from numerator and denominator). For value types that
    cannot be summed (percentage, boolean, text) every default ``sum`` becomes ``none``.
    """
    if kind.is_computed:
        return Aggregation.NONE, Aggregation.NONE
    across = Aggregation.SUM
    over_time = Aggregation.SUM if kind is IndicatorKind.FLOW else Aggregation.LAST
    if value_type not in (ValueType.INTEGER, ValueType.DECIMAL):
        across = Aggregation.NONE
        over_time = Aggregation.NONE if over_time is Aggregation.SUM else over_time
    return across, over_time


def _aggregation_problems(
    kind: IndicatorKind, value_type: ValueType, axis: str, aggregation: Aggregation
) -> list[str]:
    # COUNT counts the values present, which makes sense whatever they are.
    if aggregation is Aggregation.COUNT:
        return []
    field = f"{axis}_aggregation"
    problems = []
    if kind.is_computed and aggregation is not Aggregation.NONE:
        problems.append(
            f"Indicator.{field}: a {kind.value} is computed from its aggregated numerator and "
            f"denominator, so it cannot be aggregated with {aggregation.value}"
        )
    if axis == "time" and kind is IndicatorKind.STOCK and aggregation is Aggregation.SUM:
        problems.append(
            "Indicator.time_aggregation: a stock is a level at a moment and cannot be summed "
            "over time (use last, average, min or max)"
        )
    if value_type is ValueType.TEXT and aggregation in (
        Aggregation.SUM,
        Aggregation.AVERAGE,
        Aggregation.MIN,
        Aggregation.MAX,
    ):
        problems.append(
            f"Indicator.{field}: text values cannot be combined with {aggregation.value}"
        )
    if value_type is ValueType.BOOLEAN and aggregation in (Aggregation.SUM, Aggregation.AVERAGE):
        problems.append(
            f"Indicator.{field}: boolean values cannot be combined with {aggregation.value}"
        )
    if value_type is ValueType.PERCENTAGE and aggregation is Aggregation.SUM:
        problems.append(f"Indicator.{field}: percentages cannot be summed")
    return problems


@attrs.frozen
class Indicator:
    """One indicator: a figure reported per org unit and period, e.g. 宣传单 in 张.

    ``classifier`` is the measure word (量词) the prose puts after the number: 块, 条, 张, 人次,
    台次, 小时, 份. It never holds digits or 万/亿/余/多 (``万余张`` is number formatting plus
    ``张``). ``unit_aggregation`` and ``time_aggregation`` default by kind (see
    :func:`default_aggregations`). Rates and ratios name their ``numerator`` and ``denominator``
    indicators. ``part_of`` names the total this indicator is a 其中 item of (never above it);
    ``parts`` names the indicators whose sum must equal this total. An indicator may have both:
    a sub-total (湖北返乡 within 返乡, split into 武汉 and 湖北其他地区), or a 其中 item outside its
    total's breakdown (已解除隔离 within 返乡 split by origin, which its parts do not list).
    ``precision`` is the number of digits after the decimal point in hedged and compact forms
    (3.2万余 has precision 1). A hedged figure ends
    with ``hedge``, 余 (the default) or 多; with ``significant_figures`` it is hedged below 万
    too, keeping that many figures (2: 356 → 350多, 3412 → 3400多; 98 stays 98), where
    otherwise only figures from 万 on are hedged. ``maximum`` is the largest figure one report
    may state (a plausibility bound checked on every value, :data:`DEFAULT_MAXIMUM` when
    ``None``). ``categories`` split the figure (返乡人员 by 来源地): data values may carry one
    option per category, the total is the sum over the options, and every option combination
    is a figure of its own (see :meth:`series_indicators`); only summed counts are split.
    ``numerals_below`` writes the counts from 1 up to (not including) it in Chinese numerals,
    as official prose writes small counts: 10 gives 两人, 三次 (0, the default: never).

    Nonsensical definitions raise :class:`ModelError` naming the indicator, listing every
    problem at once.
    """

    code: str = attrs.field(validator=_validate_code)
    name: str = attrs.field(validator=_validate_title)
    classifier: str = attrs.field(default="", validator=_validate_classifier)
    value_type: ValueType = attrs.field(
        default=ValueType.INTEGER,
        converter=_to_value_type,
        validator=_enum_validator(ValueType),
    )
    kind: IndicatorKind = attrs.field(
        default=IndicatorKind.FLOW,
        converter=_to_kind,
        validator=_enum_validator(IndicatorKind),
    )
    unit_aggregation: Aggregation = attrs.field(
        converter=_to_aggregation, validator=_enum_validator(Aggregation)
    )
    time_aggregation: Aggregation = attrs.field(
        converter=_to_aggregation, validator=_enum_validator(Aggregation)
    )
    numerator: str | None = attrs.field(default=None, validator=_validate_optional_code)
    denominator: str | None = attrs.field(default=None, validator=_validate_optional_code)
    part_of: str | None = attrs.field(default=None, validator=_validate_optional_code)
    parts: tuple[str, ...] = attrs.field(default=(), converter=_to_codes, validator=_validate_codes)
    number_style: NumberStyle = attrs.field(
        default=NumberStyle.EXACT,
        converter=_to_number_style,
        validator=_enum_validator(NumberStyle),
    )
    precision: int = attrs.field(default=1, validator=_validate_precision)
    hedge: str = attrs.field(default="余", validator=_validate_hedge)
    significant_figures: int | None = attrs.field(default=None, validator=_validate_significant)
    maximum: int | Decimal | None = attrs.field(
        default=None, validator=_validate_maximum, kw_only=True
    )
    categories: tuple[Category, ...] = attrs.field(
        default=(), converter=_to_categories, validator=_validate_categories, kw_only=True
    )
    numerals_below: int = attrs.field(default=0, validator=_validate_numerals, kw_only=True)
    zero_policy: ZeroPolicy = attrs.field(
        default=ZeroPolicy.OMIT,
        converter=_to_zero_policy,
        validator=_enum_validator(ZeroPolicy),
    )
    description: str = attrs.field(default="", validator=_validate_text)

    @unit_aggregation.default
    def _default_unit_aggregation(self) -> Aggregation:
        return self._defaults()[0]

    @time_aggregation.default
    def _default_time_aggregation(self) -> Aggregation:
        return self._defaults()[1]

    def _defaults(self) -> tuple[Aggregation, Aggregation]:
        # Defaults are computed before validators run: a bad kind or value type must reach its
        # validator (and its message) instead of failing here.
        kind: object = self.kind
        value_type: object = self.value_type
        if isinstance(kind, IndicatorKind) and isinstance(value_type, ValueType):
            return default_aggregations(kind, value_type)
        return Aggregation.NONE, Aggregation.NONE

    def __attrs_post_init__(self) -> None:
        problems = [
            *_aggregation_problems(self.kind, self.value_type, "unit", self.unit_aggregation),
            *_aggregation_problems(self.kind, self.value_type, "time", self.time_aggregation),
            *self._reference_problems(),
        ]
        if self.numerals_below and self.value_type is not ValueType.INTEGER:
            problems.append(
                f"Indicator.numerals_below: only integer counts are written in Chinese numerals "
                f"(两人), not {self.value_type.value} values"
            )
        if not self.value_type.is_numeric and self.number_style is not NumberStyle.EXACT:
            problems.append(
                f"Indicator.number_style: {self.value_type.value} values are not numbers and "
                f"cannot be written {self.number_style.value}"
            )
        if problems:
            head = f"indicator {self.code!r} ({self.name})"
            if len(problems) == 1:
                raise ModelError(f"{problems[0]} [{head}]")
            listing = "\n".join(f"  - {p}" for p in problems)
            raise ModelError(f"{head}: {len(problems)} problems:\n{listing}")

    def _reference_problems(self) -> list[str]:
        problems = []
        if self.kind.is_computed:
            if self.numerator is None or self.denominator is None:
                problems.append(
                    f"Indicator.numerator/denominator: a {self.kind.value} needs both a numerator "
                    f"and a denominator, got {self.numerator!r} and {self.denominator!r}"
                )
            if not self.value_type.is_numeric:
                problems.append(
                    f"Indicator.value_type: a {self.kind.value} is a number, "
                    f"not {self.value_type.value}"
                )
        elif self.numerator is not None or self.denominator is not None:
            problems.append(
                f"Indicator.numerator/denominator: only a rate or a ratio has a numerator and a "
                f"denominator, not a {self.kind.value} (got {self.numerator!r} and "
                f"{self.denominator!r})"
            )
        for field in ("numerator", "denominator", "part_of"):
            if getattr(self, field) == self.code:
                problems.append(f"Indicator.{field}: an indicator cannot refer to itself")
        if self.numerator is not None and self.numerator == self.denominator:
            problems.append(
                f"Indicator.denominator: numerator and denominator are both {self.numerator!r}"
            )
        if self.code in self.parts:
            problems.append("Indicator.parts: an indicator cannot be a part of itself")
        if self.part_of is not None and self.part_of in self.parts:
            problems.append(
                f"Indicator.part_of: {self.part_of!r} cannot be both the whole and a part; "
                f"{self.code!r} is a part of {self.part_of!r} (keep part_of) or {self.part_of!r} "
                "is a part of it (keep it in parts), not both"
            )
        if self.categories and not self.is_summable:
            problems.append(
                "Indicator.categories: only a numeric flow or stock summed across units can be "
                f"disaggregated, not a {self.value_type.value} {self.kind.value} aggregated "
                f"with {self.unit_aggregation.value}"
            )
        owner: dict[str, str] = {}
        for category in self.categories:
            for option in category.options:
                first = owner.setdefault(option.code, category.code)
                if first != category.code:
                    problems.append(
                        f"Indicator.categories: option {option.code!r} is in both {first!r} "
                        f"and {category.code!r}; option codes of one indicator's categories "
                        "must differ (a data value names its options by code)"
                    )
        if (self.parts or self.part_of is not None) and not self.is_summable:
            problems.append(
                "Indicator.parts/part_of: only a numeric flow or stock summed across units can "
                f"be a total or a part, not a {self.value_type.value} {self.kind.value} "
                f"aggregated with {self.unit_aggregation.value}"
            )
        return problems

    @property
    def is_computed(self) -> bool:
        """Whether the indicator is a rate or ratio computed from numerator and denominator."""
        return self.kind.is_computed

    @property
    def is_numeric(self) -> bool:
        """Whether values are numbers (integer, decimal or percentage)."""
        return self.value_type.is_numeric

    @property
    def is_additive(self) -> bool:
        """Whether values add up both across org units and over time (e.g. a flow count)."""
        return self.unit_aggregation is Aggregation.SUM and self.time_aggregation is Aggregation.SUM

    @property
    def is_summable(self) -> bool:
        """Whether values add up across org units (flows and stocks alike)."""
        return (
            self.value_type in (ValueType.INTEGER, ValueType.DECIMAL)
            and not self.kind.is_computed
            and self.unit_aggregation is Aggregation.SUM
        )

    @property
    def is_total(self) -> bool:
        """Whether the indicator declares parts that must sum to it."""
        return bool(self.parts)

    def category_of(self, option: str) -> Category:
        """Return the category option *option* belongs to; :class:`ModelError` otherwise."""
        for category in self.categories:
            if option in category:
                return category
        known = ", ".join(o.code for c in self.categories for o in c.options) or "none"
        raise ModelError(
            f"unknown category option {option!r} of indicator {self.code!r} ({self.name}); "
            f"its options: {known}"
        )

    def canonical_options(self, options: Iterable[str]) -> tuple[str, ...]:
        """Return *options* in category order, one per category at most.

        Raises :class:`ModelError` for an option none of the indicator's categories has, and
        for two options of one category.
        """
        by_category: dict[str, str] = {}
        for option in options:
            category = self.category_of(option)
            first = by_category.setdefault(category.code, option)
            if first != option:
                raise ModelError(
                    f"indicator {self.code!r}: options {first!r} and {option!r} are both of "
                    f"category {category.code!r}; a data value has one option per category"
                )
        return tuple(by_category[c.code] for c in self.categories if c.code in by_category)

    def series(self) -> tuple[tuple[str, ...], ...]:
        """Every figure the categories split the indicator into, as option tuples.

        The total ``()`` first, then every combination of one option (or the total) per
        category, in category order and each category's preorder.
        """
        combos: list[tuple[str, ...]] = [()]
        for category in self.categories:
            combos = [
                (*combo, *extra)
                for combo in combos
                for extra in [(), *((o.code,) for o in category.ordered())]
            ]
        return tuple(combos)

    def _series_name(self, options: Iterable[str]) -> str:
        """The name of one disaggregated figure: 返乡人员（武汉）."""
        names = [self.category_of(o).get(o).name for o in options]
        return f"{self.name}（{'，'.join(names)}）" if names else self.name

    def series_indicators(self) -> "tuple[Indicator, ...]":
        """The indicator itself, then one indicator per category option combination.

        Each is named by its series code (``returnees[wuhan]``) and options (返乡人员（武汉））,
        and writes its figures as this indicator does; facts, aggregates and templates read a
        category option's figure through it.
        """
        found = [self]
        for combo in self.series()[1:]:
            found.append(
                attrs.evolve(
                    self,
                    code=series_code(self.code, combo),
                    name=self._series_name(combo),
                    part_of=None,
                    parts=(),
                    categories=(),
                )
            )
        return tuple(found)

    @property
    def states_zero(self) -> bool:
        """Whether the prose states a zero for this indicator instead of omitting it."""
        return self.zero_policy is ZeroPolicy.STATE


def _validate_indicators(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    for i, item in enumerate(value):
        if not isinstance(item, Indicator):
            raise ModelError(f"IndicatorSet.indicators: item {i} is not an Indicator, got {item!r}")


def _validate_sections(instance: Any, attribute: "attrs.Attribute[Any]", value: Any) -> None:
    for i, item in enumerate(value):
        if not isinstance(item, IndicatorSection):
            raise ModelError(
                f"IndicatorSet.sections: item {i} is not an IndicatorSection, got {item!r}"
            )


@attrs.frozen
class IndicatorSection:
    """A named group of indicators within a set, e.g. 社会宣传 holding billboards and leaflets."""

    code: str = attrs.field(validator=_validate_code)
    name = renamed("code")  # the id used to be called name
    title: str = attrs.field(validator=_validate_title)
    indicators: tuple[str, ...] = attrs.field(
        default=(), converter=_to_codes, validator=_validate_codes
    )

    def __contains__(self, code: object) -> bool:
        return code in self.indicators


@attrs.frozen
class IndicatorSet:
    """A named, ordered collection of indicators, optionally grouped in sections.

    Codes are unique; every numerator, denominator, ``part_of`` and ``parts`` reference and every
    code in a section must name an indicator of the set. A rate's numerator and denominator must
    be numeric flows or stocks (never rates: that also rules out circular rates); a part listed in
    a total's ``parts`` belongs to that total alone (its ``part_of``, if any, names it), and
    part/whole links must not form a cycle. A ``part_of`` that its total's ``parts`` do not list
    is a 其中 item outside the breakdown. All problems are reported at once, each naming a fix.
    """

    code: str = attrs.field(validator=_validate_code)
    name = renamed("code")  # the id used to be called name
    title: str = attrs.field(validator=_validate_title)
    indicators: tuple[Indicator, ...] = attrs.field(
        converter=_to_indicators, validator=_validate_indicators
    )
    sections: tuple[IndicatorSection, ...] = attrs.field(
        default=(), converter=_to_sections, validator=_validate_sections
    )
    categories: tuple[Category, ...] = attrs.field(
        default=(), converter=_to_categories, validator=_validate_categories, kw_only=True
    )
    _by_code: dict[str, Indicator] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[str] = []
        by_code: dict[str, Indicator] = {}
        for indicator in self.indicators:
            first = by_code.setdefault(indicator.code, indicator)
            if first is not indicator:
                problems.append(
                    f"duplicate indicator code {indicator.code!r} "
                    f"({first.name} and {indicator.name})"
                )

        def refer(owner: Indicator, field: str, code: str) -> Indicator | None:
            target = by_code.get(code)
            if target is None:
                problems.append(
                    f"indicator {owner.code!r}: {field} {code!r} is not an indicator of the set"
                )
            return target

        breakdowns: dict[str, str] = {}  # part → the total whose parts list it
        for indicator in by_code.values():
            for field in ("numerator", "denominator"):
                code = getattr(indicator, field)
                if code is None:
                    continue
                target = refer(indicator, field, code)
                if target is not None and (
                    target.kind.is_computed
                    or target.value_type not in (ValueType.INTEGER, ValueType.DECIMAL)
                ):
                    problems.append(
                        f"indicator {indicator.code!r}: {field} {code!r} must be an integer or "
                        f"decimal flow or stock, not a {target.value_type.value} "
                        f"{target.kind.value}"
                    )
            # A part_of that the whole's parts do not list is a 其中 item outside the breakdown
            # (已解除隔离 within 返乡人员 split by origin): it is held to part <= whole only.
            if indicator.part_of is not None:
                refer(indicator, "part_of", indicator.part_of)
            for code in indicator.parts:
                part = refer(indicator, "parts", code)
                if part is not None and part.part_of not in (None, indicator.code):
                    problems.append(
                        f"indicator {indicator.code!r}: part {code!r} is declared part_of "
                        f"{part.part_of!r}; a figure is a part of one total: remove {code!r} "
                        f"from the parts of {indicator.code!r}, or set its part_of to "
                        f"{indicator.code!r} (a 其中 item of {part.part_of!r} that is not in "
                        "its breakdown needs no parts entry)"
                    )
                listed_in = breakdowns.setdefault(code, indicator.code)
                if listed_in != indicator.code:
                    problems.append(
                        f"indicator {indicator.code!r}: part {code!r} is also listed in the "
                        f"parts of {listed_in!r}; a figure is a part of one total: keep it in "
                        f"one breakdown (make a sub-total a part of the other: give it parts "
                        "and a part_of), or check the other relation with a validation rule"
                    )
        problems.extend(self._part_cycles(by_code))
        declared = {c.code: c for c in self.categories}
        for indicator in by_code.values():
            for category in indicator.categories:
                known = declared.setdefault(category.code, category)
                if known != category:
                    problems.append(
                        f"indicator {indicator.code!r}: category {category.code!r} differs from "
                        f"the set's category of that code; declare it once and use it for "
                        "every indicator it splits"
                    )

        seen_sections: set[str] = set()
        for section in self.sections:
            if section.code in seen_sections:
                problems.append(f"duplicate section name {section.code!r}")
            seen_sections.add(section.code)
            unknown = [code for code in section.indicators if code not in by_code]
            if unknown:
                problems.append(
                    f"section {section.code!r} lists unknown indicators "
                    f"{', '.join(repr(c) for c in unknown)}"
                )
        if problems:
            head = f"IndicatorSet {self.code!r}"
            if len(problems) == 1:
                raise ModelError(f"{head}: {problems[0]}")
            listing = "\n".join(f"  - {p}" for p in problems)
            raise ModelError(f"{head}: {len(problems)} problems:\n{listing}")
        object.__setattr__(self, "_by_code", by_code)

    @staticmethod
    def _part_cycles(by_code: dict[str, Indicator]) -> list[str]:
        # part → whole edges come from both directions of declaration; a cycle would make a total
        # contain itself.
        wholes: dict[str, set[str]] = {code: set() for code in by_code}
        for indicator in by_code.values():
            if indicator.part_of in by_code:
                wholes[indicator.code].add(indicator.part_of)
            for part in indicator.parts:
                if part in by_code:
                    wholes[part].add(indicator.code)
        problems = []
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for start in by_code:
            if start in state:
                continue
            path: list[str] = []
            stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(wholes[start])))]
            state[start] = 1
            path.append(start)
            while stack:
                node, successors = stack[-1]
                nxt = next(successors, None)
                if nxt is None:
                    stack.pop()
                    path.pop()
                    state[node] = 2
                elif state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :]
                    arrows = " → ".join(repr(c) for c in [*cycle, nxt])
                    problems.append(f"part/whole links form a cycle: {arrows}")
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(sorted(wholes[nxt]))))
        return problems

    def get(self, code: str) -> Indicator:
        """Return the indicator with *code*; raise :class:`ModelError` naming the set otherwise."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise ModelError(f"unknown indicator {code!r} in indicator set {self.code!r}") from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Indicator]:
        """Yield the indicators in their declared order."""
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    @property
    def with_series(self) -> tuple[Indicator, ...]:
        """Every indicator, each followed by its category option series.

        What facts and templates can name (see :meth:`Indicator.series_indicators`).
        """
        return tuple(s for indicator in self.indicators for s in indicator.series_indicators())

    @property
    def codes(self) -> tuple[str, ...]:
        """The indicator codes, in declared order."""
        return tuple(indicator.code for indicator in self.indicators)

    def section(self, name: str) -> IndicatorSection:
        """Return the section called *name*; raise :class:`ModelError` otherwise."""
        for section in self.sections:
            if section.code == name:
                return section
        raise ModelError(f"unknown section {name!r} in indicator set {self.code!r}")

    def section_indicators(self, name: str) -> tuple[Indicator, ...]:
        """Return the indicators of section *name*, in the section's order."""
        return tuple(self._by_code[code] for code in self.section(name).indicators)

    def parts_of(self, code: str) -> tuple[Indicator, ...]:
        """Return the indicators that are parts of *code*: its ``parts``, then others naming it."""
        whole = self.get(code)
        found = [self._by_code[c] for c in whole.parts]
        found.extend(i for i in self.indicators if i.part_of == code and i.code not in whole.parts)
        return tuple(found)
