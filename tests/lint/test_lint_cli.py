"""``epireport lint``: output, --json, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from epireport._plugins import DISABLE_AUTOLOAD_ENV
from epireport.cli import main


@pytest.fixture(autouse=True)
def _no_third_party_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    # The command must work with the built-in rules alone, whatever else is installed.
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.txt"
    path.write_text("　　召开x次会议;做好新冠肺炎防控。\n2023年2月1日\n", encoding="utf-8")
    return path


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "warned.md"
    path.write_text("# 总结\n\n部署;宣传。\n", encoding="utf-8")
    return path


def test_errors_exit_1_with_human_output(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An error finding prints path:line:col: RULE [severity] message and exits 1."""
    assert main(["lint", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{bad}:1:5: EPI101 [error] placeholder 'x' left in the text"
    assert any("EPI601 [warning]" in line for line in out)


def test_warnings_only_exit_0(warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings are printed but the exit status stays 0."""
    assert main(["lint", str(warned)]) == 0
    assert f"{warned}:3:3: EPI401 [warning]" in capsys.readouterr().out


def test_json_output(bad: Path, warned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one list of finding objects for all files."""
    assert main(["lint", "--json", str(bad), str(warned)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {d["rule"] for d in data} >= {"EPI101", "EPI401", "EPI601"}
    assert set(data[0]) == {"path", "line", "column", "rule", "severity", "message"}


def test_date_and_ignore(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--date overrides the written date and --ignore skips rules."""
    args = ["lint", "--date", "2022-01-01", "--ignore", "EPI101", "--ignore", "EPI401"]
    assert main([*args, str(bad)]) == 0
    assert capsys.readouterr().out == ""


def test_data_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--data checks figures against values."""
    text = tmp_path / "ok.txt"
    text.write_text("印制宣传单3.2万余张。\n", encoding="utf-8")
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"facts": [{"text": "3.2万余", "value": 30000}]}), "utf-8")
    assert main(["lint", "--data", str(data), str(text)]) == 1
    assert "EPI701 [error]" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [["lint"], ["lint", "--date", "2023-13-01", "x"], ["lint", "--ignore", "NOPE", "x"]],
)
def test_usage_errors_exit_2(
    args: list[str], bad: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad usage (no file, bad date, unknown rule) exits 2."""
    args = [str(bad) if a == "x" else a for a in args]
    assert main(args) == 2
    assert "error" in capsys.readouterr().err


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """--list-rules lists every rule with id, name and severity."""
    assert main(["lint", "--list-rules"]) == 0
    out = capsys.readouterr().out
    assert "EPI101 placeholder [error]" in out
    assert "EPI702 figure-missing [error]" in out
