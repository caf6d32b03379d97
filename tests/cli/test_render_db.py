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


def test_the_store_gives_the_history_a_file_gives(
    example: epireport.ReportInput, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Earlier values in the store reach the facts (环比, 累计) as they do from a file."""
    from epireport._pipeline import build_document, input_from_store

    earlier = example.period.previous()
    shift = example.period.start - earlier.start
    history = tuple(
        attrs.evolve(v, period=epireport.Period.day(v.period.start - shift))
        for v in example.values
        if v.period.type is epireport.PeriodType.DAY and example.period.contains(v.period)
        and earlier.contains(epireport.Period.day(v.period.start - shift))
    )  # fmt: skip
    assert history
    full = attrs.evolve(example, values=(*history, *example.values))
    data = tmp_path / "full.yaml"
    data.write_text(dumps_report(full), encoding="utf-8")
    db = tmp_path / "store.sqlite"
    assert main(["ingest", str(data), "--db", str(db), "--institution", "property-company"]) == 0
    plugins = epireport.Plugins.create()
    words = attrs.evolve(example, values=())
    stored = input_from_store(db, "property-company", example.period, unit=example.unit,
                              words=words, plugins=plugins)  # fmt: skip
    _, from_store = build_document(stored, plugins=plugins)
    _, from_file = build_document(full, plugins=plugins)

    def comparisons(facts: object) -> list[tuple[object, ...]]:
        return [(f.key, f.value, f.previous, f.cumulative) for f in facts]  # type: ignore[attr-defined]

    assert comparisons(from_store) == comparisons(from_file)
    assert any(f.previous.is_available for f in from_store)
