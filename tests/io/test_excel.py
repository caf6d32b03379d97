import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from epireport.io._excel import META_SHEET, read_form, write_form
from epireport.model._indicators import Indicator, IndicatorKind, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.store import Store, ingest_batch

openpyxl = pytest.importorskip("openpyxl")

PUBLICITY = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="billboards", name="户外广告牌", classifier="块"),
        Indicator(code="leaflets", name="宣传单", classifier="张"),
        Indicator(code="held", name="召开会议", value_type=ValueType.BOOLEAN),
    ),
)
SCREENING = IndicatorSet(
    code="screening",
    title="排查",
    indicators=(
        Indicator(code="checked", name="排查人数", classifier="人"),
        Indicator(code="fevers", name="发热人数", classifier="人"),
        Indicator(
            code="fever_rate",
            name="发热率",
            kind=IndicatorKind.RATE,
            value_type=ValueType.PERCENTAGE,
            numerator="fevers",
            denominator="checked",
        ),
    ),
)
INSTITUTION = Institution(
    code="test-publicity", title="宣传部", indicator_sets=(PUBLICITY, SCREENING)
)
UNITS = (
    OrgUnit("D01", "某区"),
    OrgUnit("S01", "东街道", "D01"),
    OrgUnit("S02", "西街道", "D01", closing=dt.date(2020, 2, 1)),
)
PERIOD = Period.parse("2020-02-01/2020-02-02")


def _form(tmp_path: Path, **kwargs: Any) -> Path:
    path = tmp_path / "daily.xlsx"
    path.write_bytes(write_form(INSTITUTION, **kwargs))
    return path


def test_the_form_has_instructions_one_sheet_per_set_and_hidden_codes(tmp_path: Path) -> None:
    """Headers carry classifiers, codes sit in a hidden row, rates are left out, meta is hidden."""
    wb = openpyxl.load_workbook(_form(tmp_path, units=UNITS, period=PERIOD))
    assert wb.sheetnames == ["填表说明", "社会宣传", "排查", META_SHEET]
    assert wb[META_SHEET].sheet_state == "hidden"
    ws = wb["社会宣传"]
    headers = [c.value for c in ws[1]]
    assert headers == [
        "单位编码",
        "单位名称",
        "日期",
        "户外广告牌（块）",
        "宣传单（张）",
        "召开会议",
        "零报告",
        "填报人",
        "填报时间",
        "备注",
    ]
    assert ws.row_dimensions[2].hidden
    assert [c.value for c in ws[2]][3:6] == [
        "indicator:billboards",
        "indicator:leaflets",
        "indicator:held",
    ]
    assert "indicator:fever_rate" not in [c.value for c in wb["排查"][2]]
    # S02 closes on 2020-02-01, so it has no row for 2020-02-02; D01 is not a reporting leaf.
    rows = [(r[0], r[2].date()) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows == [
        ("S01", dt.date(2020, 2, 1)),
        ("S02", dt.date(2020, 2, 1)),
        ("S01", dt.date(2020, 2, 2)),
    ]
    rules = {
        str(dv.sqref): (dv.type, dv.operator, dv.formula1)
        for dv in ws.data_validations.dataValidation
    }
    assert rules["D3:D5"] == ("whole", "greaterThanOrEqual", "0")
    assert ("list", None, '"是,否"') in rules.values()
    guide = [r[0] for r in wb["填表说明"].iter_rows(values_only=True)]
    assert any(line and "零报告" in line for line in guide)


def _fill(path: Path, cells: dict[str, dict[str, Any]], out: Path) -> Path:
    wb = openpyxl.load_workbook(path)
    for sheet, values in cells.items():
        for ref, value in values.items():
            wb[sheet][ref] = value
    wb.save(out)
    return out


def test_a_filled_form_is_ingested_and_round_trips(tmp_path: Path) -> None:
    """Form → filled with openpyxl → ingest stores exactly the figures typed, zero-reports too."""
    filled = _fill(
        _form(tmp_path, units=UNITS, period=PERIOD),
        {
            "社会宣传": {"D3": "１２０块", "E3": "1.2万", "F3": "是", "H3": "张三", "J3": "东门"},
            "排查": {"F4": "是", "D5": 30, "E5": 0},
        },
        tmp_path / "filled.xlsx",
    )
    batch = read_form(filled, institution=INSTITUTION)
    assert batch.problems == ()
    assert batch.institution == "test-publicity"
    assert [u.code for u in batch.units] == ["D01", "S01", "S02"]
    day1, day2 = (Period.parse(d) for d in ("20200201", "20200202"))
    assert batch.values == (
        DataValue.reported("billboards", "S01", day1, 120, submitted_by="张三", comment="东门"),
        DataValue.reported("leaflets", "S01", day1, 12000, submitted_by="张三", comment="东门"),
        DataValue.reported("held", "S01", day1, True, submitted_by="张三", comment="东门"),
        DataValue.zero_report("checked", "S02", day1),
        DataValue.zero_report("fevers", "S02", day1),
        DataValue.reported("checked", "S01", day2, 30),
        DataValue.reported("fevers", "S01", day2, 0),
    )
    assert batch.rows[0] == "sheet 社会宣传, row 3, column D"
    with Store.open(tmp_path / "s.db") as store:
        assert ingest_batch(store, batch).added == 7
        assert ingest_batch(store, read_form(filled, institution=INSTITUTION)).unchanged == 7
        assert store.units().get("S02").closing == dt.date(2020, 2, 1)


def test_renamed_headers_and_sheets_do_not_break_ingest(tmp_path: Path) -> None:
    """Ingest reads the hidden codes, so renaming headers and sheets changes nothing."""
    path = _form(tmp_path, units=UNITS, period=PERIOD)
    wb = openpyxl.load_workbook(path)
    ws = wb["社会宣传"]
    ws["D1"] = "广告牌"
    ws.title = "宣传"
    ws["D3"] = 7
    wb.save(tmp_path / "renamed.xlsx")
    batch = read_form(tmp_path / "renamed.xlsx", institution=INSTITUTION)
    assert batch.problems == ()
    assert [v.value for v in batch.values] == [7]


def test_rejected_cells_are_located_by_sheet_row_and_column(tmp_path: Path) -> None:
    """Every doubtful cell is reported as file: sheet, row, column; nothing is kept."""
    filled = _fill(
        _form(tmp_path, units=UNITS, period=PERIOD),
        {
            "社会宣传": {"D3": "120张", "E3": "3.2万余", "G4": "是", "D4": 5, "F5": "也许"},
            "排查": {"A5": None, "D5": 1},
        },
        tmp_path / "bad.xlsx",
    )
    batch = read_form(filled, institution=INSTITUTION, name="daily.xlsx")
    assert [p.location for p in batch.problems] == [
        "daily.xlsx: sheet 社会宣传, row 3, column D",
        "daily.xlsx: sheet 社会宣传, row 3, column E",
        "daily.xlsx: sheet 社会宣传, row 4, column D",
        "daily.xlsx: sheet 社会宣传, row 5, column F",
        "daily.xlsx: sheet 排查, row 5, column A",
    ]
    assert "零报告" in batch.problems[2].message


def test_a_blank_form_without_units_takes_typed_rows(tmp_path: Path) -> None:
    """Without --units the rows are typed by hand: codes, day ids or dates all work."""
    filled = _fill(
        _form(tmp_path),
        {
            "社会宣传": {
                "A3": "S09",
                "C3": 20200203,
                "D3": 4,
                "A4": 101,
                "C4": "2020-02-04",
                "E4": "1,000",
            }
        },
        tmp_path / "typed.xlsx",
    )
    batch = read_form(filled, institution=INSTITUTION)
    assert batch.problems == ()
    assert [(v.unit, str(v.period), v.value) for v in batch.values] == [
        ("S09", "20200203", 4),
        ("101", "20200204", 1000),
    ]
    assert all(v.status is ValueStatus.REPORTED for v in batch.values)


def test_workbooks_that_are_not_forms_are_refused(tmp_path: Path) -> None:
    """A workbook without the hidden sheet, or for another institution, is refused."""
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    assert "not an epireport form" in read_form(plain).problems[0].message
    other = Institution(code="other", title="别的", indicator_sets=(PUBLICITY,))
    form = _form(tmp_path)
    assert "is for 'test-publicity'" in read_form(form, institution=other).problems[0].message
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert read_form(junk).problems[0].message == (
        "junk.xlsx is not an Excel workbook (.xlsx): save it from Excel or WPS as .xlsx"
    )


def test_writing_a_form_does_not_need_a_file() -> None:
    """write_form returns the workbook's bytes, which openpyxl reads back."""
    data = write_form(INSTITUTION)
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0] == "填表说明"


