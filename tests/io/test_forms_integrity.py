"""A form keeps data honest: what a clerk types either arrives as typed or is refused, located."""

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from epireport.io._excel import read_form, write_form
from epireport.io._normalise import normalise_period, normalise_timestamp
from epireport.model._indicators import Indicator, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import ValueStatus
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
INSTITUTION = Institution(code="test-forms", title="宣传部", indicator_sets=(PUBLICITY,))
UNITS = (
    OrgUnit("D01", "某区"),
    OrgUnit("S01", "东街道", "D01"),
    OrgUnit("S02", "西街道", "D01"),
)
FEBRUARY = Period.parse("202002")
SHEET = "社会宣传"
# Rows of a pre-filled February form: (S01, 02-01) is row 3, (S02, 02-01) row 4, then by day.
S01_DAY1, S02_DAY1, S01_DAY2 = 3, 4, 5
DAY1, DAY2 = Period.parse("20200201"), Period.parse("20200202")
# Columns: A unit, B name, C date, D billboards, E leaflets, F held, G 零报告, H 填报人,
# I 填报时间, J 备注.


def _form(tmp_path: Path, **kwargs: Any) -> Path:
    path = tmp_path / "form.xlsx"
    if not path.exists():
        path.write_bytes(write_form(INSTITUTION, **kwargs))
    return path


def _filled(tmp_path: Path, cells: dict[str, Any], name: str = "filled.xlsx", **kw: Any) -> Path:
    kw.setdefault("units", UNITS)
    kw.setdefault("period", FEBRUARY)
    wb = openpyxl.load_workbook(_form(tmp_path, **kw))
    for ref, value in cells.items():
        wb[SHEET][ref] = value
    out = tmp_path / name
    wb.save(out)
    return out


def _messages(path: Path) -> list[str]:
    return [f"{p.location}: {p.message}" for p in read_form(path, name=path.name).problems]


# ------------------------------------------------------------------ the form's own units and days


def test_a_unit_outside_the_forms_unit_list_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    """A unit code not in the hidden unit list is refused, naming the cell, codes and a guess."""
    path = _filled(tmp_path, {f"A{S01_DAY1}": "S010", f"D{S01_DAY1}": 5})
    assert _messages(path) == [
        "filled.xlsx: sheet 社会宣传, row 3, column A: unit 'S010' is not in this form's unit "
        "list; did you mean 'S01'? (known: D01, S01, S02)"
    ]


def test_a_unit_code_in_the_wrong_case_is_pointed_to_the_right_one(tmp_path: Path) -> None:
    """Codes are exact: 's01' is refused, and the suggestion is 'S01' alone."""
    path = _filled(tmp_path, {f"A{S01_DAY1}": "s01", f"D{S01_DAY1}": 5})
    (message,) = _messages(path)
    assert "unit 's01' is not in this form's unit list; did you mean 'S01'? (known:" in message


def test_a_unit_name_in_the_code_column_is_pointed_to_its_code(tmp_path: Path) -> None:
    """Typing the unit's name instead of its code is refused with the code to write."""
    path = _filled(tmp_path, {f"A{S01_DAY1}": "东街道", f"D{S01_DAY1}": 5})
    (message,) = _messages(path)
    assert "东街道 is the name of unit 'S01': write its code" in message


def test_a_form_without_a_unit_list_takes_any_unit(tmp_path: Path) -> None:
    """A blank form (written without --units) has no unit list to check against."""
    path = _filled(tmp_path, {"A3": "S77", "C3": "2020-02-03", "D3": 1}, units=None)
    assert [v.unit for v in read_form(path).values] == ["S77"]


