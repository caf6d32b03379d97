from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from epireport.exceptions import InputError, ModelError
from epireport.io._normalise import (
    BatchBuilder,
    CodeMapping,
    load_mapping,
    load_units,
    normalise_number,
    normalise_period,
    normalise_timestamp,
    normalise_value,
    read_cells,
)
from epireport.model._indicators import Indicator, IndicatorKind, ValueType
from epireport.model._periods import Period
from epireport.model._values import ValueStatus

BILLBOARDS = Indicator(code="billboards", name="户外广告牌", classifier="块")
RATE = Indicator(code="share", name="占比", value_type=ValueType.PERCENTAGE, classifier="")
HOURS = Indicator(code="hours", name="广播", value_type=ValueType.DECIMAL, classifier="小时")
FLAG = Indicator(code="held", name="召开发布会", value_type=ValueType.BOOLEAN)
NOTE = Indicator(code="note", name="说明", value_type=ValueType.TEXT)
BALANCE = Indicator(
    code="balance", name="差额", kind=IndicatorKind.STOCK, value_type=ValueType.DECIMAL
)

_FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("120", 120),
        ("１２０", 120),
        ("1,234", 1234),
        ("1，234", 1234),
        ("１，２３４", 1234),
        ("12,345,678", 12345678),
        ("1.2万", 12000),
        ("1.2 万", 12000),
        ("3亿", 300000000),
        ("120块", 120),
        ("120 块", 120),
        ("１２０块", 120),
        ("1.5万块", 15000),
        ("  120\u3000", 120),
        ("0", 0),
    ],
)
def test_counts_typed_many_ways_read_exactly(text: str, expected: int) -> None:
    """Full-width digits, separators, 万/亿 and the indicator's own classifier are read exactly."""
    assert normalise_number(text, BILLBOARDS) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,23", "three digits"),
        ("12,3456", "three digits"),
        ("1.23456万", "not a whole number"),
        ("3.2万余", "hedged"),
        ("约120", "hedged"),
        ("120多", "hedged"),
        ("120张", "not the measure word"),
        ("12.5", "not a whole number"),
        ("-3", "negative"),
        ("85%", "percentage"),
        ("一百二十", "expected a number"),
        ("1 234", "expected a number"),
        ("1、234", "expected a number"),
        ("", "empty"),
    ],
)
def test_doubtful_figures_are_refused_with_a_reason(text: str, reason: str) -> None:
    """Anything doubtful is refused, never guessed, and the message says why."""
    with pytest.raises(ModelError, match=reason):
        normalise_number(text, BILLBOARDS)


def test_decimals_percentages_and_signs_follow_the_indicator() -> None:
    """Decimals keep their digits, % fits percentages, negatives fit non-count indicators."""
    assert normalise_number("2.5小时", HOURS) == Decimal("2.5")
    assert normalise_number("８５％", RATE) == 85
    assert normalise_number("-1.5", BALANCE) == Decimal("-1.5")
    assert normalise_number("１２.０", BILLBOARDS) == 12


def test_without_an_indicator_a_trailing_word_cannot_be_checked() -> None:
    """Without an institution a number followed by a word is refused, naming --institution."""
    with pytest.raises(ModelError, match="--institution"):
        normalise_number("120块")
    assert normalise_number("12.5") == Decimal("12.5")


@pytest.mark.parametrize(
    ("raw", "indicator", "expected"),
    [
        ("零报告", BILLBOARDS, (ValueStatus.ZERO_REPORT, None)),
        ("不适用", BILLBOARDS, (ValueStatus.NOT_APPLICABLE, None)),
        ("缺报", None, (ValueStatus.MISSING, None)),
        ("是", FLAG, (ValueStatus.REPORTED, True)),
        ("否", FLAG, (ValueStatus.REPORTED, False)),
        (True, None, (ValueStatus.REPORTED, True)),
        ("true", None, (ValueStatus.REPORTED, True)),
        (" 已召开 ", NOTE, (ValueStatus.REPORTED, "已召开")),
        ("已召开", None, (ValueStatus.REPORTED, "已召开")),
        (12.0, BILLBOARDS, (ValueStatus.REPORTED, 12)),
        (0.1, HOURS, (ValueStatus.REPORTED, Decimal("0.1"))),
        (7, None, (ValueStatus.REPORTED, 7)),
    ],
)
def test_cells_become_a_status_and_a_value(
    raw: object, indicator: Indicator | None, expected: tuple[ValueStatus, object]
) -> None:
    """Status words, flags, texts and spreadsheet numbers become the right status and value."""
    assert normalise_value(raw, indicator) == expected


def test_a_zero_report_of_a_text_indicator_is_refused() -> None:
    """A zero-report only fits numeric indicators."""
    with pytest.raises(ModelError, match="zero-report"):
        normalise_value("零报告", NOTE)
    with pytest.raises(ModelError, match="是 or 否"):
        normalise_value("也许", FLAG)


