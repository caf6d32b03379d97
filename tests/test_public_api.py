"""The public API: every exported name imports and is documented."""

import importlib
import inspect

import pytest

PACKAGES = [
    "epireport",
    "epireport.aggregate",
    "epireport.document",
    "epireport.exceptions",
    "epireport.io",
    "epireport.lint",
    "epireport.model",
    "epireport.narrative",
    "epireport.render",
    "epireport.testing",
    "epireport.testing.strategies",
]


def _public(package: str) -> list[tuple[str, str]]:
    module = importlib.import_module(package)
    return [(package, name) for name in module.__all__]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_unique(package: str) -> None:
    """Each package's __all__ is sorted (constants, classes, functions) and lists names once."""
    names = importlib.import_module(package).__all__

    def key(name: str) -> tuple[int, str]:
        # The order ruff's RUF022 keeps: SCREAMING_CASE, then CamelCase, then the rest.
        kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
        return kind, name

    assert list(names) == sorted(set(names), key=key)


@pytest.mark.parametrize(("package", "name"), [p for pkg in PACKAGES for p in _public(pkg)])
def test_public_name_imports_and_is_documented(package: str, name: str) -> None:
    """Every public class and function can be imported and carries a docstring."""
    value = getattr(importlib.import_module(package), name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"{package}.{name} has no docstring"
