import importlib.metadata
import sys
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport import _manager
from epireport._builtins import BUILTIN_PLUGINS
from epireport._plugins import (
    EpireportPluginManager,
    PluginKind,
    Plugins,
    discover_entry_points,
    hookimpl,
    make_plugin_manager,
)
from epireport.aggregate._rules import ValidationRule
from epireport.exceptions import EpireportPluginWarning, PluginError, UsageError
from epireport.io._loaders import InputLoader, LoadContext
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.narrative._templates import TemplateSource
from epireport.render._formats import ReportFormat
from epireport.testing._manager import plugin_manager, registered

#: what the factory registers before any entry point (others append built-ins here over time)
BUILTINS = ["epireport." + module.rpartition(".")[2] for module in BUILTIN_PLUGINS]
ENV_VARS = (
    "EPIREPORT_STRICT_PLUGINS",
    "EPIREPORT_LOAD_PLUGINS",
    "EPIREPORT_DISABLE_PLUGIN_AUTOLOAD",
    "EPIREPORT_TRACE_PLUGINS",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


# ------------------------------------------------------------------------------ helpers


def indicator_set(name: str = "fake-set", title: str = "测试指标") -> IndicatorSet:
    return IndicatorSet(
        code=name,
        title=title,
        indicators=[Indicator(code="leaflets", name="宣传单", classifier="张")],
    )


def institution(
    name: str = "fake", title: str = "测试单位", set_name: str = "fake-set"
) -> Institution:
    return Institution(code=name, title=title, indicator_sets=[indicator_set(set_name)])


def report_format(name: str = "fake-format") -> ReportFormat:
    return ReportFormat(
        code=name,
        title="测试格式",
        suffix=".txt",
        media_type="text/plain",
        binary=False,
        render=lambda document, options: "",
    )


class Registers:
    """A plugin registering whatever records it is given, by hook."""

    def __init__(self, **records: Iterable[Any]) -> None:
        self.records = {key: list(value) for key, value in records.items()}

    @hookimpl
    def epireport_register_institutions(self) -> list[Any]:
        return self.records.get("institutions", [])

    @hookimpl
    def epireport_register_indicator_sets(self) -> list[Any]:
        return self.records.get("indicator_sets", [])

    @hookimpl
    def epireport_register_formats(self) -> list[Any]:
        return self.records.get("formats", [])

    @hookimpl
    def epireport_register_templates(self) -> list[Any]:
        return self.records.get("templates", [])

    @hookimpl
    def epireport_register_stages(self) -> list[Any]:
        return self.records.get("stages", [])

    @hookimpl
    def epireport_register_lint_rules(self) -> list[Any]:
        return self.records.get("lint_rules", [])

    @hookimpl
    def epireport_register_input_loaders(self) -> list[Any]:
        return self.records.get("input_loaders", [])


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **hooks: Callable[..., Any]) -> None:
    """Make *name* importable as a module whose attributes are the given hook functions."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, function)
    monkeypatch.setitem(sys.modules, name, module)


def fake_distribution(
    tmp_path: Path, name: str, entry_points: dict[str, str], version: str = "1.0"
) -> importlib.metadata.Distribution:
    """Write a dist-info directory declaring *entry_points* in the ``epireport`` group."""
    info = tmp_path / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = "".join(f"{ep} = {target}\n" for ep, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[epireport]\n{lines}", encoding="utf-8")
    return importlib.metadata.PathDistribution(info)


def use_entry_points(
    monkeypatch: pytest.MonkeyPatch, *distributions: importlib.metadata.Distribution
) -> None:
    """Make discovery see exactly the entry points of *distributions*, in the order given."""
    eps = [ep for dist in distributions for ep in dist.entry_points]

    def entry_points(**params: Any) -> list[importlib.metadata.EntryPoint]:
        assert params == {"group": "epireport"}
        return eps

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)


def names(pm: EpireportPluginManager) -> list[str]:
    return [name for name, plugin in pm.list_name_plugin() if plugin is not None]


def institution_hook(*records: Institution) -> Callable[[], list[Institution]]:
    @hookimpl
    def epireport_register_institutions() -> list[Institution]:
        return list(records)

    return epireport_register_institutions


# ------------------------------------------------------------------------------ load order


def test_load_order_builtins_then_entry_points_by_name_then_explicit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built-ins come first, then entry points sorted by name, then explicit plugins in order."""
    for module in ("fake_zeta", "fake_alpha", "fake_mid"):
        fake_module(monkeypatch, module)
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-zeta", {"zeta": "fake_zeta"}),
        fake_distribution(tmp_path, "epireport-alpha", {"alpha": "fake_alpha", "mid": "fake_mid"}),
    )
    first, second = Registers(), Registers()
    pm = make_plugin_manager(plugins=[first, second], autoload=True, strict=True)
    explicit = ["Registers", "Registers#2"]
    assert names(pm) == [*BUILTINS, "alpha", "mid", "zeta", *explicit]
    assert pm.origin("alpha").kind is PluginKind.ENTRY_POINT
    assert pm.origin("epireport.loaders").kind is PluginKind.BUILTIN
    assert pm.origin(explicit[1]).kind is PluginKind.EXPLICIT


