"""CSV with category options and approximate figures: read, stored and written back."""

import csv
import io
from pathlib import Path

import attrs

from epireport.io._csv import read_csv_text, write_csv
from epireport.model import Category, CategoryOption
from epireport.model._indicators import Indicator, IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._values import DataValue
from epireport.store import Store, ingest_batch

DAY = Period.parse("20200201")
ORIGIN = Category(
    code="origin",
    name="来源地",
    options=(CategoryOption("wuhan", "武汉"), CategoryOption("outside", "省外")),
)
ROLE = Category(
    code="role",
    name="人员类别",
    options=(CategoryOption("teacher", "教师"), CategoryOption("student", "学生")),
)
INSTITUTION = Institution(
    code="town",
    title="乡镇",
    indicator_sets=(
        IndicatorSet(
            code="returnees",
            title="返乡人员",
            indicators=(
                Indicator(
                    code="returnees", name="返乡人员", classifier="人", categories=(ORIGIN, ROLE)
                ),
                Indicator(code="billboards", name="户外广告牌", classifier="块"),
            ),
        ),
    ),
)


def test_options_and_approximate_cells_are_read() -> None:
    """An options column and hedged figures give values with options and qualifiers."""
    text = (
        "indicator,unit,period,value,options\n"
        "returnees,V01,20200201,82,\n"
        "returnees,V01,20200201,480余,wuhan\n"
        'returnees,V01,20200201,约50,"teacher,wuhan"\n'
        "billboards,V01,20200201,300多,\n"
    )
    batch = read_csv_text(text, "r.csv", institution=INSTITUTION)
    assert batch.problems == ()
    assert [(v.series, v.stated) for v in batch.values] == [
        ("returnees", "82"),
        ("returnees[wuhan]", "480余"),
        ("returnees[wuhan,teacher]", "约50"),  # put in the category order
        ("billboards", "300多"),
    ]


def test_unknown_options_are_located_and_name_the_known_ones() -> None:
    """An option the indicator does not have is a problem at its row and column."""
    text = (
        "indicator,unit,period,value,options\n"
        "returnees,V01,20200201,5,hankou\n"
        'returnees,V01,20200201,5,"wuhan,outside"\n'
        "billboards,V01,20200201,5,wuhan\n"
    )
    batch = read_csv_text(text, "r.csv", institution=INSTITUTION)
    messages = [str(p) for p in batch.problems]
    assert len(messages) == 3, messages
    assert "r.csv: row 2, column E (options)" in messages[0]
    assert "'hankou'" in messages[0]
    assert "wuhan, outside, teacher, student" in messages[0]
    assert "row 3, column E (options)" in messages[1]
    assert "both of category" in messages[1]
    assert "row 4, column E (options)" in messages[2]
    assert "its options: none" in messages[2]


def test_a_doubtful_hedge_is_still_refused() -> None:
    """Only a figure with one qualifier is approximate: 约3万余 and 120左右 stay refused."""
    text = "indicator,unit,period,value\nbillboards,V01,20200201,约3万余\n"
    batch = read_csv_text(text, "r.csv", institution=INSTITUTION)
    assert [p.location for p in batch.problems] == ["r.csv: row 2, column D (value)"]
    text = "indicator,unit,period,value\nbillboards,V01,20200201,120左右\n"
    assert not read_csv_text(text, "r.csv", institution=INSTITUTION).ok


def test_options_and_qualifiers_round_trip_through_the_store(tmp_path: Path) -> None:
    """CSV → store → CSV keeps every option and qualifier; the same series twice is refused."""
    values = [
        DataValue.reported("returnees", "V01", DAY, 82),
        DataValue.reported("returnees", "V01", DAY, 40, options=("wuhan",), qualifier="近"),
        DataValue.reported("returnees", "V01", DAY, 12, options=("wuhan", "teacher")),
        DataValue.reported("billboards", "V01", DAY, 480, qualifier="余"),
    ]
    text = write_csv(values)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][-1] == "options"
    assert [(r[3], r[-1]) for r in rows[1:]] == [
        ("82", ""),
        ("近40", "wuhan"),
        ("12", "wuhan,teacher"),
        ("480余", ""),
    ]
    batch = read_csv_text(text, "first.csv", institution=INSTITUTION)
    assert batch.problems == ()
    assert list(batch.values) == values
    with Store.open(tmp_path / "s.db") as store:
        ingest_batch(store, attrs.evolve(batch, institution="town"), allow_new_units=True)
        again = write_csv(store.values())
    assert read_csv_text(again, "again.csv", institution=INSTITUTION).values == batch.values
    twice = text + "returnees,V01,20200201,41,reported,,,,wuhan\r\n"
    (problem,) = read_csv_text(twice, "t.csv", institution=INSTITUTION).problems
    assert "a second value for 'returnees[wuhan]'" in problem.message


def test_rows_without_options_take_the_quick_way() -> None:
    """A file with an options column reads its plain rows by quick_row, the others in full."""
    text = "indicator,unit,period,value,options\n" + "".join(
        f"billboards,V{i:02d},20200201,{i},\n" for i in range(1, 40)
    )
    text += "returnees,V01,20200201,3,wuhan\n"
    calls: list[str] = []
    from epireport.io import _normalise

    original = _normalise.BatchBuilder.quick_row

    def spy(self: _normalise.BatchBuilder, location: str, *cells: str) -> bool:
        calls.append(location)
        return original(self, location, *cells)

    _normalise.BatchBuilder.quick_row = spy  # type: ignore[method-assign]
    try:
        batch = read_csv_text(text, "q.csv", institution=INSTITUTION)
    finally:
        _normalise.BatchBuilder.quick_row = original  # type: ignore[method-assign]
    assert batch.ok
    assert len(batch.values) == 40
    assert len(calls) == 39
    assert batch.values[-1].options == ("wuhan",)
