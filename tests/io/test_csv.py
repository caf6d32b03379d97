import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.io._csv import neutralise, read_csv, read_csv_text, write_csv
from epireport.model._indicators import Indicator, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._values import DataValue
from epireport.store import Store, ingest_batch

DAY = Period.parse("20200201")
INSTITUTION = Institution(
    code="test-publicity",
    title="宣传部",
    indicator_sets=(
        IndicatorSet(
            code="publicity",
            title="社会宣传",
            indicators=(
                Indicator(code="billboards", name="户外广告牌", classifier="块"),
                Indicator(code="note", name="说明", value_type=ValueType.TEXT),
                Indicator(code="delta", name="变化", value_type=ValueType.DECIMAL),
            ),
        ),
    ),
)
HEADER = "indicator,unit,period,value,status,submitted_at,submitted_by,comment\n"


def test_values_round_trip_through_csv_and_the_store(tmp_path: Path) -> None:
    """CSV → store → CSV gives the same values, every status and provenance included."""
    values = [
        DataValue.reported(
            "billboards",
            "S01",
            DAY,
            120,
            submitted_at=dt.datetime(2020, 2, 1, 18, 0),
            submitted_by="张三",
            comment="含临时",
        ),
        DataValue.reported("delta", "S01", DAY, Decimal("-2.5")),
        DataValue.reported("note", "S01", DAY, '=HYPERLINK("x")'),
        DataValue.zero_report("billboards", "S02", DAY),
        DataValue.not_applicable("delta", "S02", DAY),
        DataValue.missing("billboards", "S03", DAY),
    ]
    first = tmp_path / "first.csv"
    first.write_text(write_csv(values), encoding="utf-8")
    batch = read_csv(first, institution=INSTITUTION)
    assert batch.problems == ()
    assert list(batch.values) == values
    with Store.open(tmp_path / "s.db") as store:
        # A CSV names no institution: the caller says whose it is, and allows its new units.
        ingest_batch(store, attrs.evolve(batch, institution="t"), allow_new_units=True)
        again = write_csv(store.values())
    assert read_csv_text(again, "again.csv", institution=INSTITUTION).values == batch.values


def test_formulas_are_neutralised_but_negative_numbers_stay_numbers() -> None:
    """Cells that would run as formulas get a quote; a negative figure in value stays a number."""
    values = [
        DataValue.reported("delta", "-S1", DAY, Decimal("-2.5"), submitted_by="@admin"),
        DataValue.reported("note", "S1", DAY, "=1+1", comment="+86 138"),
        DataValue.reported("note", "S2", DAY, "-5"),
    ]
    rows = list(csv.reader(io.StringIO(write_csv(values).removeprefix("\ufeff"))))
    assert rows[1][:4] == ["delta", "'-S1", "20200201", "-2.5"]
    assert rows[1][6] == "'@admin"
    assert rows[2][3] == "'=1+1"
    assert rows[2][7] == "'+86 138"
    assert rows[3][3] == "'-5"  # a text that looks like a number is still text


