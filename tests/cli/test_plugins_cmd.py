import importlib.metadata
import json
import sys
import types
from pathlib import Path

import pytest

from epireport._builtins import BUILTIN_PLUGINS
from epireport._plugins import hookimpl
from epireport.cli import main
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution

FAKE = Institution(
    code="fake-institution",
    title="测试单位",
    indicator_sets=[
        IndicatorSet(
            code="fake-set",
            title="测试指标",
            indicators=[Indicator(code="masks", name="口罩", classifier="只")],
        )
    ],
)


@hookimpl
def epireport_register_institutions() -> list[Institution]:
    return [FAKE]


@pytest.fixture(autouse=True)
def _one_fake_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the installed plugins by one fake distribution, strict."""
    for name in (
        "EPIREPORT_LOAD_PLUGINS",
        "EPIREPORT_DISABLE_PLUGIN_AUTOLOAD",
        "EPIREPORT_TRACE_PLUGINS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EPIREPORT_STRICT_PLUGINS", "1")
    module = types.ModuleType("fake_cli_plugin")
    module.epireport_register_institutions = epireport_register_institutions  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_cli_plugin", module)
    info = tmp_path / "epireport_fake-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: epireport-fake\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text("[epireport]\nfake = fake_cli_plugin\n")
    eps = list(importlib.metadata.PathDistribution(info).entry_points)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **params: eps)


def test_plugins_lists_each_plugin_with_what_it_registers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``epireport plugins`` prints every plugin, its distribution, registrations and hooks."""
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "epireport.loaders  [builtin, epireport " in out
    assert "  input loaders: dhis2 (.json), yaml (.yaml .yml), json (.json), csv (.csv), " in out
    assert "fake  [entry point, epireport-fake 0.3]" in out
    assert "  institutions: fake-institution (测试单位)" in out
    assert "  indicator sets: fake-set (测试指标)" in out
    assert "  hooks: epireport_register_institutions" in out
    assert out.rstrip().endswith(f"{len(BUILTIN_PLUGINS) + 1} plugins (1 not built in)")


def test_plugins_json(capsys: pytest.CaptureFixture[str]) -> None:
    """``--json`` prints one object per plugin, in load order, with the same facts."""
    assert main(["plugins", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in data][-1] == "fake"
    assert [d["kind"] for d in data] == ["builtin"] * len(BUILTIN_PLUGINS) + ["entry point"]
    fake = data[-1]
    assert fake["kind"] == "entry point"
    assert (fake["distribution"], fake["version"]) == ("epireport-fake", "0.3")
    assert fake["institutions"] == {"fake-institution": "测试单位"}
    assert fake["indicator_sets"] == {"fake-set": "测试指标"}
    assert fake["formats"] == {}
    assert fake["hooks"] == ["epireport_register_institutions"]


def test_plugins_respects_disabled_autoload(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With autoload disabled, only the built-ins are listed."""
    monkeypatch.setenv("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert main(["plugins", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["kind"] for d in data} == {"builtin"}
    assert "epireport.loaders" in [d["name"] for d in data]


def test_broken_plugin_in_strict_mode_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plugin that cannot be imported makes strict ``plugins`` fail with one line naming it."""
    ep = importlib.metadata.EntryPoint(name="broken", value="no_such_module", group="epireport")
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **params: [ep])
    assert main(["plugins"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("epireport: error: plugin 'broken'")
    assert "no_such_module" in err
    assert len(err.strip().splitlines()) == 1


def test_help_lists_the_plugins_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``epireport --help`` lists ``plugins`` with its short help."""
    assert main(["--help"]) == 0
    assert "plugins" in capsys.readouterr().out


def test_plugins_template_api_prints_the_reference_as_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--template-api`` prints the template reference, plain text, instead of the plugins."""
    from epireport.narrative import template_reference

    assert main(["plugins", "--template-api"]) == 0
    out = capsys.readouterr().out
    assert out == template_reference(form="text")
    assert out.startswith("Template reference\n")
    assert "  figure(code, unit=None, period=None, *," in out
    assert "  value | cn_count    [filter]" in out
    assert "Draft and final: A missing figure is the draft placeholder" in out
    assert "fake  [entry point" not in out
    assert "### " not in out  # text, not Markdown
