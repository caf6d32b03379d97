"""Every hook is reached from a public entry point, and wrappers see every implementation.

A recording plugin wraps every hookspec with a ``wrapper=True`` implementation. It is installed
the way third-party plugins are (an entry point), then the CLI commands and API calls users make
run one by one; each hook must be invoked by at least one of them. A hook nothing reaches is
dead API: this test fails for it.
"""

import datetime as dt
import importlib.metadata
import inspect
import shutil
import sys
import types
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest

import epireport
from epireport import _manager, hookspecs
from epireport._plugins import REGISTRIES, Plugins
from epireport.aggregate._rules import ValidationRule
from epireport.cli import main
from epireport.io._loaders import InputLoader
from epireport.lint._rules import LintRule
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.narrative._templates import TemplateSource
from epireport.plugin import hookimpl
from epireport.render._formats import ReportFormat
from epireport.testing import registered

HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("epireport_"))
INSTITUTION = "property-company"

pytest.importorskip("epireport_property_company")


def _recorder(calls: list[str]) -> types.ModuleType:
    """A plugin module with a pass-through ``wrapper=True`` implementation of every hook."""
    module = types.ModuleType("epireport_recorder")
    for name in HOOKS:
        parameters = list(inspect.signature(getattr(hookspecs, name)).parameters)
        source = (
            f"def {name}({', '.join(parameters)}):\n"
            f"    calls.append({name!r})\n"
            f"    return (yield)\n"
        )
        namespace: dict[str, Any] = {"calls": calls}
        exec(source, namespace)
        setattr(module, name, hookimpl(wrapper=True)(namespace[name]))
    return module


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Install the recorder as an entry point next to the installed plugins."""
    recorded: list[str] = []
    monkeypatch.setitem(sys.modules, "epireport_recorder", _recorder(recorded))
    installed = _manager.discover_entry_points()
    recorder = importlib.metadata.EntryPoint(
        name="zz-recorder", value="epireport_recorder", group="epireport"
    )
    monkeypatch.setattr(_manager, "discover_entry_points", lambda: [*installed, recorder])
    monkeypatch.setenv("EPIREPORT_STRICT_PLUGINS", "1")
    monkeypatch.delenv("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("EPIREPORT_LOAD_PLUGINS", raising=False)
    return recorded


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The reference institution's example data as a file of its own."""
    source = Plugins.create().institution(INSTITUTION).example
    assert source is not None
    target = tmp_path / f"example{source.suffix}"
    shutil.copyfile(source, target)
    return target


def _scenarios(example: Path, tmp_path: Path) -> Iterator[tuple[str, Callable[[], object]]]:
    text = tmp_path / "summary.txt"
    yield "epireport render", lambda: main(["render", str(example), "-o", str(text)])
    yield "epireport check", lambda: main(["check", str(example)])
    yield "epireport lint", lambda: main(["lint", str(text)])
    db = str(tmp_path / "store.sqlite")
    yield "epireport ingest", lambda: main(["ingest", "--db", db, str(example)])
    yield "epireport plugins", lambda: main(["plugins"])
    yield "epireport.render_report", lambda: epireport.render_report(example)
    yield (
        "Plugins.indicator_set",
        lambda: Plugins.create().indicator_set("property-prevention"),
    )


