"""The command line shell: help, usage errors, input errors, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from epireport.cli import COMMANDS, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """--help names every registered command with its one-line help."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name, (_, short_help) in COMMANDS.items():
        assert name in out
        assert short_help in out


@pytest.mark.parametrize(
    "argv",
    [["bogus"], ["render"], ["render", "a.yaml", "--bogus"], ["demo", "--format"]],
)
def test_bad_usage_exits_2_with_one_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad usage exits with status 2 and a single line on stderr naming the command."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("epireport")
    assert "Traceback" not in err


def test_missing_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A report input that cannot be read exits 2 naming the file."""
    missing = tmp_path / "nope.yaml"
    assert main(["render", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err
    assert "Traceback" not in err


def test_input_errors_list_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each problem in a bad input file gets its own located line on stderr."""
    path = tmp_path / "r.yaml"
    path.write_text("institution: property-company\nunit: P\nperiod: 202013\nextra: 1\n", "utf-8")
    assert main(["render", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert any("$.period" in line and "202013" in line for line in lines)
    assert any("$.extra: unknown key" in line for line in lines)


def test_console_script_help_runs_in_a_subprocess() -> None:
    """`python -m epireport --help` works as a process and exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "epireport", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "Commands:" in result.stdout


def test_import_stays_light() -> None:
    """Importing epireport and building the CLI loads no DOCX, Excel, Jinja2 or SQL engine."""
    code = (
        "import sys, epireport, epireport.cli; "
        "heavy = [m for m in ('docx', 'openpyxl', 'ibis', 'duckdb', 'sqlite3', 'yaml') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