@pytest.mark.parametrize(
    ("column", "written", "message"),
    [
        (5, "abc", "level (column E): expected a whole number from 1, got 'abc'"),
        (5, 0, "level (column E): expected a whole number from 1, got '0'"),
        (6, "2020-13-01", "opening (column F): expected a date (YYYY-MM-DD), got '2020-13-01'"),
        (7, "soon", "closing (column G): expected a date (YYYY-MM-DD), got 'soon'"),
    ],
)
def test_an_edited_hidden_unit_list_is_refused_in_words(
    tmp_path: Path, column: int, written: object, message: str
) -> None:
    """A bad cell in the hidden unit list says which cell and what it expected."""
    path = _form(tmp_path, units=UNITS, period=PERIOD)
    wb = openpyxl.load_workbook(path)
    meta = wb[META_SHEET]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "unit")
    meta.cell(row, column).value = written
    wb.save(path)
    batch = read_form(path, institution=INSTITUTION)
    assert [str(p) for p in batch.problems] == [
        f"{path}: sheet {META_SHEET}, row {row}: bad org unit (the form's hidden unit list): "
        f"{message}"
    ]


def test_a_hidden_unit_list_edited_by_excel_still_reads(tmp_path: Path) -> None:
    """Excel may turn a level into 2.0 and a day into a date: both read as meant."""
    path = _form(tmp_path, units=UNITS, period=PERIOD)
    wb = openpyxl.load_workbook(path)
    meta = wb[META_SHEET]
    row = next(r for r in range(1, meta.max_row + 1) if meta.cell(r, 1).value == "unit")
    meta.cell(row, 5).value = 1.0
    meta.cell(row, 6).value = dt.datetime(2020, 1, 1)
    wb.save(path)
    batch = read_form(path, institution=INSTITUTION)
    assert batch.problems == ()
    assert (batch.units[0].level, batch.units[0].opening) == (1, dt.date(2020, 1, 1))
