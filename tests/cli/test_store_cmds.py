import json
from pathlib import Path

import pytest

from epireport._cli import store_cmds
from epireport._plugins import Plugins, hookimpl
from epireport.cli import main
from epireport.model._indicators import Category, CategoryOption, Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.store import Store

openpyxl = pytest.importorskip("openpyxl")

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "dhis2"
INSTITUTION = Institution(
    code="test-publicity",
    title="宣传部",
    indicator_sets=(
        IndicatorSet(
            code="publicity",
            title="社会宣传",
            indicators=(
                Indicator(code="billboards", name="户外广告牌", classifier="块"),
                Indicator(code="leaflets", name="宣传单", classifier="张"),
            ),
        ),
    ),
)


@pytest.fixture(autouse=True)
def _only_the_test_institution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve institution names to the test institution, whatever plugins are installed."""

    class Only:
        @hookimpl
        def epireport_register_institutions(self) -> list[Institution]:
            return [INSTITUTION]

    monkeypatch.setattr(
        store_cmds, "_make_plugins", lambda: Plugins.create(plugins=[Only()], autoload=False)
    )


@pytest.fixture
def units(tmp_path: Path) -> Path:
    path = tmp_path / "units.yaml"
    path.write_text(
        "- {code: D01, name: 某区}\n- {code: S01, name: 东街道, parent: D01}\n"
        "- {code: S02, name: 西街道, parent: D01}\n",
        encoding="utf-8",
    )
    return path


def _filled_form(tmp_path: Path, units: Path, cells: dict[str, object]) -> Path:
    form = tmp_path / "form.xlsx"
    assert (
        main(
            [
                "form",
                "test-publicity",
                "--units",
                str(units),
                "--period",
                "20200201",
                "-o",
                str(form),
            ]
        )
        == 0
    )
    wb = openpyxl.load_workbook(form)
    for ref, value in cells.items():
        wb["社会宣传"][ref] = value
    out = tmp_path / "daily.xlsx"
    wb.save(out)
    return out


def test_form_ingest_export_round_trip(
    tmp_path: Path, units: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A filled form is ingested once, re-ingested unchanged, and exported as CSV."""
    db = tmp_path / "s.db"
    # A formula nobody computed has no saved result: refused, never read as empty.
    formula = _filled_form(tmp_path, units, {"D3": "120块", "E3": "=1+1", "F4": "是"})
    assert main(["ingest", str(formula), "--db", str(db)]) == 2
    assert "without a saved result" in capsys.readouterr().err
    daily = _filled_form(tmp_path, units, {"D3": "120块", "F4": "是"})
    assert main(["ingest", str(daily), "--db", str(db)]) == 0
    assert "added 3, updated 0, unchanged 0" in capsys.readouterr().out
    assert main(["ingest", str(daily), "--db", str(db)]) == 0
    assert "unchanged, the same file was already ingested" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "export",
                "--db",
                str(db),
                "--format",
                "csv",
                "-o",
                str(out),
                "--institution",
                "test-publicity",
            ]
        )
        == 0
    )
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "billboards,S01,20200201,120,reported,,,,"
    assert lines[2:] == [
        "billboards,S02,20200201,,zero_report,,,,",
        "leaflets,S02,20200201,,zero_report,,,,",
    ]
    with Store.open(db) as store:
        assert store.units().get("S01").parent == "D01"


