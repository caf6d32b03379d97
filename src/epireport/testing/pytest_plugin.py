"""The epireport pytest plugin: fixtures for testing epireport plugins and reports.

Installing epireport registers this module with pytest (entry point ``pytest11``, name
``epireport``), so the fixtures below are available in every test without an import. The
module itself imports only pytest (and the ``epireport`` package around it, whose exports load
on first use): the plugin manager, the pipeline, the renderers and the linter are imported by
the fixtures that use them. Disable it with ``pytest -p no:epireport``.

Fixtures
--------
``epireport_plugins``
    A :class:`epireport.Plugins` over a fresh, *strict* plugin manager: a plugin that fails to
    import or register raises :class:`~epireport.exceptions.PluginError` instead of being
    skipped with a warning. It holds the built-in plugins, the installed plugins (entry points
    of the ``epireport`` group; ``EPIREPORT_LOAD_PLUGINS`` narrows them as everywhere) unless
    the ini option ``epireport_autoload = false`` says built-ins only, and the plugins of
    ``epireport_extra_plugins`` and of the ``@pytest.mark.epireport_plugins(...)`` marker. A
    new one is made for each test, so registering a plugin in one test never leaks into
    another.
    The marker takes plugins as arguments: ``@pytest.mark.epireport_plugins(plugin_module)``.
    A lone class would be taken for the marked object (pytest's rule for one callable
    argument): write ``@pytest.mark.epireport_plugins.with_args(MyPlugin)`` or pass an instance.
``epireport_plugin_manager``
    The pluggy manager behind ``epireport_plugins`` (to register, unregister or inspect).
``epireport_extra_plugins``
    The plugins to register explicitly, by default none. Override it in a ``conftest.py``
    to test a plugin that is not installed, or together with ``epireport_autoload = false``
    to test it alone::

        # conftest.py
        import pytest
        from my_epireport_plugin import plugin

        @pytest.fixture
        def epireport_extra_plugins():
            return [plugin]
``render_report``
    A factory: ``render_report(report, format="text", draft=False, template=None)`` renders
    a :class:`~epireport.ReportInput`, a report file path, or the name of an institution (its
    packaged example) with ``epireport_plugins`` and returns the :class:`~epireport.Rendered`.
``lint_clean``
    An assertion: ``lint_clean(rendered)`` fails the test, listing every finding, unless the
    rendered summary (a :class:`~epireport.Rendered` in any format but JSON, or a text) has no
    lint finding under ``epireport_plugins``' lint rules. Each figure of a ``Rendered`` is
    also checked against its fact. A draft with placeholders fails: each xx is a finding.

A plugin author's test then reads::

    def test_my_report_lints_clean(render_report, lint_clean):
        lint_clean(render_report("my-institution", format="docx"))

With Hypothesis (``epireport.testing.strategies.institution_inputs``) the same holds for
random valid inputs, and ``epireport.testing.example_report`` gives seeded examples.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from epireport import Plugins, Rendered, ReportInput
    from epireport._plugins import EpireportPluginManager

__all__ = [
    "epireport_extra_plugins",
    "epireport_plugin_manager",
    "epireport_plugins",
    "lint_clean",
    "pytest_addoption",
    "pytest_configure",
    "render_report",
]

_AUTOLOAD_INI = "epireport_autoload"
_MARKER = "epireport_plugins"
_LINT_SUFFIXES = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx"}


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the ini option ``epireport_autoload`` (load installed plugins; default true)."""
    parser.addini(
        _AUTOLOAD_INI,
        "epireport fixtures: load installed epireport plugins (entry points) besides the "
        "built-ins and epireport_extra_plugins",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the ``epireport_plugins`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(*plugins): register these epireport plugins (modules, classes or objects) "
        "with the epireport_plugins fixture of the marked test",
    )


@pytest.fixture
def epireport_extra_plugins() -> Sequence[object]:
    """The epireport plugins to register explicitly besides the built-ins: none by default."""
    return ()


@pytest.fixture
def epireport_plugin_manager(
    request: pytest.FixtureRequest, epireport_extra_plugins: Iterable[object]
) -> EpireportPluginManager:
    """A new strict plugin manager: built-ins, installed plugins (unless off), extra plugins."""
    from epireport._plugins import make_plugin_manager

    marked = [p for marker in request.node.iter_markers(_MARKER) for p in marker.args]
    autoload = bool(request.config.getini(_AUTOLOAD_INI))
    return make_plugin_manager(
        plugins=[*epireport_extra_plugins, *marked],
        autoload=autoload,
        strict=True,
    )


@pytest.fixture
def epireport_plugins(epireport_plugin_manager: EpireportPluginManager) -> Plugins:
    """Typed access to ``epireport_plugin_manager`` (institutions, formats, lint rules ...)."""
    from epireport._plugins import Plugins

    return Plugins(epireport_plugin_manager)


@pytest.fixture
def render_report(epireport_plugins: Plugins) -> Callable[..., Rendered]:
    """A function rendering a report input, a report file or an institution's example."""
    from epireport._pipeline import example_input
    from epireport._pipeline import render_report as render

    def render_one(
        report: ReportInput | str | os.PathLike[str],
        format: str = "text",
        *,
        draft: bool = False,
        template: str | None = None,
    ) -> Rendered:
        """Render *report*; a string naming an institution renders that institution's example."""
        if isinstance(report, str) and report in epireport_plugins.institutions():
            report = example_input(report, plugins=epireport_plugins)
        return render(
            report, format=format, plugins=epireport_plugins, draft=draft, template=template
        )

    return render_one


@pytest.fixture
def lint_clean(epireport_plugins: Plugins) -> Callable[..., None]:
    """An assertion that a rendered summary (or a text) has no lint finding at all."""

    def check(rendered: Rendered | str, format: str = "text", *, draft: bool = False) -> None:
        """Fail with every finding unless *rendered* lints clean (a draft if it is one)."""
        __tracebackhide__ = True
        findings = _lint(epireport_plugins, rendered, format, draft)
        if findings:
            from epireport.lint import format_findings

            pytest.fail(f"{len(findings)} lint finding(s):\n{format_findings(findings)}")

    return check


def _lint(plugins: Plugins, rendered: Rendered | str, format: str, draft: bool) -> list[Any]:
    import json

    from epireport.exceptions import InputError, UsageError
    from epireport.lint import claims_from_json, lint_file, lint_text
    from epireport.render._options import RenderOptions

    rules = list(plugins.lint_rules().values())
    if isinstance(rendered, str):
        return lint_text(rendered, rules=rules, format=format, draft=draft)
    draft = draft or rendered.document.meta.draft
    name = rendered.format.code
    if name not in _LINT_SUFFIXES:
        raise UsageError(
            f"lint_clean: cannot lint the {name!r} format; lint text, markdown, html or docx"
        )
    # The JSON rendering of the same document records every figure's fact: with it the linter
    # also checks that each figure lies where its wording (多, 余, 约) says.
    tree = plugins.format("json").render(rendered.document, RenderOptions())
    try:
        claims: list[Any] | None = claims_from_json(json.loads(tree))
    except InputError:  # a summary that states no figure has nothing to check them against
        claims = None
    if isinstance(rendered.output, str):
        return lint_text(rendered.output, rules=rules, format=name, data=claims, draft=draft)
    # The DOCX reader takes a file; a private directory keeps parallel tests apart.
    with tempfile.TemporaryDirectory(prefix="epireport-lint-") as directory:
        path = Path(directory) / f"summary{_LINT_SUFFIXES[name]}"
        path.write_bytes(rendered.output)
        return lint_file(path, rules=rules, data=claims, draft=draft)
