"""What a clerk does never silently changes a figure: each refusal says why and writes nothing.

Each case runs through the CLI, checks the message and compares a dump of the store before and
after: a refused file leaves the store byte for byte as it was.
"""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from epireport import Plugins, make_plugin_manager
from epireport._cli import check_cmd, store_cmds
from epireport.cli import main
from epireport.plugin import (
    Indicator,
    IndicatorSet,
    Institution,
    NarrativeInput,
    ValidationRule,
    hookimpl,
)
from epireport.store import Store

SCREENING = IndicatorSet(
    code="screening",
    title="排查",
    indicators=(
        Indicator(code="screened", name="排查人数", classifier="人"),
        Indicator(code="fever", name="体温异常", classifier="人", part_of="screened"),
        Indicator(code="hours", name="值守时长", classifier="小时", value_type="decimal"),
    ),
)
INSTITUTION = Institution(
    code="test-screening",
    title="测试局",
    indicator_sets=(SCREENING,),
    narrative_inputs=(NarrativeInput("plans", "印发方案", required=True),),
)
UNITS = (
    "org_units:\n- {code: D01, name: 某县}\n- {code: S01, name: 一中, parent: D01}\n"
    "- {code: S02, name: 二中, parent: D01}\n"
)


class Only:
    """The test institution, as a plugin."""

    @hookimpl
    def epireport_register_institutions(self) -> list[Institution]:
        return [INSTITUTION]


def make_plugins() -> Plugins:
    """Only the test institution (and the built-ins), whatever else is installed."""
    return Plugins(make_plugin_manager(plugins=[Only()], autoload=False))