def test_every_hook_is_reached_from_a_public_entry_point(
    calls: list[str], example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each hookspec is invoked by a CLI command or an API call, through a wrapper."""
    reached: dict[str, set[str]] = {}
    for what, run in _scenarios(example, tmp_path):
        calls.clear()
        result = run()
        assert result in (0, None) or not isinstance(result, int), (what, capsys.readouterr())
        for hook in calls:
            reached.setdefault(hook, set()).add(what)
    capsys.readouterr()
    assert sorted(reached) == HOOKS, f"not reached: {sorted(set(HOOKS) - set(reached))}"
    # The functional paths, not only the listing, reach the loaders and the stages.
    for command in ("epireport render", "epireport check", "epireport ingest"):
        assert command in reached["epireport_select_input_loader"]
        assert command in reached["epireport_register_input_loaders"]
        assert command in reached["epireport_register_stages"]
    assert "epireport render" in reached["epireport_register_validation_rules"]
    assert "epireport render" in reached["epireport_prepare_environment"]
    assert "epireport lint" in reached["epireport_register_lint_rules"]


# ------------------------------------------------------------------------------ wrappers


def _extra_records() -> dict[str, Any]:
    indicator_set = IndicatorSet(
        code="wrapped-set",
        title="包装指标",
        indicators=(Indicator(code="wrapped", name="包装", classifier="次"),),
    )
    return {
        "institutions": Institution(
            code="wrapped", title="包装单位", indicator_sets=[indicator_set]
        ),
        "indicator_sets": IndicatorSet(
            code="wrapped-alone",
            title="单独",
            indicators=(Indicator(code="alone", name="单独", classifier="次"),),
        ),
        "formats": ReportFormat(
            code="wrapped",
            title="包装格式",
            suffix=".txt",
            media_type="text/plain",
            binary=False,
            render=lambda document, options: "",
        ),
        "templates": TemplateSource("wrapped", loader=jinja2.DictLoader({})),
        "input_loaders": InputLoader(
            code="wrapped", suffixes=[".wrapped"], load=lambda path, context: None
        ),
        "lint_rules": LintRule(
            id="EPI999", severity="warning", description="包装", check=lambda document: ()
        ),
        "stages": Period.stage("包装阶段", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
    }


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.attribute)
def test_a_wrapper_sees_every_record_and_can_add_one(registry: Any) -> None:
    """A ``wrapper=True`` implementation receives all plugins' results, and what it adds counts."""
    extra = _extra_records()[registry.attribute]
    seen: list[int] = []

    def wrap() -> Generator[None, list[list[Any]], list[list[Any]]]:
        results = yield
        seen.append(sum(len(list(r)) for r in results))
        return [*results, [extra]]

    wrapper = types.SimpleNamespace(**{registry.hook: hookimpl(wrapper=True)(wrap)})
    method = "template_sources" if registry.attribute == "templates" else registry.attribute
    with registered(wrapper) as plugins:
        found = getattr(plugins, method)()
        if not isinstance(found, dict | types.MappingProxyType):
            found = {registry.key(record): record for record in found}
        assert registry.key(extra) in found
        plugins.describe()  # a record no single plugin gave does not break the listing
    expected = len(getattr(Plugins.create(autoload=False), method)())
    if registry.attribute != "indicator_sets":  # the built-ins bundle sets in no institution
        assert seen == [expected], "the wrapper saw every record the plugins registered"
    assert len(found) == expected + 1


def test_a_wrapper_of_validation_rules_sees_the_institution() -> None:
    """The per-institution registry honours wrappers too."""
    extra = ValidationRule(code="wrapped", left="a", operator="<=", right="b")
    received: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def epireport_register_validation_rules(
            self, institution: Institution
        ) -> Generator[None, list[list[Any]], list[list[Any]]]:
            results = yield
            received.append(institution.code)
            return [*results, [extra]]

    class Registers:
        @hookimpl
        def epireport_register_institutions(self) -> list[Institution]:
            return [_extra_records()["institutions"]]

    with registered(Registers(), Wrapper()) as plugins:
        rules = plugins.validation_rules("wrapped")
    assert extra in rules
    assert received == ["wrapped"]


def test_a_wrapper_wraps_each_plugins_environment_preparation() -> None:
    """prepare_environment keeps load order and still passes through wrappers."""
    order: list[str] = []

    class First:
        @hookimpl
        def epireport_prepare_environment(self, env: jinja2.Environment) -> None:
            order.append("first")

    class Second:
        @hookimpl
        def epireport_prepare_environment(self, env: jinja2.Environment) -> None:
            order.append("second")

    class Wrapper:
        @hookimpl(wrapper=True)
        def epireport_prepare_environment(
            self, env: jinja2.Environment
        ) -> Generator[None, None, None]:
            order.append("wrap")
            return (yield)

    with registered(First(), Second(), Wrapper()) as plugins:
        plugins.prepare_environment(jinja2.Environment(autoescape=False))
    assert order == ["wrap", "first", "wrap", "second"]