@given(st.text(alphabet="=+-@'\t\rab1", max_size=6))
def test_neutralised_text_reads_back_unchanged(text: str) -> None:
    """Reading what neutralise wrote gives the original text back, quotes included."""
    cell = neutralise(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    rows = f"{HEADER}note,S1,20200201,{_quote(cell)},,,,\n"
    batch = read_csv_text(rows, "x.csv", institution=INSTITUTION)
    if text.strip(" \t\r\n\u3000\u00a0"):
        assert batch.problems == ()
        assert batch.values[0].value == text.strip(" \t\r\n\u3000\u00a0")


def _quote(cell: str) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([cell])
    return out.getvalue().removesuffix("\r\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_utf8_with_or_without_bom_and_gb18030_are_read(tmp_path: Path, encoding: str) -> None:
    """UTF-8 (BOM or not) and GB18030 as WPS saves it read the same Chinese."""
    path = tmp_path / "data.csv"
    path.write_bytes(
        (
            "indicator,unit,period,value,comment\r\nbillboards,S01,20200201,１２０块,东门增设\r\n"
        ).encode(encoding)
    )
    batch = read_csv(path, institution=INSTITUTION)
    assert batch.problems == ()
    assert batch.values == (DataValue.reported("billboards", "S01", DAY, 120, comment="东门增设"),)


def test_rejected_rows_are_located_by_row_and_column(tmp_path: Path) -> None:
    """Every rejected cell is reported with file, row and column; nothing of the file is kept."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "indicator,unit,period,value\n"
        "billboards,S01,20200201,12\n"
        "billboards,S02,20200201,1.23456万\n"
        "leaflets,S03,20200201,5\n"
        "billboards,S04,2020-02-30,5\n"
        "billboards,S05,20200201,\n"
        "billboards,S01,20200201,13\n",
        encoding="utf-8",
    )
    batch = read_csv(path, institution=INSTITUTION, name="bad.csv")
    locations = [p.location for p in batch.problems]
    assert locations == [
        "bad.csv: row 3, column D (value)",
        "bad.csv: row 4, column A (indicator)",
        "bad.csv: row 5, column C (period)",
        "bad.csv: row 6, column D (value)",
        "bad.csv: row 7",
    ]
    assert "second value" in batch.problems[-1].message


def test_headers_are_checked_before_any_row(tmp_path: Path) -> None:
    """Unknown or missing columns are reported on the header row."""
    batch = read_csv_text("indicator,unit,date,value,remark\n", "h.csv")
    assert [p.location for p in batch.problems] == [
        "h.csv: row 1, column C",
        "h.csv: row 1, column E",
        "h.csv: row 1",
    ]
    assert "period" in batch.problems[-1].message
    assert read_csv_text("", "empty.csv").problems[0].location == "empty.csv"


def test_status_column_declares_states_and_contradictions_are_refused() -> None:
    """A status with an empty value declares a state; one contradicting the value is refused."""
    batch = read_csv_text(
        HEADER
        + "billboards,S01,20200201,,zero_report,,,\n"
        + "billboards,S02,20200201,,missing,,,\n"
        + "billboards,S03,20200201,5,zero_report,,,\n"
        + "billboards,S04,20200201,,reported,,,\n",
        "s.csv",
        institution=INSTITUTION,
    )
    assert [v.status.value for v in batch.values] == ["zero_report", "missing"]
    assert [p.location for p in batch.problems] == [
        "s.csv: row 4, column E (status)",
        "s.csv: row 5, column D (value)",
    ]


_LINE_TEXT = st.lists(
    st.sampled_from(["a", "中", ",", '"', "\n", "\r\n", "\r", "\x0b", "\x1c", "\x85", "\u2028"]),
    max_size=40,
).map("".join)


@given(_LINE_TEXT, st.integers(min_value=1, max_value=8))
def test_lines_read_as_the_csv_module_reads_the_file(text: str, piece: int) -> None:
    """Cut in pieces (any size) and split in C, the text reads as io.StringIO gives it to csv.

    Quoted cells may hold line ends; VT, FS, NEL and LINE SEPARATOR end a line for
    str.splitlines but not for the csv module.
    """
    from epireport.io import _csv

    original = _csv._PIECE
    _csv._PIECE = piece
    try:
        lines = list(_csv._lines(text))
    finally:
        _csv._PIECE = original
    assert "".join(lines) == text
    expected = io.StringIO(text, newline="")
    assert list(csv.reader(lines)) == list(csv.reader(expected))


_CELLS = st.tuples(
    st.sampled_from(["billboards", "delta", "note", "nope", " billboards", ""]),
    st.sampled_from(["S01", "S02", " S02", "", "'S03"]),
    st.sampled_from(["20200201", "20200202", "2020-02-30", "202002", "'20200201"]),
    st.sampled_from(["3", "0", "-1", "十二", "", "3.5", "'5", "120块", "true"]),
)


@given(st.lists(_CELLS, max_size=25), st.booleans())
def test_the_quick_way_reads_as_the_full_way(rows: list[tuple[str, ...]], blank: bool) -> None:
    """Plain rows go the quick way (quick_rows), the others in full: the batch is the same.

    With an extra comment column every row is read in full; values, their rows, and every
    problem with its place come out alike, in the same order.
    """
    lines = [",".join(row) for row in rows]
    if blank and lines:
        lines.insert(len(lines) // 2, ",,,")  # an empty row among them
    quick = read_csv_text(
        "indicator,unit,period,value\n" + "\n".join(lines), "f.csv", institution=INSTITUTION
    )
    full = read_csv_text(
        "indicator,unit,period,value,comment\n" + "\n".join(line + "," for line in lines),
        "f.csv",
        institution=INSTITUTION,
    )
    assert (list(quick.values), list(quick.rows)) == (list(full.values), list(full.rows))
    assert [str(p) for p in quick.problems] == [str(p) for p in full.problems]
