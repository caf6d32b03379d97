"""render --each: one summary per unit at a level, equal to rendering each unit alone."""

import json
from pathlib import Path

import attrs
import pytest

import epireport
from epireport.cli import main
from epireport.store import Store

pytest.importorskip("epireport_property_company")


@pytest.fixture
def store(tmp_path: Path) -> tuple[Path, Path, str]:
    """The property company's example in a store, and its words as a file without values."""
    example = epireport.example_input("property-company")
    db = tmp_path / "store.sqlite"
    with Store.open(db) as opened:
        assert example.tree is not None
        opened.ingest(
            example.values, "example", units=example.tree.units, institution="property-company"
        )
    words = tmp_path / "words.yaml"
    bare = attrs.evolve(example, values=(), title="", unit_name="")
    words.write_text(epireport.dumps_report(bare), encoding="utf-8")
    return db, words, str(example.period)


def test_each_unit_at_a_level_gets_its_summary_and_an_index(
    store: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every 小区 is written, linted and listed; each file equals the unit rendered alone."""
    db, words, period = store
    out = tmp_path / "out"
    common = [str(words), "--db", str(db), "--institution", "property-company"]
    assert main(["render", *common, "--period", period, "--each", "小区", "-o", str(out)]) == 0
    assert "wrote 2 summaries" in capsys.readouterr().err
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert [(e["unit"], e["status"], e["lint"]) for e in index] == [
        ("ygh", "written", []),
        ("chy", "written", []),
    ]
    for entry in index:
        alone = tmp_path / f"{entry['unit']}-alone.txt"
        argv = ["render", *common, "--period", period, "--unit", str(entry["unit"])]
        assert main([*argv, "-o", str(alone)]) == 0
        batch = (out / str(entry["file"])).read_text(encoding="utf-8")
        assert batch == alone.read_text(encoding="utf-8")
        assert entry["name"] in batch.splitlines()[0]  # each summary names its own unit


def test_an_unknown_level_says_which_levels_there_are(
    store: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--each with a level name the tree does not have lists the levels; -o is required."""
    db, words, period = store
    common = [str(words), "--db", str(db), "--institution", "property-company", "--period", period]
    assert main(["render", *common, "--each", "街道", "-o", str(tmp_path / "o")]) == 2
    assert "1 (服务中心), 2 (小区), 3 (班组)" in capsys.readouterr().err
    assert main(["render", *common, "--each", "2"]) == 2
    assert "--each needs -o FOLDER" in capsys.readouterr().err


def test_the_api_renders_each_unit_as_it_renders_one(store: tuple[Path, Path, str]) -> None:
    """epireport.render_each yields, per unit in tree order, what render_report gives it alone."""
    db, words_file, period = store
    words = epireport.load_input(words_file)
    results = list(
        epireport.render_each(db, "property-company", period, 2, words=words, format="markdown")
    )
    assert [(r.unit, r.name) for r in results] == [("ygh", "阳光花园小区"), ("chy", "翠湖苑小区")]
    for result in results:
        assert result.error is None
        assert result.rendered is not None
        alone = epireport.render_report(
            epireport.input_from_store(
                db,
                "property-company",
                period,
                unit=result.unit,
                words=attrs.evolve(words, unit_name="", title=""),
            ),
            format="markdown",
        )
        assert result.rendered.output == alone.output
        assert result.rendered.document == alone.document
    with pytest.raises(epireport.UsageError, match=r"no such level; levels: 1 \(服务中心\)"):
        next(epireport.render_each(db, "property-company", period, "街道"))
    with pytest.raises(epireport.UsageError, match="unknown org unit 'nowhere'"):
        next(epireport.render_each(db, "property-company", period, 2, under="nowhere"))


def test_a_unit_whose_data_fails_a_rule_is_refused_and_the_others_written(
    store: tuple[Path, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One unit's broken figure refuses that unit alone: listed with its error, exit status 2."""
    db, words, period = store
    example = epireport.example_input("property-company")
    value = next(v for v in example.values if v.unit in ("ygh",) or v.unit.startswith("ygh"))
    broken = attrs.evolve(value, value=-5)
    with Store.open(db) as opened:
        opened.ingest([broken], "fix.csv", institution="property-company")
    out = tmp_path / "out"
    common = [str(words), "--db", str(db), "--institution", "property-company"]
    assert main(["render", *common, "--period", period, "--each", "小区", "-o", str(out)]) == 2
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    status = {e["unit"]: e["status"] for e in index}
    assert status == {"ygh": "refused", "chy": "written"}
    refused = next(e for e in index if e["unit"] == "ygh")
    assert any("ygh" in e and "-5" in e for e in refused["errors"]), refused["errors"]
    assert not (out / "ygh.txt").exists()
    assert (out / "chy.txt").exists()
    assert "1 refused" in capsys.readouterr().err


def test_several_processes_write_what_one_writes(
    store: tuple[Path, Path, str], tmp_path: Path
) -> None:
    """--jobs 2 (forked workers, on Linux) gives the same files and index as --jobs 1."""
    from epireport._cli.each_batch import can_fork

    db, words, period = store
    common = [str(words), "--db", str(db), "--institution", "property-company", "--period"]
    folders = {}
    for jobs in ("1", "2"):
        out = folders[jobs] = tmp_path / f"jobs{jobs}"
        argv = [*common, period, "--each", "小区", "--jobs", jobs, "-o", str(out)]
        assert main(["render", *argv]) == 0
    one, two = folders["1"], folders["2"]
    assert sorted(p.name for p in one.iterdir()) == sorted(p.name for p in two.iterdir())
    for path in one.iterdir():
        assert (two / path.name).read_bytes() == path.read_bytes()
    if not can_fork():
        pytest.skip("no forked workers on this platform: both ran in one process")


def test_jobs_goes_with_each(store: tuple[Path, Path, str], tmp_path: Path) -> None:
    """--jobs without --each is a usage error."""
    db, words, period = store
    argv = [str(words), "--db", str(db), "--institution", "property-company", "--period", period]
    assert main(["render", *argv, "--jobs", "2"]) == 2


def test_the_default_number_of_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small batches and platforms without fork run in one process; big ones use the cores."""
    from epireport._cli import each_batch

    monkeypatch.setattr(each_batch, "can_fork", lambda: True)
    monkeypatch.setattr(each_batch.os, "cpu_count", lambda: 4)
    assert each_batch.auto_jobs(10, None) == 1
    assert each_batch.auto_jobs(1000, None) == 4
    assert each_batch.auto_jobs(10, 3) == 3
    monkeypatch.setattr(each_batch, "can_fork", lambda: False)
    assert each_batch.auto_jobs(1000, None) == 1
    assert each_batch.auto_jobs(1000, 3) == 1