def test_periods_and_timestamps_read_as_typed() -> None:
    """Day cells, period ids, ISO dates and DHIS2 timestamps are read; nonsense is refused."""
    import datetime as dt

    assert normalise_period(dt.date(2020, 2, 1)) == Period.parse("20200201")
    assert normalise_period(20200201) == Period.parse("20200201")
    assert normalise_period("2020-02-01") == Period.parse("20200201")
    assert normalise_period("２０２００２") == Period.parse("202002")
    with pytest.raises(ModelError):
        normalise_period("period")
    stamp = normalise_timestamp("1988-12-21T23:59:38.000+0000")
    assert stamp is not None
    assert stamp.utcoffset() == dt.timedelta(0)
    assert normalise_timestamp("") is None
    with pytest.raises(ModelError):
        normalise_timestamp("yesterday")


@given(st.integers(min_value=0, max_value=10**15), st.booleans(), st.booleans())
def test_canonical_renderings_of_integers_read_back(n: int, grouped: bool, wide: bool) -> None:
    """Normalising any non-negative integer written with separators or full-width gives it back."""
    text = f"{n:,}" if grouped else str(n)
    if wide:
        text = text.translate(_FULL_WIDTH)
    assert normalise_number(text, BILLBOARDS) == n
    assert normalise_number(text + BILLBOARDS.classifier, BILLBOARDS) == n


@given(st.integers(min_value=0, max_value=10**8), st.sampled_from(["万", "亿"]))
def test_whole_multiples_of_wan_read_back(n: int, unit: str) -> None:
    """A figure in 万 or 亿 reads back whenever it is whole, and is refused when it is not."""
    scale = 10**4 if unit == "万" else 10**8
    assert normalise_number(f"{n}{unit}", BILLBOARDS) == n * scale
    assert normalise_number(f"{n}.5{unit}", BILLBOARDS) == n * scale + scale // 2


def test_mapping_maps_combos_and_refuses_unknown_disaggregations() -> None:
    """Codes map through the mapping; an unmapped non-default combo is refused, not summed."""
    mapping = CodeMapping(
        data_elements={"de1": "leaflets", "de2.cocA": "banners"},
        org_units={"OU1": "S01"},
        default_combos=["dflt"],
    )
    assert mapping.indicator("de1") == "leaflets"
    assert mapping.indicator("de1", "dflt") == "leaflets"
    assert mapping.indicator("de2", "cocA") == "banners"
    assert mapping.indicator("other") == "other"
    with pytest.raises(ModelError, match="not mapped"):
        mapping.indicator("de1", "cocB")
    assert mapping.unit("OU1") == "S01"
    assert mapping.foreign_element("banners") == ("de2", "cocA")
    assert mapping.foreign_unit("S01") == "OU1"


def test_mapping_files_report_every_problem(tmp_path: Path) -> None:
    """A mapping file with unknown keys and bad codes is refused listing each problem."""
    good = tmp_path / "m.yaml"
    good.write_text("data_elements: {de1: leaflets}\ndefault_combos: [x]\n", encoding="utf-8")
    assert load_mapping(good).data_elements == {"de1": "leaflets"}
    bad = tmp_path / "bad.json"
    bad.write_text('{"dataelements": {}, "org_units": {"a": "b c"}}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(bad)
    text = str(caught.value)
    assert "$.dataelements" in text
    assert "$.org_units" in text


def test_units_files_are_lists_or_report_files(tmp_path: Path) -> None:
    """A units file is a list of units or a mapping with org_units; a broken tree is refused."""
    listed = tmp_path / "units.yaml"
    listed.write_text("- {code: D, name: 区}\n- {code: S, name: 街道, parent: D}\n", "utf-8")
    assert [u.code for u in load_units(listed)] == ["D", "S"]
    report = tmp_path / "report.json"
    report.write_text('{"org_units": [{"code": "D", "name": "区"}]}', "utf-8")
    assert [u.code for u in load_units(report)] == ["D"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("- {code: S, name: 街道, parent: X}\n", "utf-8")
    with pytest.raises(InputError, match="unknown parent"):
        load_units(broken)


def test_read_cells_locates_each_defect_at_its_column() -> None:
    """One row with several defects reports each at its own column."""
    builder = BatchBuilder("data.csv")
    accepted = read_cells(
        builder,
        "row 3",
        indicator="billboards",
        unit="has space",
        period="2020-13-01",
        value="1,23",
        columns={"unit": "B", "period": "C", "value": "D"},
    )
    assert not accepted
    locations = [p.location for p in builder.build().problems]
    assert locations == [
        "data.csv: row 3, column B",
        "data.csv: row 3, column C",
        "data.csv: row 3, column D",
    ]