@pytest.fixture(autouse=True)
def _only_the_test_institution(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (store_cmds, check_cmd):
        monkeypatch.setattr(module, "_make_plugins", make_plugins)
    monkeypatch.setattr(Plugins, "create", classmethod(lambda cls, **kwargs: make_plugins()))


def dump(db: Path) -> str:
    """Every row of the store, as SQL."""
    connection = sqlite3.connect(db)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding the test institution's units and one day of figures."""
    units = tmp_path / "units.yaml"
    units.write_text(UNITS, encoding="utf-8")
    first = tmp_path / "first.csv"
    first.write_text(
        "indicator,unit,period,value,submitted_at\n"
        "screened,S01,20200201,40,2020-02-01 18:00\n"
        "fever,S01,20200201,1,2020-02-01 18:00\n",
        encoding="utf-8",
    )
    db = tmp_path / "store.db"
    argv = ["ingest", str(first), "--db", str(db), "--institution", "test-screening"]
    assert main([*argv, "--units", str(units)]) == 0
    return db


def csv(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text("indicator,unit,period,value,submitted_at\n" + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("zz_nope,S01,20200202,3,", "unknown indicator 'zz_nope'"),
        ("screened,S01,20200202,十二,", "expected"),
        ("screened,S01,20200202,-5,", "-5"),
        ("screened,S01,20200202,12.5,", "12.5"),
        ("screened,S01,20200202,true,", "true"),
        ("screened,S01,20200202,1e20,", "1e20"),
        ("screened,S09,20200202,3,", "unknown org unit 'S09'"),
        ("screened,S01,202002,3,", "counted twice"),
        ("fever,S01,20200201,500,2020-02-01 19:00", "bad.csv: row 2: rule failed"),
    ],
)
def test_a_bad_row_without_institution_is_refused_and_nothing_changes(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, message: str
) -> None:
    """Without --institution the store's own institution checks every row; nothing is written."""
    before = dump(store)
    capsys.readouterr()
    assert main(["ingest", str(csv(tmp_path, "bad.csv", row + "\n")), "--db", str(store)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err
    assert message in err
    assert dump(store) == before


def test_a_fresh_store_needs_to_know_whose_data_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV that names no institution cannot start a store; no store is created."""
    db = tmp_path / "new.db"
    path = csv(tmp_path, "a.csv", "screened,S01,20200201,3,\n")
    assert main(["ingest", str(path), "--db", str(db)]) == 2
    assert "--institution NAME" in capsys.readouterr().err
    assert not db.exists()


def test_a_new_unit_is_an_explicit_act(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--allow-new-units adds a unit the store does not know; without it the row is refused."""
    path = csv(tmp_path, "new.csv", "screened,S03,20200201,7,\n")
    assert main(["ingest", str(path), "--db", str(store)]) == 2
    err = capsys.readouterr().err
    assert "unknown org unit 'S03' (did you mean" in err
    assert "--allow-new-units" in err
    assert main(["ingest", str(path), "--db", str(store), "--allow-new-units"]) == 0
    with Store.open(store) as opened:
        assert "S03" in opened.units()


def test_corrections_follow_submission_time_not_ingest_order(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older copy ingested after the correction changes nothing, and says so."""
    corrected = csv(tmp_path, "S01-corrected.csv", "screened,S01,20200201,45,2020-02-02 09:00\n")
    original = csv(tmp_path, "S01.csv", "screened,S01,20200201,40,2020-02-01 18:00\n")
    # The shell sorts S01-corrected.csv before S01.csv: the correction comes first.
    assert main(["ingest", str(corrected), str(original), "--db", str(store)]) == 0
    out = capsys.readouterr().out
    assert "updated 1" in out
    assert "kept 1 newer stored value(s) over this older copy" in out
    with Store.open(store) as opened:
        values = {v.indicator: v.value for v in opened.values(unit="S01")}
    assert values["screened"] == 45


def test_check_reads_a_store(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Check --db checks stored data; a violation stored behind the door's back is found."""
    assert main(["check", "--db", str(store), "--period", "20200201"]) == 0
    assert "no violations" in capsys.readouterr().out
    with Store.open(store) as opened:  # the API without rules, as an old version would have
        from epireport.plugin import DataValue, Period

        day = Period.parse("20200201")
        opened.ingest(
            [
                DataValue.reported("screened", "S02", day, 3),
                DataValue.reported("fever", "S02", day, 9),
            ],
            "old.csv",
            institution="test-screening",
        )
    assert main(["check", "--db", str(store), "--period", "20200201"]) == 1
    assert "fever" in capsys.readouterr().out


def test_render_db_without_words_or_figures_refuses(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Render --db says what is missing instead of writing a summary without it."""
    argv = ["render", "--db", str(store), "--institution", "test-screening"]
    assert main([*argv, "--period", "20200201"]) == 2
    assert "give them as DATA" in capsys.readouterr().err


def test_export_with_units_round_trips_into_a_fresh_store(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export with --units re-imported into a new store holds the same units and values."""
    out, units = tmp_path / "out.csv", tmp_path / "units-out.yaml"
    argv = ["export", "--db", str(store), "--format", "csv", "-o", str(out)]
    assert main([*argv, "--units", str(units)]) == 0
    fresh = tmp_path / "fresh.db"
    ingest = ["ingest", str(out), "--db", str(fresh), "--institution", "test-screening"]
    assert main(ingest) == 2  # the values alone do not say where the units sit
    assert main([*ingest, "--units", str(units)]) == 0
    with Store.open(store) as a, Store.open(fresh) as b:
        assert a.units() == b.units()
        assert list(a.values()) == list(b.values())


CHILD = """
import sys
from epireport import Plugins, make_plugin_manager
from epireport._cli import store_cmds
from epireport.cli import main
from epireport.plugin import Indicator, IndicatorSet, Institution, hookimpl

SET = IndicatorSet(code="screening", title="排查", indicators=(
    Indicator(code="screened", name="排查人数", classifier="人"),))
INSTITUTION = Institution(code="test-screening", title="测试局", indicator_sets=(SET,))

class Only:
    @hookimpl
    def epireport_register_institutions(self):
        return [INSTITUTION]

store_cmds._make_plugins = lambda: Plugins(make_plugin_manager(plugins=[Only()], autoload=False))
sys.exit(main(sys.argv[1:]))
"""


def test_parallel_first_ingests_into_a_new_store(tmp_path: Path) -> None:
    """Four processes creating and writing one new store at once all succeed, nothing lost."""
    units = tmp_path / "units.yaml"
    units.write_text(UNITS, encoding="utf-8")
    db = tmp_path / "race.db"
    child = tmp_path / "child.py"
    child.write_text(CHILD, encoding="utf-8")
    running = []
    for day in range(1, 5):
        path = csv(tmp_path, f"d{day}.csv", f"screened,S01,2020020{day},{day},\n")
        argv = [sys.executable, str(child), "ingest", str(path), "--db", str(db)]
        argv += ["--institution", "test-screening", "--units", str(units)]
        running.append(
            subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    results = [process.communicate(timeout=120) for process in running]
    assert [process.returncode for process in running] == [0, 0, 0, 0], results
    with Store.open(db) as opened:
        assert sorted(v.value for v in opened.values()) == [1, 2, 3, 4]  # type: ignore[type-var]


def test_a_writer_that_waits_too_long_says_so(tmp_path: Path) -> None:
    """A store held by another writer past the timeout is a clear UsageError, not a traceback."""
    from epireport.exceptions import UsageError

    db = tmp_path / "busy.db"
    Store.open(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waited: list[str] = []
    try:
        with (
            Store.open(db, timeout=0.5, on_wait=waited.append) as store,
            pytest.raises(UsageError, match=r"busy.*EPIREPORT_STORE_TIMEOUT"),
        ):
            store.put_units([])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited
    assert "waiting for the store" in waited[0]


def test_the_same_file_again_is_recognised_without_reading_it(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bytes already ingested are known by their sha256: no read, no write, it says so."""
    first = tmp_path / "first.csv"
    before = dump(store)
    monkeypatch.setattr(Plugins, "load_batch", lambda *a, **k: pytest.fail("read again"))
    assert main(["ingest", str(first), "--db", str(store)]) == 0
    assert "unchanged, the same file was already ingested" in capsys.readouterr().out
    assert dump(store) == before


def test_a_warning_is_printed_at_the_row_that_sent_its_figure(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warning-level rule lets the file in and says where the figure it doubts came from."""

    class Warned(Only):
        @hookimpl
        def epireport_register_validation_rules(
            self, institution: Institution
        ) -> list[ValidationRule]:
            return [
                ValidationRule(
                    "few-fevers", "fever * 10", "<=", "screened", importance="warning",
                    institution="test-screening",
                )
            ]  # fmt: skip

    warned = Plugins(make_plugin_manager(plugins=[Warned()], autoload=False))
    monkeypatch.setattr(store_cmds, "_make_plugins", lambda: warned)
    capsys.readouterr()
    path = csv(tmp_path, "new.csv", "screened,S01,20200202,5,\nfever,S01,20200202,2,\n")
    assert main(["ingest", str(path), "--db", str(store)]) == 0
    err = capsys.readouterr().err
    assert f"epireport: {path}: row 3: warning: few-fevers: unit S01, period 20200202" in err
