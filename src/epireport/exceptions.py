"""The one exception hierarchy of epireport.

Every error epireport raises on purpose is an :class:`EpireportError`. Callers that want to
turn any of them into a one-line message (the CLI does) catch that class alone.

``ModelError`` also derives from :class:`ValueError` so that attrs validators can raise it and
cattrs collects it like any other validation failure while loading a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EpireportError",
    "EpireportPluginWarning",
    "EpireportTemplateWarning",
    "InputError",
    "MissingFigureError",
    "ModelError",
    "PluginError",
    "Problem",
    "RenderError",
    "RuleViolationError",
    "TemplateError",
    "UsageError",
]


class EpireportError(Exception):
    """Base class of every error epireport raises deliberately."""


class ModelError(EpireportError, ValueError):
    """A domain value is invalid: an impossible period, a cycle in an org tree, a bad code.

    The message names the object, the field and the offending value.
    """


class UsageError(EpireportError):
    """The library or the CLI was called in a way that cannot work (e.g. unknown institution)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input: where it is and what was expected.

    ``location`` reads like ``report.yaml: $.values.leaflets`` or
    ``daily.xlsx: sheet 日报, row 12, column C``.
    """

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(EpireportError):
    """An input (file, mapping, rows) was rejected. Lists *every* problem found, not the first.

    ``problems`` holds one :class:`Problem` per defect, each with its location.
    """

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._message())

    def _message(self) -> str:
        if not self.problems:
            return f"{self.source}: invalid input" if self.source else "invalid input"
        if len(self.problems) == 1:
            return str(self.problems[0])
        head = f"{len(self.problems)} problems"
        if self.source:
            head += f" in {self.source}"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


class RuleViolationError(InputError):
    """A final render refused: the data fails error-level validation rules.

    ``problems`` holds one :class:`Problem` per violation (its unit, period, rule and both
    sides); ``violations`` the violations themselves. Render a draft, or allow the violations
    explicitly, to write the document anyway: it then carries them.
    """

    def __init__(
        self, problems: Iterable[Problem], violations: Iterable[object], source: str | None = None
    ) -> None:
        self.violations = tuple(violations)
        super().__init__(problems, source)


class PluginError(EpireportError):
    """A plugin is broken or conflicts with another (duplicate names, bad hook implementation)."""


class EpireportPluginWarning(UserWarning):
    """A plugin was skipped because it failed to load or register (``EPIREPORT_STRICT_PLUGINS``).

    A warning, not an :class:`EpireportError`: one broken third-party plugin must not stop the
    others from working. Strict mode (and the test suite) turns it into a :class:`PluginError`.
    """


class TemplateError(EpireportError):
    """A template cannot be loaded, refers to something undefined, or lost a section.

    ``problems`` holds one line per problem, each naming the template, its line and the fix
    (the CLI prints them one per line); the message is the problems joined by line breaks.
    """

    def __init__(self, message: str, *, problems: Iterable[str] | None = None) -> None:
        self.problems: tuple[str, ...] = tuple(problems) if problems is not None else (message,)
        super().__init__(message)


class EpireportTemplateWarning(UserWarning):
    """A draft's template has a problem a final render refuses (a section left empty).

    Drafts circulate early, so they are written anyway; the warning names the template, the
    line and the fix, and the CLI prints it.
    """


class RenderError(EpireportError):
    """A report cannot be rendered in the requested mode or format."""


class MissingFigureError(RenderError):
    """Final mode met a figure the template requires but the data does not have.

    The message names the indicator and the unit.
    """
