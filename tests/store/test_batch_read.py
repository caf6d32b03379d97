"""Store.report_inputs (the batch read of ``render --each``) gives what report_input gives."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.exceptions import UsageError
from epireport.model._indicators import (
    Category,
    CategoryOption,
    Indicator,
    IndicatorSet,
    ValueType,
)
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.store import Store

UNITS = (
    OrgUnit("D01", "某区"),
    OrgUnit("S01", "东街道", "D01"),
    OrgUnit("S02", "西街道", "D01"),
    OrgUnit("C01", "东社区", "S01"),
    OrgUnit("C02", "西社区", "S02"),
    OrgUnit("C03", "南社区", "S02", opening=dt.date(2020, 2, 2)),
    OrgUnit("S04", "空街道", "D01", 2),  # a level the store keeps, a branch drops
)
ORIGIN = Category(
    code="origin",
    name="来源地",
    options=(CategoryOption("wuhan", "武汉"), CategoryOption("other", "其他")),
)
SET = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="billboards", name="户外广告牌", classifier="块"),
        Indicator(code="hours", name="广播", classifier="小时", value_type=ValueType.DECIMAL),
        Indicator(code="note", name="说明", classifier="", value_type=ValueType.TEXT),
        Indicator(code="returnees", name="返回人员", classifier="人", categories=(ORIGIN,)),
    ),
)
INSTITUTION = Institution(
    code="test-publicity", title="宣传部", indicator_sets=(SET,), level_names=("区", "街道", "社区")
)
OTHER = Institution(
    code="test-other",
    title="别的",
    indicator_sets=(
        IndicatorSet(code="o", title="别的", indicators=(Indicator(code="other", name="别的"),)),
    ),
)
PERIODS = ["20200115", "20200201", "20200202", "2020W6", "20200301", "202002", "20191231"]
AT = dt.datetime(2020, 2, 2, 21, 30, tzinfo=dt.UTC)


def _value(draw: st.DrawFn, indicator: str, unit: str, period: Period) -> DataValue:
    """A value of any kind the store keeps: each field set or left as it usually is."""
    status = draw(st.sampled_from([*ValueStatus, ValueStatus.REPORTED, ValueStatus.REPORTED]))
    extra: dict[str, Any] = {
        "submitted_at": draw(st.sampled_from([None, None, AT])),
        "submitted_by": draw(st.sampled_from(["", "", "张三"])),
        "comment": draw(st.sampled_from(["", "", '补报, "迟"', "[1, 2]"])),
        "options": draw(st.sampled_from([(), (), ("wuhan",), ("other",)]))
        if indicator == "returnees"
        else (),
    }
    if status is not ValueStatus.REPORTED:
        return DataValue(indicator, unit, period, status, **extra)
    if indicator == "hours":
        number: int | Decimal = draw(st.decimals(0, 100, places=2))
    elif indicator == "note":
        return DataValue(indicator, unit, period, status, "有, 说明", **extra)
    else:
        number = draw(st.one_of(st.integers(0, 10**20), st.integers(-5, 5)))
    qualifier = draw(st.sampled_from(["", "", "余", "约"]))
    return DataValue(indicator, unit, period, status, number, qualifier=qualifier, **extra)


@st.composite
def stores(draw: st.DrawFn) -> list[DataValue]:
    """Values of two institutions for any units and periods (none overlapping another)."""
    values: list[DataValue] = []
    for _ in range(draw(st.integers(0, 30))):
        indicator = draw(st.sampled_from(["billboards", "hours", "note", "returnees", "other"]))
        unit = draw(st.sampled_from([u.code for u in UNITS]))
        period = Period.parse(draw(st.sampled_from(PERIODS)))
        value = _value(draw, indicator, unit, period)
        if any(
            v.indicator == indicator
            and v.unit == unit
            and v.options == value.options
            and v.period.overlaps(period)
            for v in values
        ):
            continue  # the store refuses overlapping periods of one value
        values.append(value)
    return values


def _fill(store: Store, values: list[DataValue]) -> None:
    store.put_units(UNITS)
    ours = [v for v in values if v.indicator != "other"]
    theirs = [v for v in values if v.indicator == "other"]
    if ours:
        store.ingest(ours, "ours.csv", institution=INSTITUTION.code)
    if theirs:
        store.ingest(theirs, "theirs.csv", institution=OTHER.code)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stores(),
    st.lists(st.sampled_from([u.code for u in UNITS]), min_size=1, max_size=4, unique=True),
    st.sampled_from(["202002", "20200201", "2020W6"]),
)
def test_the_batch_read_equals_each_units_own(
    values: list[DataValue], wanted: list[str], period: str
) -> None:
    """Every unit's input (tree, values and their order, every field) is report_input's.

    Any units (siblings, a unit and its child, one without values), any kind of value (text,
    decimals, options, qualifiers, submission times, comments with commas and quotes), values
    before the period and after it, and an institution given as a record or by its name.
    """
    with Store.open(":memory:") as store:
        _fill(store, values)
        for institution in (INSTITUTION, INSTITUTION.code, OTHER):
            batch = list(store.report_inputs(institution, wanted, period))
            alone = [store.report_input(institution, unit, period) for unit in wanted]
            assert batch == alone
            for one, other in zip(batch, alone, strict=True):
                # The values in the same order, field by field (equality already holds them).
                assert [repr(v) for v in one.values] == [repr(v) for v in other.values]


def test_an_unknown_unit_is_refused_before_anything_is_read() -> None:
    """An unknown unit among the wanted ones is a UsageError, before anything is read."""
    with Store.open(":memory:") as store:
        store.put_units(UNITS)
        with pytest.raises(UsageError, match="unknown org unit 'X9'"):
            next(store.report_inputs(INSTITUTION, ["S01", "X9"], "202002"))


def test_a_batch_left_unfinished_leaves_the_store_usable() -> None:
    """Closing the reader halfway drops its temporary table; the next batch reads again."""
    values = [
        DataValue.reported("billboards", c, Period.parse("20200201"), 3) for c in ("C01", "C02")
    ]
    with Store.open(":memory:") as store:
        _fill(store, values)
        reader = store.report_inputs(INSTITUTION, ["S01", "S02"], "202002")
        first = next(reader)
        reader.close()
        assert [v.value for v in first.values] == [3]
        again = list(store.report_inputs(INSTITUTION, ["S01", "S02"], "202002"))
        assert again == [store.report_input(INSTITUTION, u, "202002") for u in ("S01", "S02")]


def test_decimals_and_large_integers_come_back_exactly() -> None:
    """A decimal keeps its written form and an integer beyond 64 bits its value."""
    day = Period.parse("20200201")
    values = [
        DataValue.reported("hours", "C01", day, Decimal("2.50")),
        DataValue.reported("billboards", "C01", day, 10**20),
    ]
    with Store.open(":memory:") as store:
        _fill(store, values)
        (found,) = store.report_inputs(INSTITUTION, ["S01"], "202002")
    assert {v.indicator: v.value for v in found.values} == {
        "hours": Decimal("2.50"),
        "billboards": 10**20,
    }
    assert str(next(v.value for v in found.values if v.indicator == "hours")) == "2.50"
