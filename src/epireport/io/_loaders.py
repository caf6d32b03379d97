"""Input loaders as plugins register them: a name, the file suffixes it reads, and a function."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from epireport.exceptions import ModelError
from epireport.model._institution import check_name

if TYPE_CHECKING:
    from epireport.model._institution import Institution
    from epireport.model._report import ReportInput

__all__ = ["InputLoader"]


def _name(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_name("InputLoader.name", value)


def _suffixes(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise ModelError(f"InputLoader.suffixes: expected a sequence of suffixes, got {value!r}")
    suffixes = tuple(value)
    for suffix in suffixes:
        if not isinstance(suffix, str) or not suffix.startswith(".") or len(suffix) < 2:
            raise ModelError(
                f"InputLoader.suffixes: expected suffixes such as '.yaml', got {suffix!r}"
            )
    # Suffix matching is case-insensitive (REPORT.YAML), so store the canonical spelling.
    return tuple(s.lower() for s in suffixes)


def _load(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise ModelError(f"InputLoader.load: expected a callable, got {value!r}")


def _text(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(f"InputLoader.{attribute.name}: expected a string, got {value!r}")


@attrs.frozen
class InputLoader:
    """Reads report inputs from files of some kind (YAML, JSON, an Excel form ...).

    ``load(path, institution)`` returns a ``ReportInput``; given an ``Institution`` it also
    checks the file against what the institution declares. ``suffixes`` (lower case, with the
    dot) are what the built-in selection matches file names against.
    """

    name: str = attrs.field(validator=_name)
    suffixes: tuple[str, ...] = attrs.field(converter=_suffixes)
    load: Callable[[Path, Institution | None], ReportInput] = attrs.field(validator=_load)
    description: str = attrs.field(default="", validator=_text)

    def reads(self, path: Path) -> bool:
        """Whether *path*'s name ends with one of :attr:`suffixes` (ignoring case)."""
        return path.name.lower().endswith(self.suffixes)
