"""Lazy re-exports for subpackages (PEP 562).

The plugin manager imports each subpackage's record module (``aggregate._rules``,
``lint._rules``, ``narrative._templates``, ``render._formats``); an eager ``__init__`` would then
load every engine, renderer and template helper on ``import epireport``. Subpackages therefore
export their public names through :func:`lazy_exports`, and list the same imports under
``TYPE_CHECKING`` for type checkers and readers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for *package*, where *exports* maps name -> module."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        # Cache it, so the next access is an ordinary attribute lookup.
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
