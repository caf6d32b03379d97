"""`epireport new-plugin` writes a distribution that installs, registers and renders."""

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from epireport.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_scaffold_writes_a_complete_distribution(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The scaffold holds the pyproject entry point, plugin, template, example and test."""
    assert (
        main(["new-plugin", "county-health", "--path", str(tmp_path), "--title", "县卫健局"]) == 0
    )
    root = tmp_path / "epireport-county-health"
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert (
        '[project.entry-points.epireport]\ncounty-health = "epireport_county_health.plugin"'
        in pyproject
    )
    package = root / "src" / "epireport_county_health"
    assert (package / "templates" / "county-health" / "report.md.j2").is_file()
    assert "institution: county-health" in (package / "example.yaml").read_text(encoding="utf-8")
    assert (root / "tests" / "test_plugin.py").is_file()
    assert "created" in capsys.readouterr().out


def test_scaffold_refuses_bad_names_and_existing_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name that is not lower-case ASCII, or a directory that exists, exits 2."""
    assert main(["new-plugin", "县卫健", "--path", str(tmp_path)]) == 2
    assert "lower-case ASCII" in capsys.readouterr().err
    (tmp_path / "epireport-x").mkdir()
    assert main(["new-plugin", "x", "--path", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_scaffold_renders_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scaffolded plugin, imported from its source, renders its example in final mode."""
    assert main(["new-plugin", "county-health", "--path", str(tmp_path)]) == 0
    monkeypatch.syspath_prepend(str(tmp_path / "epireport-county-health" / "src"))
    from epireport_county_health import plugin  # type: ignore[import-not-found]

    import epireport
    from epireport.testing import plugin_manager

    plugins = epireport.Plugins(plugin_manager(plugin))
    report = epireport.example_input("county-health", plugins=plugins)
    text = epireport.render_report(report, plugins=plugins).output
    assert "共发放宣传单1.5万余张" in text
    assert "一是广泛开展宣传" in text


@pytest.mark.slow
def test_scaffold_installs_in_a_fresh_venv_and_renders_through_the_cli(tmp_path: Path) -> None:
    """In a new virtual environment, the plugin installs with epireport, renders and tests green."""
    assert main(["new-plugin", "county-health", "--path", str(tmp_path)]) == 0
    root = tmp_path / "epireport-county-health"
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "EPIREPORT"))}
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(ROOT), f"{root}[test]"],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    example = root / "src" / "epireport_county_health" / "example.yaml"
    result = subprocess.run(
        [str(bin_dir / "epireport"), "render", str(example)],
        check=False, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "共发放宣传单1.5万余张" in result.stdout
    plugins = subprocess.run(
        [str(bin_dir / "epireport"), "plugins"], check=True, env=env, capture_output=True, text=True
    )
    assert "county-health" in plugins.stdout
    tests = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
        check=False, env=env, capture_output=True, text=True, cwd=root,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert sys.executable != str(python)