def test_a_file_with_a_rejected_row_is_not_written_at_all(
    tmp_path: Path, units: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One bad cell rejects its whole file with exit 2, located; the good file is stored."""
    bad = _filled_form(tmp_path, units, {"D3": "120", "E3": "1.23456万"})
    good = tmp_path / "good.csv"
    good.write_text("indicator,unit,period,value\nbillboards,S09,20200202,5\n", encoding="utf-8")
    db = tmp_path / "s.db"
    assert (
        main(
            [
                *("ingest", str(bad), str(good), "--db", str(db)),
                *("--institution", "test-publicity", "--allow-new-units"),
            ]
        )
        == 2
    )
    captured = capsys.readouterr()
    assert f"{bad}: sheet 社会宣传, row 3, column E" in captured.err
    assert "good.csv: added 1" in captured.out
    with Store.open(db) as store:
        assert [v.unit for v in store.values()] == ["S09"]


def test_a_dry_run_writes_nothing(
    tmp_path: Path, units: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run reports the counts, creates no store and changes none."""
    daily = _filled_form(tmp_path, units, {"D3": 1})
    db = tmp_path / "s.db"
    assert main(["ingest", str(daily), "--db", str(db), "--dry-run"]) == 0
    assert "would add 1" in capsys.readouterr().out
    assert not db.exists()
    assert main(["ingest", str(daily), "--db", str(db)]) == 0
    changed = _filled_form(tmp_path, units, {"D3": 2})
    assert main(["ingest", str(changed), "--db", str(db), "--dry-run"]) == 0
    assert "update 1" in capsys.readouterr().out
    with Store.open(db) as store:
        assert [v.value for v in store.values()] == [1]


def test_dhis2_ingest_with_a_mapping_and_export_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DHIS2 JSON mapped into the institution's codes exports back to the DHIS2 ids."""
    source = SHARED / "dhis2_datavalueset_docs_bulk.json"
    if not source.is_file():
        pytest.skip("shared DHIS2 fixtures are not available")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "data_elements: {f7n9E0hX8qk: leaflets}\n"
        "org_units: {DiszpKrYNg8: S01, FNnj3jKGS7i: S02, Jkhdsf8sdf4: S03}\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    args = ["--db", str(db), "--institution", "test-publicity", "--mapping", str(mapping)]
    args.append("--allow-new-units")  # DHIS2 org units the store has never seen
    assert main(["ingest", str(source), *args]) == 0
    capsys.readouterr()
    out = tmp_path / "out.json"
    assert (
        main(
            [
                "export",
                "--db",
                str(db),
                "--format",
                "dhis2",
                "-o",
                str(out),
                "--mapping",
                str(mapping),
            ]
        )
        == 0
    )
    exported = json.loads(out.read_text(encoding="utf-8"))["dataValues"]
    original = json.loads(source.read_text(encoding="utf-8"))["dataValues"]
    assert sorted(map(sorted, (r.items() for r in exported))) == sorted(
        map(sorted, (r.items() for r in original))
    )
    assert main(["export", "--db", str(db), "--format", "dhis2", "--period", "201402"]) == 0
    assert len(json.loads(capsys.readouterr().out)["dataValues"]) == 2


def test_the_dhis2_template_is_rejected_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The placeholder template is refused, every placeholder listed, no store created."""
    source = SHARED / "dhis2_datavalueset_docs_template.json"
    if not source.is_file():
        pytest.skip("shared DHIS2 fixtures are not available")
    db = tmp_path / "s.db"
    assert main(["ingest", str(source), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "$.period" in err
    assert "$.completeDate" in err
    assert not db.exists()


def test_export_neutralises_formulas_and_rejects_unknown_institutions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV export quotes formula-like cells, and an unknown institution is a usage error."""
    data = tmp_path / "in.csv"
    data.write_text(
        "indicator,unit,period,value,comment\nbillboards,S01,20200201,5,=cmd|' /C calc'!A0\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    ingest = ["ingest", str(data), "--db", str(db), "--institution", "test-publicity"]
    assert main([*ingest, "--allow-new-units"]) == 0
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "csv"]) == 0
    assert "5,reported,,,'=cmd|' /C calc'!A0" in capsys.readouterr().out
    assert main(["export", "--db", str(db), "--format", "csv", "--institution", "nope"]) == 2
    assert "unknown institution 'nope'" in capsys.readouterr().err