def test_a_day_outside_the_forms_period_is_refused(tmp_path: Path) -> None:
    """A date outside the hidden period is refused with both the date and the period."""
    path = _filled(tmp_path, {f"C{S01_DAY1}": dt.datetime(2020, 3, 2), f"D{S01_DAY1}": 5})
    assert _messages(path) == [
        "filled.xlsx: sheet 社会宣传, row 3, column C: 2020-03-02 is outside this form's "
        "period 2020-02-01/2020-02-29"
    ]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (202002, "202002 (2020年2月)"),
        (2020, "2020 (2020年)"),
        ("202002", "'202002' (2020年2月)"),
        ("2020W6", "'2020W6' (2020年第6周)"),
        ("2020-02-01/2020-02-01", "'2020-02-01/2020-02-01' (2020年2月1日)"),
    ],
)
def test_a_month_or_year_in_the_date_column_is_not_a_day(
    tmp_path: Path, typed: object, shown: str
) -> None:
    """A period id that is not a single day is refused: a form's rows are daily reports."""
    # A blank form: typed rows, date cells without a date format, so 202002 stays a number.
    path = _filled(tmp_path, {"A3": "S01", "C3": typed, "D3": 5}, units=None, period=None)
    (message,) = _messages(path)
    assert message.startswith(
        f"filled.xlsx: sheet 社会宣传, row 3, column C: expected a day such as 2020-02-01, "
        f"got {shown}"
    )
    assert message.endswith("each row of a form is one unit's report for one day")


@pytest.mark.parametrize("typed", ["2020/2/1", "2020.2.1", "2020年2月1日", "２０２０／２／１"])
def test_days_typed_as_people_write_them_are_read(tmp_path: Path, typed: str) -> None:
    """'2020/2/1', '2020.2.1' and '2020年2月1日' in a date cell are that day."""
    path = _filled(tmp_path, {f"C{S01_DAY1}": typed, f"D{S01_DAY1}": 5})
    batch = read_form(path)
    assert batch.problems == ()
    assert [(v.unit, v.period) for v in batch.values] == [("S01", DAY1)]


def test_a_typed_day_that_is_no_calendar_date_is_refused(tmp_path: Path) -> None:
    """'2020/2/30' is refused as a date, not read as an interval or a period id."""
    path = _filled(tmp_path, {f"C{S01_DAY1}": "2020/2/30", f"D{S01_DAY1}": 5})
    (message,) = _messages(path)
    assert "expected a day such as 2020-02-01" in message
    assert "'2020/2/30' is not a date" in message


def test_normalise_reads_typed_days_and_times() -> None:
    """normalise_period and normalise_timestamp read days and times in the usual typed forms."""
    for typed in ("2020/2/1", "2020.2.1", "2020-2-1", "2020年2月1日", "2020 年 2 月 1 日"):
        assert normalise_period(typed) == DAY1
    assert normalise_period("202002") == FEBRUARY  # CSV and DHIS2 still take any period
    with pytest.raises(ValueError, match="is not a valid period id"):
        normalise_period("2020-2/1")  # mixed separators are not guessed at
    morning = dt.datetime(2020, 2, 2, 8, 30)
    for typed in ("2020-02-02 08:30", "2020/2/2 8:30", "2020年2月2日 8:30", "2020.2.2 08:30:00"):
        assert normalise_timestamp(typed) == morning
    assert normalise_timestamp("2020/2/2") == dt.datetime(2020, 2, 2)
    with pytest.raises(ValueError, match="not a time of day"):
        normalise_timestamp("2020/2/2 25:00")


# ------------------------------------------------------------------------- 填报时间 (submitted_at)


def test_the_form_has_a_submission_time_column_with_validation(tmp_path: Path) -> None:
    """填报时间 follows 填报人, is hidden-coded submitted_at, validated and explained."""
    wb = openpyxl.load_workbook(_form(tmp_path, units=UNITS, period=FEBRUARY))
    ws = wb[SHEET]
    assert (ws["H1"].value, ws["I1"].value, ws["J1"].value) == ("填报人", "填报时间", "备注")
    assert ws["I2"].value == "submitted_at"
    assert ws["I3"].number_format == "yyyy-mm-dd hh:mm"
    rules = {str(dv.sqref): dv.type for dv in ws.data_validations.dataValidation}
    assert rules[f"I3:I{2 + 29 * 2}"] == "date"
    guide = "".join(str(r[0]) for r in wb["填表说明"].iter_rows(values_only=True))
    assert "填报时间" in guide
    assert "较晚的为准" in guide


