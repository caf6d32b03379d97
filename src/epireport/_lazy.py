"""Lazy re-exports for packages (PEP 562).

The plugin manager imports each subpackage's record module (``aggregate._rules``,
``lint._rules``, ``narrative._templates``, ``render._formats``); an eager ``__init__`` would then
load every engine, renderer and template helper on ``import epireport``. Packages therefore
export their public names lazily: a name's module is imported when the name is first used.

Two ways to declare the names:

- :func:`lazy_reexports`, a context manager around ordinary ``from module import name as name``
  statements: the one declaration of a package's public API. Type checkers read the imports as
  written (``as name`` is the explicit re-export mypy ``--strict`` asks for); at run time the
  statements only record where each name lives, and ``__all__``, ``__getattr__`` and
  ``__dir__`` are derived from them (the idea of etils' ``epy.lazy_imports`` and of PEP 810's
  ``lazy from ... import``). Used by :mod:`epireport` and :mod:`epireport.plugin`.
- :func:`lazy_exports`, an explicit name -> module mapping, which the subpackages still use next
  to a ``TYPE_CHECKING`` block of the same imports.
"""

from __future__ import annotations

import builtins
import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

__all__ = ["lazy_exports", "lazy_reexports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for *package*, where *exports* maps name -> module."""
    return _accessors(package, {name: (module, name) for name, module in exports.items()})


def _accessors(
    package: str, exports: Mapping[str, tuple[str, str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    def __getattr__(name: str) -> Any:
        where = exports.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = where
        value = getattr(importlib.import_module(module), attribute)
        # Cache it, so the next access is an ordinary attribute lookup.
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__


class _Pending:
    """What a recorded ``from module import attribute`` binds until the block ends."""

    __slots__ = ("attribute", "module")

    def __init__(self, module: str, attribute: str) -> None:
        self.module = module
        self.attribute = attribute


class _Recorder(ModuleType):
    """Stands in for a module inside :func:`lazy_reexports`: attribute access records, no import."""

    def __getattr__(self, attribute: str) -> _Pending:
        return _Pending(self.__name__, attribute)


def _all_order(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps (and tests/test_public_api.py checks): SCREAMING_CASE,
    # then CamelCase, then the rest.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2), name


@contextmanager
def lazy_reexports(namespace: MutableMapping[str, Any]) -> Iterator[None]:
    """Turn the ``from ... import`` statements in the block into the package's lazy exports.

    Call it with the package's ``globals()``. Inside the block, ``from module import name as
    name`` imports nothing: it records *module* and *name*. When the block ends, the recorded
    names are removed from *namespace* and the package gets ``__all__`` (every recorded name,
    sorted as ruff's RUF022 wants), and PEP 562 ``__getattr__`` and ``__dir__`` that import a
    name's module on first use. Only absolute ``from`` imports are allowed in the block.
    """
    package = namespace["__name__"]
    original = builtins.__import__

    def record(
        name: str,
        globals: Mapping[str, object] | None = None,
        locals: Mapping[str, object] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        # Only this block's statements are recorded: another thread importing meanwhile
        # passes its own globals and gets the real import.
        if globals is not namespace:
            return original(name, globals, locals, fromlist, level)
        if level or not fromlist or "*" in fromlist:
            raise ImportError(
                f"{package}: only 'from absolute.module import name as name' may declare an "
                f"export, not {'.' * level}{name} {fromlist!r}"
            )
        return _Recorder(name)

    builtins.__import__ = record
    try:
        yield
    finally:
        builtins.__import__ = original
    exports = {
        name: (value.module, value.attribute)
        for name, value in list(namespace.items())
        if isinstance(value, _Pending)
    }
    for name in exports:
        del namespace[name]
    getattr_, dir_ = _accessors(package, exports)
    namespace["__all__"] = sorted(exports, key=_all_order)
    namespace["__getattr__"] = getattr_
    namespace["__dir__"] = dir_