def test_bad_options_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad period or an unknown institution exits 2 with one message."""
    out = tmp_path / "f.xlsx"
    assert main(["form", "test-publicity", "--period", "2020-99", "-o", str(out)]) == 2
    assert "--period" in capsys.readouterr().err
    assert main(["form", "nope", "-o", str(out)]) == 2
    assert not out.exists()


def test_report_files_bring_their_org_units_and_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A report input file (YAML) is ingested with its tree, checked against its institution."""
    report = tmp_path / "report.yaml"
    report.write_text(
        "institution: test-publicity\nunit: D01\nperiod: '202002'\n"
        "org_units:\n  - {code: D01, name: 某区}\n  - {code: S01, name: 东街道, parent: D01}\n"
        "values:\n  - {indicator: leaflets, unit: S01, period: '20200201', value: 300}\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    assert main(["ingest", str(report), "--db", str(db)]) == 0
    with Store.open(db) as store:
        made = store.report_input(INSTITUTION, "D01", "202002")
    assert [(v.unit, v.value) for v in made.values] == [("S01", 300)]
    assert made.tree is not None
    assert made.tree.codes == ("D01", "S01")


def test_the_progress_bar_shows_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long ingests get a progress callback when stderr is a terminal, none otherwise."""
    import io
    import sys

    with store_cmds._progress(10**6) as progress:
        assert progress is None  # pytest captures stderr: not a terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    with store_cmds._progress(store_cmds.PROGRESS_THRESHOLD) as progress:
        assert progress is not None
        progress(store_cmds.PROGRESS_THRESHOLD)
    with store_cmds._progress(3) as progress:
        assert progress is None


def _dump(db: Path) -> str:
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"A3": "S09", "D3": 4}, "S09"),
        ({"C3": "2020-03-02", "D3": 4}, "outside this form's period"),
        ({"C3": "202002", "D3": 4}, "expected a day"),
        ({"D3": "=30+12"}, "without a saved result"),
        ({"D3": 1, "D4": 2, "merge": "D3:D4"}, "unmerge"),
    ],
)
def test_a_form_a_clerk_got_wrong_changes_nothing(
    tmp_path: Path,
    units: Path,
    capsys: pytest.CaptureFixture[str],
    cells: dict[str, object],
    message: str,
) -> None:
    """Each form mistake is refused through the CLI with its cell, and the store is unchanged."""
    db = tmp_path / "s.db"
    good = _filled_form(tmp_path, units, {"D3": 1, "D4": 2})
    assert main(["ingest", str(good), "--db", str(db)]) == 0
    before = _dump(db)
    cells = dict(cells)
    merge = cells.pop("merge", None)
    bad = _filled_form(tmp_path, units, dict(cells))
    if merge is not None:
        workbook = openpyxl.load_workbook(bad)
        workbook["社会宣传"].merge_cells(str(merge))
        workbook.save(bad)
    capsys.readouterr()
    assert main(["ingest", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "sheet 社会宣传" in err or "daily.xlsx" in err
    assert message in err
    assert _dump(db) == before


SCREENING = Institution(
    code="test-school",
    title="教育局",
    indicator_sets=(
        IndicatorSet(
            code="screening",
            title="排查",
            indicators=(
                Indicator(
                    code="screened",
                    name="排查师生",
                    classifier="人",
                    categories=(
                        Category(
                            "kind",
                            "人员类别",
                            (CategoryOption("teacher", "教师"), CategoryOption("student", "学生")),
                        ),
                    ),
                ),
            ),
        ),
    ),
)


@pytest.fixture
def _screening(monkeypatch: pytest.MonkeyPatch) -> None:
    """The institution of the category tests: one indicator split by 人员类别."""

    class Only:
        @hookimpl
        def epireport_register_institutions(self) -> list[Institution]:
            return [SCREENING]

    monkeypatch.setattr(
        store_cmds, "_make_plugins", lambda: Plugins.create(plugins=[Only()], autoload=False)
    )


@pytest.mark.usefixtures("_screening")
def test_dhis2_category_option_combos_ingest_into_options_and_export_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real payload with two non-default combos: the mapping's category_combos round-trip."""
    source = SHARED / "dhis2_datavalueset_core_e2e_single_dataset.json"
    if not source.is_file():
        pytest.skip("shared DHIS2 fixtures are not available")
    data = json.loads(source.read_text(encoding="utf-8"))
    del data["completedDate"]  # not a DHIS2 field (tested with the reader)
    payload = tmp_path / "e2e.json"
    payload.write_text(json.dumps(data), encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "data_elements: {BjDrgVrkBI3: screened}\n"
        "org_units: {O6uvpzGd5pu: S01}\n"
        "default_combos: [HllvX50cXC0]\n"
        "category_combos: {oPcWGgS2Liz: [teacher], rtfSaMjPyq6: [student]}\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    args = ["--db", str(db), "--institution", "test-school", "--mapping", str(mapping)]
    assert main(["ingest", str(payload), *args, "--allow-new-units"]) == 0
    assert "added 2" in capsys.readouterr().out
    with Store.open(db) as store:
        assert {v.series: v.value for v in store.values()} == {
            "screened[teacher]": 1000,
            "screened[student]": 2000,
        }
    out = tmp_path / "out.json"
    export = ["export", "--db", str(db), "--format", "dhis2", "-o", str(out)]
    assert main([*export, "--mapping", str(mapping)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))["dataValues"]
    fields = ("dataElement", "period", "orgUnit", "categoryOptionCombo", "value")
    assert sorted(written, key=lambda r: r["value"]) == [
        {k: row[k] for k in fields} for row in data["dataValues"]
    ]
    # Without category_combos the combos are not options of the indicator: refused, located.
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace("category_combos", "# category_combos"),
        encoding="utf-8",
    )
    assert main(["ingest", str(payload), *args, "--db", str(tmp_path / "t.db")]) == 2
    err = capsys.readouterr().err
    assert "$.dataValues[0].categoryOptionCombo" in err
    assert "category_combos" in err


def test_a_bad_category_combos_mapping_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """category_combos must map combo ids to lists of option codes: otherwise exit 2."""
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("category_combos: {oPcWGgS2Liz: teacher}\n", encoding="utf-8")
    data = tmp_path / "in.csv"
    data.write_text("indicator,unit,period,value\nbillboards,S01,20200201,5\n", encoding="utf-8")
    db = tmp_path / "s.db"
    assert main(["ingest", str(data), "--db", str(db), "--mapping", str(mapping)]) == 2
    err = capsys.readouterr().err
    assert "$.category_combos" in err
    assert "expected a list of option codes" in err


@pytest.mark.usefixtures("_screening")
def test_csv_options_and_approximate_figures_round_trip_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ingest then export --format csv gives back the options and the figures as stated."""
    data = tmp_path / "in.csv"
    data.write_text(
        "indicator,unit,period,value,options\n"
        "screened,S01,20200201,480余,\n"
        "screened,S01,20200201,约300,teacher\n"
        "screened,S01,20200201,180,student\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.db"
    ingest = ["ingest", "--db", str(db), "--institution", "test-school", "--allow-new-units"]
    assert main([*ingest, str(data)]) == 0
    capsys.readouterr()
    out = tmp_path / "out.csv"
    assert main(["export", "--db", str(db), "--format", "csv", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",comment,options")
    assert sorted(lines[1:]) == [
        "screened,S01,20200201,180,reported,,,,student",
        "screened,S01,20200201,480余,reported,,,,",
        "screened,S01,20200201,约300,reported,,,,teacher",
    ]
    capsys.readouterr()
    assert main([*ingest, str(out)]) == 0
    assert "unchanged 3" in capsys.readouterr().out
    assert main(["export", "--db", str(db), "--format", "dhis2"]) == 0
    assert "2 approximate figure(s)" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,unit,period,value,options\nscreened,S01,20200202,5,nurse\n")
    assert main([*ingest, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column E (options)" in err
    assert "teacher, student" in err
