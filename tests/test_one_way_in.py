"""One way in: a loader or stage a plugin registers works in render, check, ingest and the API."""

import datetime as dt
import importlib.metadata
import sys
import types
from pathlib import Path

import pytest

import epireport
from epireport import _manager
from epireport.cli import main
from epireport.plugin import InputLoader, LoadContext, Period, ReportInput, hookimpl
from epireport.store import Store

pytest.importorskip("epireport_property_company")

DAILY = """\
institution\tproperty-company
unit\tlhy
unit_name\t莲花苑物业服务中心
period\t{period}
staff_on_duty\t12
garbage_runs\t28
disinfection_rounds\t{rounds}
elevators_with_tissues\t8
households_served\t415
household_tablets\t3980
notices_posted\t126
flow_charts_posted\t零报告
"""


def read_daily_sheet(path: Path, context: LoadContext) -> ReportInput:
    """A plugin's reader for a tab-separated daily sheet (an .xlsx form would work the same)."""
    rows = dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    header = {key: rows.pop(key) for key in ("institution", "unit", "unit_name", "period")}
    data = {
        **header,
        "values": {k: int(v) if v.lstrip("-").isdigit() else v for k, v in rows.items()},
        "narrative": {"owner_needs": ["根据业主电话反映代购常用药品"]},
    }
    institution = context.resolve(header["institution"])
    return epireport.load_report(data, institution=institution, name=context.name)


class DailySheet:
    """A third-party plugin: a loader for ``.daily`` files and a named stage."""

    @hookimpl
    def epireport_register_input_loaders(self) -> list[InputLoader]:
        return [InputLoader(code="daily-sheet", suffixes=[".daily"], load=read_daily_sheet)]

    @hookimpl
    def epireport_register_stages(self) -> list[Period]:
        return [Period.stage("第一阶段", dt.date(2020, 2, 1), dt.date(2020, 2, 14))]


@pytest.fixture(autouse=True)
def _installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install DailySheet as an entry point, next to the reference institutions."""
    module = types.ModuleType("epireport_daily_sheet")
    module.plugin = DailySheet()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "epireport_daily_sheet", module)
    installed = _manager.discover_entry_points()
    ours = importlib.metadata.EntryPoint(
        name="daily-sheet", value="epireport_daily_sheet:plugin", group="epireport"
    )
    monkeypatch.setattr(_manager, "discover_entry_points", lambda: [*installed, ours])
    monkeypatch.setenv("EPIREPORT_STRICT_PLUGINS", "1")
    monkeypatch.delenv("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("EPIREPORT_LOAD_PLUGINS", raising=False)


def sheet(tmp_path: Path, *, period: str = "2020-02-01/2020-02-14", rounds: str = "42") -> Path:
    path = tmp_path / "日报.daily"
    path.write_text(DAILY.format(period=period, rounds=rounds), encoding="utf-8")
    return path


def test_render_reads_a_plugin_loaders_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``epireport render`` and ``render_report`` read a .daily file through its loader."""
    path = sheet(tmp_path)
    assert main(["render", str(path)]) == 0
    text = capsys.readouterr().out
    assert "莲花苑物业服务中心" in text
    assert "3900多片" in text
    assert epireport.render_report(path).output == text


def test_check_reads_a_plugin_loaders_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``epireport check`` validates the data a plugin's loader read."""
    assert main(["check", str(sheet(tmp_path, rounds="-1"))]) in (1, 2)
    out = capsys.readouterr()
    assert "disinfection_rounds" in out.out + out.err


def test_ingest_reads_a_plugin_loaders_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``epireport ingest`` stores what a plugin's loader read, checked against its institution."""
    db = tmp_path / "store.sqlite"
    assert main(["ingest", "--db", str(db), str(sheet(tmp_path))]) == 0
    assert "added 8" in capsys.readouterr().out
    with Store.open(db) as store:
        codes = {value.indicator for value in store.values()}
    assert "household_tablets" in codes


def test_a_bare_stage_name_is_a_period_in_a_report_and_in_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A registered stage resolves in a report input, in --period and in the API."""
    path = sheet(tmp_path, period="第一阶段")
    report = epireport.load_input(path)
    assert report.period.name == "第一阶段"
    assert str(report.period) == "第一阶段:2020-02-01/2020-02-14"
    db = tmp_path / "store.sqlite"
    assert main(["ingest", "--db", str(db), str(path)]) == 0
    words = tmp_path / "words.yaml"
    words.write_text(
        "institution: property-company\nunit: lhy\nunit_name: 莲花苑物业服务中心\n"
        "period: 第一阶段\nnarrative: {owner_needs: [根据业主电话反映代购常用药品]}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    argv = ["render", str(words), "--db", str(db), "--institution", "property-company"]
    assert main([*argv, "--period", "第一阶段"]) == 0
    assert "3900多片" in capsys.readouterr().out


def test_an_unknown_stage_name_is_still_an_error(tmp_path: Path) -> None:
    """A name no plugin registers is refused, saying what a period looks like."""
    with pytest.raises(epireport.InputError, match=r"\$\.period"):
        epireport.load_input(sheet(tmp_path, period="第九阶段"))


def test_a_data_file_given_to_render_says_to_ingest_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV of data values is not a report input: render says to ingest it, exit 2."""
    csv = tmp_path / "values.csv"
    csv.write_text("indicator,unit,period,value\nstaff_on_duty,lhy,20200201,3\n", encoding="utf-8")
    assert main(["render", str(csv)]) == 2
    assert "ingest it into a store" in capsys.readouterr().err
