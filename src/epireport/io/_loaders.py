"""Input loaders as plugins register them: a name, the file suffixes it reads, and a function.

Every input epireport reads (report files in YAML or JSON, filled-in Excel forms, long-form
CSV, DHIS2 dataValueSets, or whatever a plugin adds) goes through an :class:`InputLoader`
chosen by ``epireport_select_input_loader``: ``render``, ``check``, ``ingest`` and the API all
ask :meth:`epireport.Plugins.load` and its two narrowings, so a loader a plugin registers works
everywhere at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from epireport._fields import renamed
from epireport.exceptions import ModelError
from epireport.model._institution import check_name

if TYPE_CHECKING:
    from epireport.io._normalise import Batch, CodeMapping
    from epireport.model._institution import Institution
    from epireport.model._periods import Period
    from epireport.model._report import ReportInput

__all__ = ["InputLoader", "LoadContext", "Loaded"]

#: What a loader returns: a whole report input (render, check and ingest can use it), or a
#: batch of data values for the store (ingest only; render then reads the store).
Loaded: TypeAlias = "ReportInput | Batch"


@attrs.frozen
class LoadContext:
    """What a loader may use besides the file it reads.

    ``institution`` is the one the caller asked for (``--institution``), or ``None``: the
    loader then checks the file against the institution the file itself names, which
    :meth:`resolve` turns into the registered institution (a :class:`UsageError` listing the
    installed ones for an unknown name). ``mapping`` translates foreign codes (DHIS2 ids) for
    the loaders that read them; ``stages`` are the registered named stages, which a period
    written as a bare stage name (``第一阶段``) means. ``name`` is how messages cite the file.
    """

    name: str
    institution: Institution | None = None
    mapping: CodeMapping | None = None
    stages: Mapping[str, Period] = attrs.field(factory=dict)
    resolver: Callable[[str], Institution] | None = None

    def resolve(self, name: str) -> Institution:
        """Return the registered institution *name* (or the caller's, when one was given)."""
        if self.institution is not None:
            return self.institution
        if self.resolver is None:
            from epireport.exceptions import UsageError

            raise UsageError(f"{self.name}: cannot look up institution {name!r} here")
        return self.resolver(name)


def _name(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    check_name("InputLoader.code", value)


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


def _sniff(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        raise ModelError(f"InputLoader.sniff: expected a callable or None, got {value!r}")


def _text(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise ModelError(f"InputLoader.{attribute.name}: expected a string, got {value!r}")


@attrs.frozen
class InputLoader:
    """Reads inputs from files of some kind (YAML, JSON, an Excel form, CSV, DHIS2 ...).

    ``load(path, context)`` returns a ``ReportInput`` (a whole report: render, check and ingest
    can use it) or a :class:`~epireport.io.Batch` of data values (what ``ingest`` stores),
    checking the file against ``context.institution`` or, without one, against the
    institution the file names (``context.resolve(name)``). Problems are raised as one
    :class:`~epireport.exceptions.InputError` listing each with its place in the file.

    ``suffixes`` (lower case, with the dot) are what the built-in selection matches file names
    against; ``sniff``, when given, must also accept the file (it tells a DHIS2 ``.json`` from
    a report ``.json``). Loaders are asked in load order, built-ins first.
    """

    code: str = attrs.field(validator=_name)
    name = renamed("code")  # the id used to be called name
    suffixes: tuple[str, ...] = attrs.field(converter=_suffixes)
    load: Callable[[Path, LoadContext], Loaded] = attrs.field(validator=_load)
    description: str = attrs.field(default="", validator=_text)
    sniff: Callable[[Path], bool] | None = attrs.field(default=None, validator=_sniff)

    def reads(self, path: Path) -> bool:
        """Whether this loader reads *path*: a suffix matches (any case) and ``sniff`` agrees."""
        if not path.name.lower().endswith(self.suffixes):
            return False
        return self.sniff is None or bool(self.sniff(path))