@given(st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), min_size=1, max_size=6, unique=True))
def test_entry_points_load_sorted_whatever_the_discovery_order(ep_names: list[str]) -> None:
    """Whatever order the installed distributions list them in, entry points load by name."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for ep_name in ep_names:
            fake_module(monkeypatch, f"fake_sorted_{ep_name}")
        eps = [
            importlib.metadata.EntryPoint(name=n, value=f"fake_sorted_{n}", group="epireport")
            for n in ep_names
        ]
        monkeypatch.setattr(importlib.metadata, "entry_points", lambda **params: eps)
        pm = make_plugin_manager(autoload=True, strict=True)
    assert names(pm) == [*BUILTINS, *sorted(ep_names)]


def test_discovery_sorts_by_name_then_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery returns entry points by name, one name in two distributions by distribution."""
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-b", {"same": "b_mod", "first": "f_mod"}),
        fake_distribution(tmp_path, "epireport-a", {"same": "a_mod"}),
    )
    assert [(ep.name, ep.value) for ep in discover_entry_points()] == [
        ("first", "f_mod"),
        ("same", "a_mod"),
        ("same", "b_mod"),
    ]


def test_one_entry_point_name_in_two_distributions_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two distributions claiming one entry-point name is an error naming both in strict mode."""
    fake_module(monkeypatch, "fake_same_a")
    fake_module(monkeypatch, "fake_same_b")
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-a", {"same": "fake_same_a"}),
        fake_distribution(tmp_path, "epireport-b", {"same": "fake_same_b"}),
    )
    with pytest.raises(PluginError, match=r"epireport-b.*already used by.*epireport-a"):
        make_plugin_manager(autoload=True, strict=True)


def test_every_call_builds_a_new_manager() -> None:
    """There is no global manager: registering into one leaves the next one untouched."""
    first = make_plugin_manager(autoload=False, strict=True)
    first.register(Registers(institutions=[institution()]))
    second = make_plugin_manager(autoload=False, strict=True)
    assert first is not second
    assert names(second) == BUILTINS
    assert "fake" not in Plugins(second).institutions()


# ------------------------------------------------------------------------------ environment


def test_disable_autoload_env_loads_no_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EPIREPORT_DISABLE_PLUGIN_AUTOLOAD=1 leaves out every entry point but not the built-ins."""
    fake_module(monkeypatch, "fake_auto")
    use_entry_points(
        monkeypatch, fake_distribution(tmp_path, "epireport-auto", {"auto": "fake_auto"})
    )
    monkeypatch.setenv("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert names(make_plugin_manager(strict=True)) == BUILTINS
    assert names(make_plugin_manager(strict=True, autoload=True)) == [*BUILTINS, "auto"]


@pytest.mark.parametrize("wanted", ["b", "epireport-b", " b , nothing-else-matters"])
def test_load_plugins_env_loads_only_the_named(
    wanted: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EPIREPORT_LOAD_PLUGINS names entry points or distributions; the others are not loaded."""
    fake_module(monkeypatch, "fake_a")
    fake_module(monkeypatch, "fake_b")
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-a", {"a": "fake_a"}),
        fake_distribution(tmp_path, "epireport-b", {"b": "fake_b"}),
    )
    monkeypatch.setenv("EPIREPORT_LOAD_PLUGINS", wanted)
    if "nothing-else-matters" in wanted:
        with pytest.warns(EpireportPluginWarning, match="'nothing-else-matters'.*installed: a, b"):
            pm = make_plugin_manager(autoload=True)
    else:
        pm = make_plugin_manager(autoload=True, strict=True)
    assert names(pm) == [*BUILTINS, "b"]


def test_strict_env_turns_a_broken_plugin_into_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EPIREPORT_STRICT_PLUGINS=1 raises where a warning would otherwise be given."""
    use_entry_points(
        monkeypatch, fake_distribution(tmp_path, "epireport-broken", {"broken": "no_such_mod"})
    )
    monkeypatch.setenv("EPIREPORT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="no_such_mod"):
        make_plugin_manager(autoload=True)


def test_bad_env_value_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A switch set to something other than 1/0 (true/false ...) is refused, naming it."""
    monkeypatch.setenv("EPIREPORT_STRICT_PLUGINS", "maybe")
    with pytest.raises(UsageError, match="EPIREPORT_STRICT_PLUGINS='maybe'"):
        make_plugin_manager(autoload=False)


def test_trace_env_prints_hook_calls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """EPIREPORT_TRACE_PLUGINS=1 writes every hook call to stderr."""
    monkeypatch.setenv("EPIREPORT_TRACE_PLUGINS", "1")
    Plugins(make_plugin_manager(autoload=False, strict=True)).input_loaders()
    err = capsys.readouterr().err
    assert "epireport_register_input_loaders" in err
    assert "finish" in err


# ------------------------------------------------------------------------------ broken plugins


def test_unimportable_plugin_warns_naming_entry_point_and_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry point that fails to import is skipped with a warning naming it and its dist."""
    fake_module(
        monkeypatch, "fake_good", epireport_register_institutions=institution_hook(institution())
    )
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-broken", {"broken": "no_such_mod:plugin"}, "2.5"),
        fake_distribution(tmp_path, "epireport-good", {"good": "fake_good"}),
    )
    with pytest.warns(EpireportPluginWarning) as caught:
        pm = make_plugin_manager(autoload=True, strict=False)
    (message,) = [str(w.message) for w in caught]
    assert "'broken = no_such_mod:plugin'" in message
    assert "epireport-broken 2.5" in message
    assert "ModuleNotFoundError" in message
    assert "EPIREPORT_STRICT_PLUGINS=1" in message
    assert names(pm) == [*BUILTINS, "good"]
    assert list(Plugins(pm).institutions()) == ["fake"]


def test_unimportable_plugin_is_an_error_when_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In strict mode the same failure is a PluginError naming entry point and distribution."""
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-broken", {"broken": "no_such_mod:plugin"}),
    )
    with pytest.raises(
        PluginError, match=r"'broken = no_such_mod:plugin' of distribution epireport-broken 1\.0"
    ):
        make_plugin_manager(autoload=True, strict=True)


def test_plugin_failing_registration_is_skipped_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry point whose hooks are malformed is skipped (not half-registered) when lenient."""

    @hookimpl
    def epireport_register_institutions(extra=None):  # type: ignore[no-untyped-def]
        return []

    fake_module(
        monkeypatch,
        "fake_defaults",
        epireport_register_institutions=epireport_register_institutions,
    )
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-defaults", {"defaults": "fake_defaults"}),
    )
    with pytest.warns(EpireportPluginWarning, match=r"epireport-defaults.*'extra' a default"):
        pm = make_plugin_manager(autoload=True, strict=False)
    assert names(pm) == BUILTINS


# ------------------------------------------------------------------------------ hookimpl checks


class WithDefault:
    @hookimpl
    def epireport_register_validation_rules(self, institution=None):  # type: ignore[no-untyped-def]
        return []


class WithKwargs:
    @hookimpl
    def epireport_register_validation_rules(self, **kwargs):  # type: ignore[no-untyped-def]
        return []


class WithArgs:
    @hookimpl
    def epireport_register_validation_rules(self, *args):  # type: ignore[no-untyped-def]
        return []


class WithKeywordOnly:
    @hookimpl
    def epireport_register_validation_rules(self, *, institution):  # type: ignore[no-untyped-def]
        return []


class OldStyleWrapper:
    @hookimpl(hookwrapper=True)
    def epireport_register_formats(self):  # type: ignore[no-untyped-def]
        yield


@pytest.mark.parametrize(
    ("plugin", "problem"),
    [
        (WithDefault(), "gives the argument 'institution' a default value"),
        (WithKwargs(), r"takes \*\*kwargs"),
        (WithArgs(), r"takes \*args"),
        (WithKeywordOnly(), "keyword-only argument 'institution'"),
        (OldStyleWrapper(), "wrapper=True"),
    ],
)
def test_malformed_hookimpls_are_rejected_at_registration(plugin: object, problem: str) -> None:
    """Defaults, *args, **kwargs, keyword-only arguments and old wrappers are refused by name."""
    plugin_name = type(plugin).__name__
    with pytest.raises(PluginError, match=problem) as caught:
        plugin_manager(plugin)
    assert plugin_name in str(caught.value)
    assert "epireport_register" in str(caught.value)


def test_argument_not_in_the_hookspec_is_rejected() -> None:
    """A hookimpl asking for an argument the hook does not pass is refused, naming both."""

    class AsksTooMuch:
        @hookimpl
        def epireport_register_formats(self, institution):  # type: ignore[no-untyped-def]
            return []

    with pytest.raises(PluginError, match=r"AsksTooMuch.*epireport_register_formats.*institution"):
        plugin_manager(AsksTooMuch())


def test_misspelled_hook_fails_loudly_even_when_lenient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook name that does not exist is an error suggesting the right one, strict or not."""

    @hookimpl
    def epireport_register_institution() -> list[Institution]:
        return []

    fake_module(
        monkeypatch, "fake_typo", epireport_register_institution=epireport_register_institution
    )
    use_entry_points(
        monkeypatch, fake_distribution(tmp_path, "epireport-typo", {"typo": "fake_typo"})
    )
    with pytest.raises(PluginError) as caught:
        make_plugin_manager(autoload=True, strict=False)
    message = str(caught.value)
    assert "'epireport_register_institution'" in message
    assert "did you mean 'epireport_register_institutions'" in message
    assert "epireport-typo" in message


def test_optional_unknown_hook_is_accepted() -> None:
    """A hook of a newer epireport marked optionalhook=True does not stop the plugin."""

    class FromTheFuture:
        @hookimpl(optionalhook=True)
        def epireport_register_time_machines(self) -> list[object]:
            return []

    assert "FromTheFuture" in names(plugin_manager(FromTheFuture()))


# ------------------------------------------------------------------------------ duplicates


@pytest.mark.parametrize(
    ("records", "what"),
    [
        ({"institutions": [institution()]}, "institution 'fake'"),
        ({"formats": [report_format()]}, "format 'fake-format'"),
        ({"indicator_sets": [indicator_set()]}, "indicator set 'fake-set'"),
    ],
)
def test_duplicate_names_across_plugins_name_both_plugins(
    records: dict[str, list[Any]], what: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two plugins registering one name is a PluginError naming both, never a silent winner."""
    hook_name = f"epireport_register_{next(iter(records))}"

    def hook() -> list[Any]:
        return next(iter(records.values()))

    hook.__name__ = hook_name
    fake_module(monkeypatch, "fake_one", **{hook_name: hookimpl(hook)})
    use_entry_points(monkeypatch, fake_distribution(tmp_path, "epireport-one", {"one": "fake_one"}))
    pm = make_plugin_manager(plugins=[Registers(**records)], autoload=True, strict=True)
    plugins = Plugins(pm)
    lookup = {
        "institutions": plugins.institutions,
        "formats": plugins.formats,
        "indicator_sets": plugins.indicator_sets,
    }[next(iter(records))]
    with pytest.raises(PluginError) as caught:
        lookup()
    message = str(caught.value)
    assert what in message
    assert "plugin 'one'" in message
    assert "epireport-one 1.0" in message
    assert "Registers" in message


def test_institution_bundling_a_registered_set_is_not_a_duplicate() -> None:
    """A set registered on its own and bundled unchanged in an institution counts once."""
    shared = indicator_set()
    with registered(
        Registers(indicator_sets=[shared]), Registers(institutions=[institution()])
    ) as plugins:
        assert list(plugins.indicator_sets()) == ["fake-set"]
        assert plugins.indicator_set("fake-set") == shared


def test_institution_bundling_a_different_set_of_a_taken_name_is_an_error() -> None:
    """An institution whose bundled set differs from the registered one of that name is refused."""
    other = indicator_set(title="另一个")
    with (
        registered(
            Registers(indicator_sets=[other]), Registers(institutions=[institution()])
        ) as plugins,
        pytest.raises(PluginError, match=r"indicator set 'fake-set'.*institution 'fake'"),
    ):
        plugins.indicator_sets()


def test_describe_does_not_fail_on_duplicates() -> None:
    """``describe`` still lists both plugins when they conflict, so the user can see who clashes."""
    with registered(
        Registers(formats=[report_format()]), Registers(formats=[report_format()])
    ) as plugins:
        described = [d for d in plugins.describe() if "fake-format" in d.formats]
    assert [d.name for d in described] == ["Registers", "Registers#2"]


# ------------------------------------------------------------------------------ the facade


def test_unknown_institution_lists_the_known_ones() -> None:
    """Asking for an unknown institution is a UsageError with the installed names and a guess."""
    with registered(Registers(institutions=[institution("district-publicity", "区委宣传部")])) as p:
        with pytest.raises(
            UsageError, match=r"'district-publicty'.*did you mean 'district-publicity'"
        ):
            p.institution("district-publicty")
        assert p.institution("district-publicity").title == "区委宣传部"


def test_unknown_name_with_none_installed_says_so() -> None:
    """With no institutions installed, the error says none are, instead of an empty list."""
    with pytest.raises(UsageError, match=r"Installed: none \(install a plugin"):
        Plugins(plugin_manager()).institution("district-publicity")


def test_unknown_format_lists_the_known_ones() -> None:
    """Asking for an unknown format is a UsageError listing the installed formats."""
    with registered(Registers(formats=[report_format()])) as plugins:
        assert plugins.format("fake-format").title == "测试格式"
        with pytest.raises(UsageError, match=r"unknown format 'wechat'.*fake-format"):
            plugins.format("wechat")


def test_hook_returning_a_single_record_is_rejected() -> None:
    """A register hook must return a list; a bare record is refused naming plugin and hook."""

    class Bare:
        @hookimpl
        def epireport_register_formats(self) -> ReportFormat:
            return report_format()

    with (
        registered(Bare()) as plugins,
        pytest.raises(PluginError, match=r"Bare.*must return a list"),
    ):
        plugins.formats()


def test_hook_returning_the_wrong_record_type_is_rejected() -> None:
    """A register hook returning something else than its record type is refused."""
    with (
        registered(Registers(formats=["markdown"])) as plugins,
        pytest.raises(PluginError, match="'markdown', which is not a ReportFormat"),
    ):
        plugins.formats()


def test_hook_raising_names_the_plugin() -> None:
    """An exception inside a plugin's hook becomes a PluginError naming that plugin."""

    class Raises:
        @hookimpl
        def epireport_register_institutions(self) -> list[Institution]:
            raise RuntimeError("boom")

    with (
        registered(Raises()) as plugins,
        pytest.raises(PluginError, match=r"Raises.*RuntimeError: boom"),
    ):
        plugins.institutions()


def test_results_are_cached_per_plugins_instance() -> None:
    """A Plugins object calls each register hook once; a new one sees newly registered plugins."""
    calls: list[int] = []

    class Counting:
        @hookimpl
        def epireport_register_institutions(self) -> list[Institution]:
            calls.append(1)
            return [institution()]

    pm = plugin_manager(Counting())
    plugins = Plugins(pm)
    assert plugins.institutions() is plugins.institutions()
    plugins.describe()
    assert len(calls) == 1


def test_stages_must_be_named_stages() -> None:
    """Stages are registered by name; a calendar period is refused."""
    stage = Period.parse("第一阶段:2020-01-23/2020-02-29")
    with registered(Registers(stages=[stage])) as plugins:
        assert plugins.stages() == {"第一阶段": stage}
    with (
        registered(Registers(stages=[Period.parse("202002")])) as plugins,
        pytest.raises(PluginError, match="only named stages"),
    ):
        plugins.stages()


def test_validation_rules_are_filtered_by_institution() -> None:
    """Rules naming another institution are dropped; rules for all or this one are kept."""

    class Rules:
        @hookimpl
        def epireport_register_validation_rules(
            self, institution: Institution
        ) -> list[ValidationRule]:
            return [
                ValidationRule(code="all", left="a", operator="<=", right="b"),
                ValidationRule(code="mine", left="a", operator="<", right="b", institution="fake"),
                ValidationRule(code="other", left="a", operator=">", right="b", institution="x"),
                ValidationRule(code=f"for-{institution.code}", left="a", operator="==", right="b"),
            ]

    with registered(Registers(institutions=[institution()]), Rules()) as plugins:
        rules = plugins.validation_rules("fake")
        # The built-in rules (non-negative counts, parts within wholes) come first.
        ours = [r.code for r in rules if r.code in {"all", "mine", "other", "for-fake"}]
        assert ours == ["all", "mine", "for-fake"]
        assert plugins.validation_rules(plugins.institution("fake")) is rules


def test_prepare_environment_runs_in_load_order() -> None:
    """Later plugins prepare the environment after earlier ones, so they can override them."""

    class Sets:
        def __init__(self, value: str) -> None:
            self.value = value

        @hookimpl
        def epireport_prepare_environment(
            self, env: jinja2.Environment, institution: Institution | None
        ) -> None:
            env.globals["who"] = self.value
            env.globals.setdefault("seen", []).append(
                (self.value, institution and institution.code)
            )

    env = jinja2.Environment(autoescape=False)
    with registered(Registers(institutions=[institution()]), Sets("first"), Sets("second")) as p:
        p.prepare_environment(env, "fake")
    assert env.globals["who"] == "second"
    assert env.globals["seen"] == [("first", "fake"), ("second", "fake")]


def test_template_precedence_priority_then_later_plugin() -> None:
    """Higher priority wins; among equal priorities the later plugin's source comes first."""
    low = TemplateSource("low", loader=jinja2.DictLoader({"a.j2": "low"}), priority=-1)
    base = TemplateSource("base", loader=jinja2.DictLoader({"a.j2": "base"}))
    later = TemplateSource("later", loader=jinja2.DictLoader({"a.j2": "later"}))
    high = TemplateSource("high", loader=jinja2.DictLoader({"b.j2": "high"}), priority=5)
    with registered(Registers(templates=[low, base]), Registers(templates=[later, high])) as p:
        assert [s.code for s in p.template_sources()] == ["high", "later", "base", "low"]
        env = jinja2.Environment(loader=p.template_loader(), autoescape=False)
        assert env.get_template("a.j2").render() == "later"
        assert env.get_template("low::a.j2").render() == "low"


def test_override_extends_one_block_of_the_reference_template() -> None:
    """An agency source overrides one block by extending the reference through its prefix."""
    reference = TemplateSource(
        "reference",
        loader=jinja2.DictLoader(
            {
                "r/report.j2": "{% block head %}一、高度重视{% endblock %}|"
                "{% block next %}下一步{% endblock %}"
            }
        ),
    )
    agency = TemplateSource(
        "agency",
        loader=jinja2.DictLoader(
            {
                "r/report.j2": '{% extends "reference::r/report.j2" %}'
                "{% block next %}下一步工作打算{% endblock %}"
            }
        ),
        priority=10,
    )
    with registered(Registers(templates=[agency]), Registers(templates=[reference])) as p:
        env = jinja2.Environment(loader=p.template_loader(), autoescape=False)
        assert env.get_template("r/report.j2").render() == "一、高度重视|下一步工作打算"


def test_builtin_loader_selection_by_suffix(tmp_path: Path) -> None:
    """The built-in fallback picks YAML or JSON by suffix, ignoring case, and refuses others."""
    plugins = Plugins(plugin_manager())
    assert plugins.input_loader_for("report.YML").code == "yaml"
    assert plugins.input_loader_for(tmp_path / "r.json").code == "json"
    with pytest.raises(UsageError, match=r"'r\.unknown'.*yaml \(\.yaml, \.yml\); json \(\.json\)"):
        plugins.input_loader_for("r.unknown")


def test_plugin_selection_wins_over_the_builtin_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin's select hook is asked before the trylast built-in and its loader is used."""
    loaded: list[tuple[Path, Institution | None]] = []
    report = ReportInput(institution="fake", unit="u", period=Period.parse("20200201"))

    def load(path: Path, context: LoadContext) -> Any:
        loaded.append((path, context.institution))
        return report

    daily = InputLoader(code="daily", suffixes=[".yaml"], load=load)

    class Daily:
        @hookimpl
        def epireport_register_input_loaders(self) -> list[InputLoader]:
            return [daily]

        @hookimpl
        def epireport_select_input_loader(
            self, path: Path, loaders: list[InputLoader]
        ) -> InputLoader | None:
            return (
                next((lo for lo in loaders if lo.code == "daily"), None)
                if "日报" in path.name
                else None
            )

    with registered(Daily(), Registers(institutions=[institution()])) as plugins:
        assert plugins.input_loader_for("日报.yaml") is daily
        assert plugins.input_loader_for("总结.yaml").code == "yaml"
        assert plugins.load_input("日报.yaml", "fake") is report
    assert loaded == [(Path("日报.yaml"), institution())]


def test_a_loader_returning_something_else_is_a_plugin_error() -> None:
    """A loader must return a ReportInput or a Batch; anything else names the loader."""
    odd = InputLoader(code="odd", suffixes=[".odd"], load=lambda path, context: "text")

    with (
        registered(Registers(input_loaders=[odd])) as plugins,
        pytest.raises(PluginError, match=r"input loader 'odd' returned 'text'"),
    ):
        plugins.load_input("a.odd")


def test_builtin_yaml_loader_delegates_to_load_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in loaders hand the path and institution to ``io._load.load_report``."""
    import epireport.io._load as load_module

    calls: list[tuple[object, object, object]] = []
    report = ReportInput(institution="fake", unit="u", period=Period.parse("20200201"))

    def fake_load_report(data: object, *, institution: object = None, name: object = None) -> Any:
        calls.append((data, institution, name))
        return report

    monkeypatch.setattr(load_module, "read_mapping", lambda path: {"read": str(path)})
    monkeypatch.setattr(load_module, "load_report", fake_load_report)
    with registered(Registers(institutions=[institution()])) as plugins:
        assert plugins.load_input("in.yaml", "fake") is report
    assert calls == [({"read": "in.yaml"}, institution(), "in.yaml")]


def test_describe_names_distribution_registrations_and_hooks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """describe() gives each plugin's origin, what it registers and which hooks it implements."""
    fake_module(
        monkeypatch,
        "fake_described",
        epireport_register_institutions=institution_hook(institution()),
    )
    use_entry_points(
        monkeypatch,
        fake_distribution(tmp_path, "epireport-described", {"described": "fake_described"}, "3.1"),
    )
    described = {d.name: d for d in Plugins.create(autoload=True, strict=True).describe()}
    entry = described["described"]
    assert (entry.kind, entry.distribution, entry.version) == (
        PluginKind.ENTRY_POINT,
        "epireport-described",
        "3.1",
    )
    assert dict(entry.institutions) == {"fake": "测试单位"}
    assert dict(entry.indicator_sets) == {"fake-set": "测试指标"}
    assert entry.hooks == ("epireport_register_institutions",)
    loaders = described["epireport.loaders"]
    assert loaders.kind is PluginKind.BUILTIN
    assert set(loaders.input_loaders) == {"yaml", "json", "dhis2", "csv", "form"}
    assert loaders.as_dict()["kind"] == "builtin"


def test_env_is_read_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing an environment variable affects the next manager, not a cached setting."""
    monkeypatch.setenv("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setattr(_manager, "discover_entry_points", lambda: pytest.fail("autoload ran"))
    make_plugin_manager(strict=True)
    monkeypatch.setenv("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", "0")
    monkeypatch.setattr(_manager, "discover_entry_points", list)
    assert names(make_plugin_manager(strict=True)) == BUILTINS


# ------------------------------------------------------------------------------ testing helpers


def test_registered_unregisters_after_the_block() -> None:
    """registered() removes its plugins on a normal exit, leaving the manager as it was."""
    pm = plugin_manager()
    before = names(pm)
    with registered(pm, Registers(institutions=[institution()])) as plugins:
        assert "fake" in plugins.institutions()
    assert names(pm) == before
    assert "fake" not in Plugins(pm).institutions()


def test_registered_unregisters_when_the_block_raises() -> None:
    """registered() removes its plugins even when the with-block raises."""
    pm = plugin_manager()
    plugin = Registers()
    with pytest.raises(ZeroDivisionError), registered(pm, plugin):
        1 / 0  # noqa: B018
    assert not pm.is_registered(plugin)


def test_registered_unregisters_when_a_later_plugin_is_refused() -> None:
    """If the second plugin is refused, the first one is unregistered again."""
    pm = plugin_manager()
    first = Registers()
    with pytest.raises(PluginError), registered(pm, first, WithKwargs()):
        pytest.fail("the block must not run")
    assert not pm.is_registered(first)
    assert names(pm) == BUILTINS


def test_registered_accepts_a_plugins_facade_and_checks_hook_names() -> None:
    """registered() takes a Plugins too, and a misspelled hook fails before the block runs."""

    class Typo:
        @hookimpl
        def epireport_register_format(self) -> list[ReportFormat]:
            return []

    plugins = Plugins(plugin_manager())
    with (
        pytest.raises(PluginError, match="did you mean 'epireport_register_formats'"),
        registered(plugins, Typo()),
    ):
        pytest.fail("the block must not run")
    assert names(plugins.manager) == BUILTINS


def test_test_plugin_manager_is_strict_and_skips_entry_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test manager never autoloads and raises on a broken explicit plugin."""
    monkeypatch.setattr(_manager, "discover_entry_points", lambda: pytest.fail("autoload ran"))
    assert names(plugin_manager()) == BUILTINS
    with pytest.raises(PluginError):
        plugin_manager(WithDefault())