def test_submission_times_are_read_from_date_cells_and_text(tmp_path: Path) -> None:
    """A date-time cell and typed text both become each value's submitted_at."""
    path = _filled(
        tmp_path,
        {
            f"D{S01_DAY1}": 5,
            f"I{S01_DAY1}": dt.datetime(2020, 2, 1, 18, 5),
            f"D{S02_DAY1}": 6,
            f"E{S02_DAY1}": 7,
            f"I{S02_DAY1}": "2020-02-02 08:30",
            f"D{S01_DAY2}": 8,
        },
    )
    batch = read_form(path)
    assert batch.problems == ()
    assert [(v.unit, v.value, v.submitted_at) for v in batch.values] == [
        ("S01", 5, dt.datetime(2020, 2, 1, 18, 5)),
        ("S02", 6, dt.datetime(2020, 2, 2, 8, 30)),
        ("S02", 7, dt.datetime(2020, 2, 2, 8, 30)),
        ("S01", 8, None),
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2020-01-31 09:00", "填报时间 2020-01-31 09:00 is before the day this row reports"),
        ("2999-02-01 09:00", "填报时间 2999-02-01 09:00 is in the future"),
        ("昨天", "expected a date and time such as 2020-02-01 18:30, got '昨天'"),
    ],
)
def test_an_impossible_submission_time_is_refused(
    tmp_path: Path, typed: object, expected: str
) -> None:
    """A 填报时间 that cannot be right is refused at its cell: it decides which copy wins."""
    path = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"I{S01_DAY1}": typed})
    (message,) = _messages(path)
    assert message.startswith("filled.xlsx: sheet 社会宣传, row 3, column I: ")
    assert expected in message


def test_a_submission_time_typed_as_a_plain_number_is_refused(tmp_path: Path) -> None:
    """A number in an unformatted 填报时间 cell is not guessed to be a date serial."""
    path = _filled(tmp_path, {"A3": "S01", "C3": "2020-02-01", "D3": 5, "I3": 43863.35}, units=None)
    (message,) = _messages(path)
    assert "row 3, column I: expected a date and time such as 2020-02-02 08:30, got the " in message
    assert "number 43863.35 (format the cell as a date" in message


# ------------------------------------------------------------------------------ scope (withdrawals)


def test_every_row_with_a_unit_and_a_day_puts_its_cells_in_scope(tmp_path: Path) -> None:
    """Filled and empty rows alike speak for every indicator cell of their sheet."""
    path = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"G{S02_DAY1}": "是"})
    batch = read_form(path, institution=INSTITUTION)
    assert batch.problems == ()
    codes = ("billboards", "leaflets", "held")
    days = [Period.day(d) for d in FEBRUARY.iter_days()]
    expected = [(c, u, day) for day in days for u in ("S01", "S02") for c in codes]
    assert list(batch.scope) == expected
    assert len(batch.values) == 1 + 2  # S01's billboards; S02's zero-report of the two counts


def test_an_empty_row_is_not_an_error_and_a_row_without_a_day_has_no_scope(
    tmp_path: Path,
) -> None:
    """A row with nothing reported is no error; a row naming no day speaks for no cell."""
    path = _filled(tmp_path, {f"C{S01_DAY1}": None, f"H{S02_DAY1}": "张三"})
    batch = read_form(path)
    assert batch.problems == ()
    assert batch.values == ()
    assert ("billboards", "S01", DAY1) not in batch.scope
    assert ("billboards", "S02", DAY1) in batch.scope


