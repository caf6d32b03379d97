import json
from pathlib import Path

import pytest

from epireport._builtins import BUILTIN_PLUGINS
from epireport._builtins import validation_rules as builtin_rules_plugin
from epireport._cli import check_cmd
from epireport._plugins import Plugins, hookimpl
from epireport.aggregate._rules import ValidationRule
from epireport.cli import main
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.testing._manager import plugin_manager

SCREENING = IndicatorSet(
    code="screening",
    title="排查",
    indicators=(
        Indicator(code="screened", name="排查师生", classifier="人"),
        Indicator(code="fever", name="发热师生", classifier="人", part_of="screened"),
    ),
)


class FakeBureau:
    """A plugin registering a school bureau and one rule of its own."""

    @staticmethod
    @hookimpl
    def epireport_register_institutions() -> list[Institution]:
        return [Institution(code="bureau", title="教育局", indicator_sets=(SCREENING,))]

    @staticmethod
    @hookimpl
    def epireport_register_validation_rules(institution: Institution) -> list[ValidationRule]:
        return [
            ValidationRule(
                "few-fevers", "fever * 10", "<=", "screened", importance="warning",
                institution="bureau",
            )
        ]  # fmt: skip


@pytest.fixture(autouse=True)
def fake_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = (
        [] if "epireport._builtins.validation_rules" in BUILTIN_PLUGINS else [builtin_rules_plugin]
    )
    monkeypatch.setattr(
        check_cmd, "_make_plugins", lambda: Plugins(plugin_manager(FakeBureau, *extra))
    )


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "report.yaml"
    path.write_text(
        "institution: bureau\nunit: B\nperiod: 20200203\n"
        "org_units:\n  - {code: B, name: 局}\n  - {code: S1, name: 一校, parent: B}\n"
        "  - {code: S2, name: 二校, parent: B}\n"
        f"values:\n{rows}",
        encoding="utf-8",
    )
    return path


CLEAN = (
    "  - {indicator: screened, unit: S1, period: 20200203, value: 100}\n"
    "  - {indicator: fever, unit: S1, period: 20200203, value: 1}\n"
)
BAD = CLEAN + (
    "  - {indicator: screened, unit: S2, period: 20200203, value: 5}\n"
    "  - {indicator: fever, unit: S2, period: 20200203, value: 9}\n"
)


def test_clean_data_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Data satisfying every rule prints no violation and exits 0."""
    assert main(["check", str(write(tmp_path, CLEAN))]) == 0
    assert "no violations" in capsys.readouterr().out


def test_error_violation_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 其中 item above its whole is an error printed with unit, period and figures; exit 1."""
    assert main(["check", str(write(tmp_path, BAD))]) == 1
    out = capsys.readouterr().out
    assert "error: part-within-whole.fever: unit S2, period 20200203 (reported)" in out
    assert "fever=9" in out
    assert "screened=5" in out
    assert "warning: few-fevers" in out


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Only warnings leave the exit status at 0."""
    rows = CLEAN.replace("value: 1}", "value: 20}")
    assert main(["check", str(write(tmp_path, rows))]) == 0
    assert "warning: few-fevers: unit S1" in capsys.readouterr().out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json lists every violation with its figures, and the counts."""
    assert main(["check", "--json", str(write(tmp_path, BAD))]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert payload["counts"]["error"] >= 1
    first = next(v for v in payload["violations"] if v["rule"] == "part-within-whole.fever")
    assert (first["unit"], first["period"], first["values"]) == (
        "S2",
        "20200203",
        {"fever": "9", "screened": "5"},
    )


def test_unknown_institution_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An institution no plugin registers exits 2 with a one-line error."""
    assert main(["check", "--institution", "nope", str(write(tmp_path, CLEAN))]) == 2
    assert "unknown institution 'nope'" in capsys.readouterr().err
