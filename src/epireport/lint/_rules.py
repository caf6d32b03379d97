"""Lint rules as plugins register them; running them over a report belongs to the lint stage."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from epireport._fields import enum_member
from epireport.exceptions import ModelError

if TYPE_CHECKING:
    from epireport.lint._document import Finding, Hit, LintDocument

__all__ = ["LintRule", "Severity"]


class Severity(enum.Enum):
    """How a lint finding is reported."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


def _severity(value: object) -> Severity:
    return enum_member(Severity, "LintRule.severity", value)


def _id(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value or any(ch.isspace() for ch in value):
        raise ModelError(
            f"LintRule.id: expected an id without spaces such as 'doubled-unit', got {value!r}"
        )


def _description(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ModelError(f"LintRule.description: expected a one-line description, got {value!r}")


_NAME_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _name(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or (value and _NAME_RE.fullmatch(value) is None):
        raise ModelError(
            f"LintRule.name: expected a lower-case name such as 'doubled-unit' (or ''), "
            f"got {value!r}"
        )


def _check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise ModelError(f"LintRule.check: expected a callable, got {value!r}")


@attrs.frozen
class LintRule:
    """A named check over a written report, e.g. ``EPI201`` (``doubled-unit``) for 万余万.

    ``check(document)`` takes a :class:`~epireport.lint.LintDocument` and yields
    :class:`~epireport.lint.Hit` values (message, line, column); the linter turns each into a
    :class:`~epireport.lint.Finding` carrying this rule's ``id`` and ``severity``. ``name`` is
    an optional readable slug shown beside the id (``EPI101 placeholder``).
    """

    id: str = attrs.field(validator=_id)
    severity: Severity = attrs.field(converter=_severity)
    description: str = attrs.field(validator=_description)
    check: Callable[[LintDocument], Iterable[Hit | Finding]] = attrs.field(validator=_check)
    name: str = attrs.field(default="", validator=_name, kw_only=True)

    @property
    def label(self) -> str:
        """The id followed by the name, e.g. ``EPI101 placeholder``."""
        return f"{self.id} {self.name}" if self.name else self.id
