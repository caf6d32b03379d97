"""Validation rules as plugins register them: left side, operator, right side (DHIS2-style).

The record only; rules are evaluated by :mod:`epireport.aggregate._validate`. Both sides are
parsed when the record is built (:mod:`epireport.aggregate._expr`), so a syntax error surfaces
where the rule is written; unknown indicator codes are found when the rule is checked against an
indicator set.
"""

from __future__ import annotations

import enum
import functools
import operator as _op
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from epireport._fields import enum_member, renamed
from epireport.aggregate._expr import Expression, parse_expression
from epireport.exceptions import ModelError

__all__ = ["Importance", "MissingStrategy", "Operator", "ValidationRule"]

_E = TypeVar("_E", bound=enum.Enum)


class Operator(enum.Enum):
    """How the two sides of a rule compare; values are the symbols used in files."""

    EQUAL = "=="
    NOT_EQUAL = "!="
    LESS = "<"
    LESS_EQUAL = "<="
    GREATER = ">"
    GREATER_EQUAL = ">="


_COMPARE: dict[Operator, Callable[[Decimal, Decimal], bool]] = {
    Operator.EQUAL: _op.eq,
    Operator.NOT_EQUAL: _op.ne,
    Operator.LESS: _op.lt,
    Operator.LESS_EQUAL: _op.le,
    Operator.GREATER: _op.gt,
    Operator.GREATER_EQUAL: _op.ge,
}


class MissingStrategy(enum.Enum):
    """What a rule does when a figure it reads is missing (missing is not zero)."""

    #: do not evaluate the rule; report nothing
    SKIP = "skip"
    #: read the missing figure as 0 (only for rules whose authors know that is safe)
    AS_ZERO = "as_zero"
    #: report the rule as violated because a figure it needs is missing
    FAIL = "fail"


class Importance(enum.Enum):
    """How a violated rule is reported."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def _to_operator(value: object) -> Operator:
    return enum_member(Operator, "ValidationRule.operator", value)


def _to_missing(value: object) -> MissingStrategy:
    return enum_member(MissingStrategy, "ValidationRule.missing", value)


def _to_importance(value: object) -> Importance:
    return enum_member(Importance, "ValidationRule.importance", value)


def _code(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value or any(ch.isspace() for ch in value):
        raise ModelError(
            f"ValidationRule.{attribute.name}: expected a name without spaces, got {value!r}"
        )


def _side(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(
            f"ValidationRule.{attribute.name}: expected an expression over indicator codes "
            f"such as 'screened' or 'fever + cough', got {value!r}"
        )
    try:
        parse_expression(value)
    except ModelError as exc:
        raise ModelError(f"ValidationRule.{attribute.name}: {exc}") from None


def _text(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(f"ValidationRule.{attribute.name}: expected a string, got {value!r}")


def _institution(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ModelError(
            f"ValidationRule.institution: expected an institution name or None, got {value!r}"
        )


@attrs.frozen
class ValidationRule:
    """A check that two expressions over indicators compare as stated, e.g. 其中 ≤ 总数.

    ``left`` and ``right`` are expressions over indicator codes of the institution; ``missing``
    says what to do when a figure is missing; ``importance`` how a violation is reported.
    ``institution`` limits the rule to one institution (``None``: every institution whose
    indicators the rule names).
    """

    code: str = attrs.field(validator=_code)
    name = renamed("code")  # the id used to be called name
    left: str = attrs.field(validator=_side)
    operator: Operator = attrs.field(converter=_to_operator)
    right: str = attrs.field(validator=_side)
    missing: MissingStrategy = attrs.field(default=MissingStrategy.SKIP, converter=_to_missing)
    importance: Importance = attrs.field(default=Importance.ERROR, converter=_to_importance)
    description: str = attrs.field(default="", validator=_text)
    institution: str | None = attrs.field(default=None, validator=_institution)

    # Worked out once per rule (cached, not fields): a report checks each rule against every
    # unit and period, and re-reading the sides was most of the cost of validation.

    @functools.cached_property
    def left_expression(self) -> Expression:
        """The parsed left side."""
        return parse_expression(self.left)

    @functools.cached_property
    def right_expression(self) -> Expression:
        """The parsed right side."""
        return parse_expression(self.right)

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        """Every indicator code the rule reads, on either side."""
        return self.left_expression.codes | self.right_expression.codes

    def compare(self, left: Decimal, right: Decimal) -> bool:
        """Whether *left* and *right* satisfy the rule's operator."""
        return _COMPARE[self.operator](left, right)

    @functools.cached_property
    def holds_for_integers(self) -> Callable[[Mapping[str, object]], bool] | None:
        """A quick test that the rule holds, for figures that are all plain integers.

        Integer arithmetic with ``+ - *`` and integer constants is exact, as the rule's
        ``Decimal`` evaluation is: where every figure the rule reads is an ``int``, the two
        agree, and a rule checked on every unit and period of a store need not make a
        ``Decimal`` of each figure. ``False`` means "not shown to hold": the caller evaluates
        the rule in full (a violation, a missing or non-integer figure). ``None`` when the
        rule's sides have a division or a fractional constant.
        """
        codes = sorted(self.codes)
        names = {code: f"v{i}" for i, code in enumerate(codes)}
        try:
            left = _integer_source(self.left_expression, names)
            right = _integer_source(self.right_expression, names)
        except ValueError:
            return None
        lines = ["def holds(figures):", "    get = figures.get"]
        for code, name in names.items():
            lines.append(f"    {name} = get({code!r})")
            lines.append(f"    if type({name}) is not int:")
            lines.append("        return False")
        lines.append(f"    return ({left}) {self.operator.value} ({right})")
        scope: dict[str, Any] = {}
        # The source is built from parsed expressions only: names v0, v1 ..., integer
        # literals, + - * and parentheses; codes go in as repr'd string keys (as attrs
        # writes its methods).
        exec(compile("\n".join(lines), f"<rule {self.code}>", "exec"), scope)
        holds: Callable[[Mapping[str, object]], bool] = scope["holds"]
        return holds


def _integer_source(expression: Expression, names: Mapping[str, str]) -> str:
    """Python source computing *expression* over ints; ValueError where that is not exact."""
    op = expression.op
    if op == "num":
        number = expression.value
        if not isinstance(number, Decimal) or number != number.to_integral_value():
            raise ValueError(number)
        return str(int(number))
    if op == "code":
        assert isinstance(expression.value, str)
        return names[expression.value]
    if op == "neg":
        return f"-({_integer_source(expression.args[0], names)})"
    if op in ("+", "-", "*"):
        left, right = (_integer_source(arg, names) for arg in expression.args)
        return f"({left}) {op} ({right})"
    raise ValueError(op)
