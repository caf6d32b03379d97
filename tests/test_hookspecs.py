import inspect
import re
from pathlib import Path

import pytest

from epireport import hookspecs

SECTIONS = ("Called:", "Returns:", "Results:", "Example:")
#: verb family -> the fixed sentence its Results section starts with, and whether it is firstresult
FAMILIES = {
    "register": ("All results are collected.", False),
    "prepare": ("Every implementation is called; return values are ignored.", False),
    "select": ("Stops at the first non-None result.", True),
}
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("epireport_"))
SRC = Path(hookspecs.__file__).parent


def sections(docstring: str) -> dict[str, str]:
    """Split a hook docstring into its headed sections."""
    found: dict[str, str] = {}
    current = None
    for line in inspect.cleandoc(docstring).splitlines():
        if line in SECTIONS:
            current = line
            found[current] = ""
        elif current is not None:
            found[current] += line.strip() + "\n"
    return {k: v.strip() for k, v in found.items()}


def test_there_are_hooks() -> None:
    """The hookspec module defines the hooks the issue asks for, and lists them all."""
    assert len(HOOKS) >= 10
    assert set(HOOKS) <= set(hookspecs.__all__)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_a_spec_named_by_its_family(name: str) -> None:
    """Every epireport_* function is a hookspec of a known verb family."""
    function = getattr(hookspecs, name)
    assert hasattr(function, "epireport_spec")
    assert re.fullmatch(r"epireport_(register|prepare|select)_[a-z_]+", name)


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented(name: str) -> None:
    """Every hook has a summary and the four sections, in order, none of them empty."""
    doc = getattr(hookspecs, name).__doc__
    assert doc, f"{name} has no docstring"
    summary = doc.strip().splitlines()[0]
    assert summary.endswith("."), f"{name}: the summary is one sentence"
    positions = [doc.find(f"\n    {s}\n") for s in SECTIONS]
    assert -1 not in positions, f"{name} lacks one of {SECTIONS}"
    assert positions == sorted(positions), f"{name}: sections out of order"
    for heading, text in sections(doc).items():
        assert text, f"{name}: section {heading} is empty"


@pytest.mark.parametrize("name", HOOKS)
def test_results_section_matches_the_hook_options(name: str) -> None:
    """The Results sentence is the fixed one of the family and agrees with firstresult."""
    family = name.split("_")[1]
    sentence, firstresult = FAMILIES[family]
    function = getattr(hookspecs, name)
    assert sections(function.__doc__)["Results:"].startswith(sentence)
    assert bool(function.epireport_spec.get("firstresult")) is firstresult


@pytest.mark.parametrize("name", HOOKS)
def test_example_implements_the_hook(name: str) -> None:
    """The example shows an ``@hookimpl`` implementation of this very hook."""
    example = sections(getattr(hookspecs, name).__doc__)["Example:"]
    assert example.startswith("@hookimpl")
    assert f"def {name}(" in example


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_typed(name: str) -> None:
    """Every argument and the return value of every hook carry a type annotation."""
    signature = inspect.signature(getattr(hookspecs, name))
    assert signature.return_annotation is not inspect.Signature.empty
    for parameter in signature.parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, f"{name}({parameter.name})"
        assert parameter.default is inspect.Parameter.empty, "hooks take no defaults"


def test_only_the_plugins_module_calls_pm_hook() -> None:
    """Only epireport._plugins touches ``.hook``; the rest of the code asks the facade."""
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path.name != "_plugins.py"
        and re.search(r"\.hook\b(?![\w(])", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
