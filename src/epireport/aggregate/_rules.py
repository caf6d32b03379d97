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
from collections.abc import Callable
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
