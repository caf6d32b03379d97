"""`epireport render --db`: figures from the embedded store, words from a report input."""

from pathlib import Path

import attrs
import pytest

import epireport
from epireport.cli import main
from epireport.io import dumps_report


@pytest.fixture
def example() -> epireport.ReportInput:
    return epireport.example_input("property-company")


def test_ingest_then_render_from_the_store_matches_the_file(
    example: epireport.ReportInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ingesting the example and rendering from the store gives the same summary as the file."""
    data = tmp_path / "example.yaml"
    data.write_text(dumps_report(example), encoding="utf-8")
    words = tmp_path / "words.yaml"
    words.write_text(dumps_report(attrs.evolve(example, values=())), encoding="utf-8")
    db = tmp_path / "store.sqlite"
    assert main(["ingest", str(data), "--db", str(db), "--institution", "property-company"]) == 0
    capsys.readouterr()
    argv = ["render", str(words), "--db", str(db), "--institution", "property-company"]
    assert main([*argv, "--period", str(example.period)]) == 0
    from_store = capsys.readouterr().out
    assert main(["render", str(data)]) == 0
    assert from_store == capsys.readouterr().out
    assert "共发放600多户" in from_store


def test_store_and_file_disagree_on_who_gives_figures(
    example: epireport.ReportInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A words file that carries values is refused: two sources of figures is one too many."""
    data = tmp_path / "example.yaml"
    data.write_text(dumps_report(example), encoding="utf-8")
    db = tmp_path / "store.sqlite"
    assert main(["ingest", str(data), "--db", str(db), "--institution", "property-company"]) == 0
    argv = ["render", str(data), "--db", str(db), "--institution", "property-company"]
    assert main([*argv, "--period", str(example.period)]) == 2
    assert "must carry no values" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["render"], "give a report input file DATA"),
        (["render", "x.yaml", "--period", "202002"], "--period goes with --db"),
    ],
)
def test_render_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Missing or misplaced options are one-line usage errors with exit status 2."""
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_demo_goes_through_the_store() -> None:
    """The demo input, built back from a throw-away store, renders like the packaged example."""
    plugins = epireport.Plugins.create()
    for name in ("district-publicity", "education-bureau", "property-company"):
        from_store = epireport.render_report(
            epireport.demo_input(name, plugins=plugins), plugins=plugins
        )
        direct = epireport.render_report(
            epireport.example_input(name, plugins=plugins), plugins=plugins
        )
        assert from_store.output == direct.output