def test_a_cleared_cell_in_a_re_sent_form_withdraws_the_stored_value(tmp_path: Path) -> None:
    """Clearing a cell and re-sending the form withdraws the value; the other cells stay."""
    first = _filled(
        tmp_path,
        {f"D{S01_DAY1}": 5, f"E{S01_DAY1}": 9, f"I{S01_DAY1}": "2020-02-01 18:00"},
        name="first.xlsx",
    )
    again = _filled(
        tmp_path, {f"D{S01_DAY1}": 5, f"I{S01_DAY1}": "2020-02-02 09:00"}, name="again.xlsx"
    )
    with Store.open(tmp_path / "s.db") as store:
        assert ingest_batch(store, read_form(first, institution=INSTITUTION)).added == 2
        result = ingest_batch(store, read_form(again, institution=INSTITUTION))
        assert result.withdrawn == 1
        assert [(v.indicator, v.value) for v in store.values()] == [("billboards", 5)]


def test_a_unit_that_fills_in_nothing_speaks_for_no_cell(tmp_path: Path) -> None:
    """Rows of a unit with nothing typed anywhere in the file are out of scope."""
    batch = read_form(_filled(tmp_path, {f"D{S01_DAY1}": 5}))
    assert {unit for _, unit, _ in batch.scope} == {"S01"}
    assert len(batch.scope) == 29 * 3  # every day of S01, filled or not


def test_copies_of_a_shared_workbook_do_not_withdraw_each_others_figures(tmp_path: Path) -> None:
    """Each unit's copy of one workbook leaves the other units' figures stored."""
    east = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"I{S01_DAY1}": "2020-02-01 18:00"}, "east.xlsx")
    west = _filled(tmp_path, {f"D{S02_DAY1}": 6, f"I{S02_DAY1}": "2020-02-02 09:00"}, "west.xlsx")
    with Store.open(tmp_path / "s.db") as store:
        ingest_batch(store, read_form(east, institution=INSTITUTION))
        assert ingest_batch(store, read_form(west, institution=INSTITUTION)).withdrawn == 0
        assert sorted((v.unit, v.value) for v in store.values()) == [("S01", 5), ("S02", 6)]


def test_clearing_all_of_a_units_figures_withdraws_them_when_the_row_is_dated(
    tmp_path: Path,
) -> None:
    """A unit clearing every figure still speaks through the row's new 填报时间."""
    first = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"I{S01_DAY1}": "2020-02-01 18:00"}, "a.xlsx")
    cleared = _filled(tmp_path, {f"I{S01_DAY1}": "2020-02-02 09:00"}, "b.xlsx")
    batch = read_form(cleared, institution=INSTITUTION)
    assert batch.problems == ()
    assert ("billboards", "S01", DAY1) in batch.scope
    with Store.open(tmp_path / "s.db") as store:
        ingest_batch(store, read_form(first, institution=INSTITUTION))
        assert ingest_batch(store, batch).withdrawn == 1
        assert list(store.values()) == []


def test_the_later_submission_time_wins_whatever_the_order_of_ingest(tmp_path: Path) -> None:
    """A correction with a later 填报时间 wins; the older copy sent again changes nothing."""
    old = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"I{S01_DAY1}": "2020-02-01 18:00"}, "old.xlsx")
    new = _filled(tmp_path, {f"D{S01_DAY1}": 6, f"I{S01_DAY1}": "2020-02-02 09:00"}, "new.xlsx")
    with Store.open(tmp_path / "s.db") as store:
        ingest_batch(store, read_form(old, institution=INSTITUTION))
        assert ingest_batch(store, read_form(new, institution=INSTITUTION)).updated == 1
        late = ingest_batch(store, read_form(old, institution=INSTITUTION))
        assert (late.updated, late.older) == (0, 1)
        (value,) = store.values()
    assert (value.value, value.submitted_at) == (6, dt.datetime(2020, 2, 2, 9, 0))


# ------------------------------------------------------------------------- nothing read as empty


def test_a_formula_without_a_saved_result_is_refused(tmp_path: Path) -> None:
    """A formula nobody computed is named with its cell, not read as an empty cell."""
    path = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"E{S01_DAY1}": "=30+12"})
    assert _messages(path) == [
        "filled.xlsx: sheet 社会宣传, row 3, column E: a formula (=30+12) without a saved "
        "result: open the file in Excel or WPS and save it, then send it again"
    ]


def test_a_row_of_only_formulas_is_not_skipped(tmp_path: Path) -> None:
    """A row whose only figures are uncomputed formulas is refused, never taken as empty."""
    path = _filled(tmp_path, {f"D{S01_DAY2}": "=1+1", f"E{S01_DAY2}": "=SUM(D5:D5)"})
    assert [m.split(": a formula")[0] for m in _messages(path)] == [
        "filled.xlsx: sheet 社会宣传, row 5, column D",
        "filled.xlsx: sheet 社会宣传, row 5, column E",
    ]


def test_a_formula_with_its_saved_result_is_read_as_that_result(tmp_path: Path) -> None:
    """A formula saved by Excel or WPS carries its result, which is the figure read."""
    path = _filled(tmp_path, {f"D{S01_DAY1}": "=30+12"})
    # What Excel writes on saving: the formula and its cached value.
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(<f>30\+12</f>)<v\s*/?>(</v>)?", rb"\1<v>42</v>", data)
            dst.writestr(item, data)
    batch = read_form(saved)
    assert batch.problems == ()
    assert [v.value for v in batch.values] == [42]


def test_merged_figure_cells_are_refused(tmp_path: Path) -> None:
    """Merged cells over figures are named as a range with the advice to unmerge them."""
    path = _filled(tmp_path, {f"D{S01_DAY1}": 5})
    wb = openpyxl.load_workbook(path)
    wb[SHEET].merge_cells("D3:D4")
    wb[SHEET].merge_cells("A1:B1")  # merged headers are harmless
    wb.save(path)
    assert _messages(path) == [
        "filled.xlsx: sheet 社会宣传, row 3, column D: merged cells D3:D4: unmerge them and "
        "write each day's figure in its own cell"
    ]


def test_merged_unit_cells_are_refused(tmp_path: Path) -> None:
    """Merging a unit's code over two rows is refused: the second row would have no unit."""
    path = _filled(tmp_path, {f"D{S01_DAY1}": 5, f"D{S01_DAY2}": 6})
    wb = openpyxl.load_workbook(path)
    wb[SHEET].merge_cells("A3:A5")
    wb.save(path)
    (message,) = _messages(path)
    assert "merged cells A3:A5: unmerge them and fill in every cell" in message


# ---------------------------------------------------------------------------- not a workbook


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "名称,数量\n东街道,5\n".encode(),
            "x.xlsx is not an Excel workbook (.xlsx): save it from Excel or WPS as .xlsx",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "x.xlsx is an old-style Excel workbook (.xls): open it in Excel or WPS and save it "
            "as an Excel workbook (.xlsx)",
        ),
    ],
    ids=["csv", "xls"],
)
def test_a_file_that_is_no_workbook_is_named_with_what_to_do(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    """A renamed CSV or an old .xls is refused in one sentence saying how to fix it."""
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert [p.message for p in read_form(path).problems] == [expected]


def test_a_damaged_workbook_is_named_with_what_to_do(tmp_path: Path) -> None:
    """A truncated or corrupt .xlsx is refused as damaged, never with a traceback."""
    whole = write_form(INSTITUTION, units=UNITS, period=FEBRUARY)
    path = tmp_path / "x.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert [p.message for p in read_form(path).problems] == [
        "x.xlsx is damaged or is not an Excel workbook (.xlsx): open it in Excel or WPS and "
        "save it as .xlsx again"
    ]


def test_a_form_sent_under_another_extension_is_still_read(tmp_path: Path) -> None:
    """The content decides, not the name: a form saved as form.bin is read as a form."""
    path = tmp_path / "form.bin"
    path.write_bytes(write_form(INSTITUTION, units=UNITS, period=FEBRUARY))
    batch = read_form(path)
    assert batch.problems == ()
    assert batch.values == ()
    assert all(v.status is ValueStatus.REPORTED for v in batch.values)
