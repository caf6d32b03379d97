"""A batch's values and rows kept as columns read back exactly as the values and rows given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.io._columns import RowLocations, ValueColumns
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus
from epireport.testing.strategies import data_values

_UTC8 = dt.timezone(dt.timedelta(hours=8))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(data_values(approximate=True), max_size=12))
def test_columns_read_back_the_values_given(values: list[DataValue]) -> None:
    columns = ValueColumns(values)
    assert len(columns) == len(values)
    assert columns == tuple(values)
    assert tuple(values) == columns
    assert list(columns) == values
    assert [columns[i] for i in range(len(values))] == values
    assert columns[1:3] == tuple(values[1:3])
    assert columns.value_keys() == {v.key for v in values}
    # Two values share a key number exactly when they share DataValue.key.
    keys = columns.keys()
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            assert (keys[i] == keys[j]) == (a.key == b.key)
    assert columns.may_repeat() == (len({v.key for v in values}) != len(values))
    assert columns.may_repeat() == (len({v.key for v in values}) != len(values))  # remembered
    if values:
        columns.append(values[0])  # a value added since: looked at again
        assert columns.may_repeat()


def test_values_equal_but_written_differently_stay_apart() -> None:
    """Equal in Python, yet each kept as it was given.

    True == 1, Decimal('1.0') == Decimal('1'), and one instant in two zones are equal.
    """
    day = Period.parse("20200201")
    utc = dt.datetime(2020, 2, 1, 0, 0, tzinfo=dt.UTC)
    values = [
        DataValue("a", "u", day, ValueStatus.REPORTED, True),
        DataValue("b", "u", day, ValueStatus.REPORTED, 1),
        DataValue("c", "u", day, ValueStatus.REPORTED, Decimal("1.0")),
        DataValue("d", "u", day, ValueStatus.REPORTED, Decimal("1")),
        DataValue("e", "u", day, ValueStatus.REPORTED, 1, submitted_at=utc),
        DataValue("f", "u", day, ValueStatus.REPORTED, 1, submitted_at=utc.astimezone(_UTC8)),
    ]
    back = list(ValueColumns(values))
    assert [type(v.value) for v in back] == [bool, int, Decimal, Decimal, int, int]
    assert [str(v.value) for v in back] == ["True", "1", "1.0", "1", "1", "1"]
    assert [v.submitted_at.utcoffset() if v.submitted_at else None for v in back[4:]] == [
        dt.timedelta(0),
        dt.timedelta(hours=8),
    ]


@given(st.lists(st.one_of(st.text(max_size=20), st.from_regex(r"\A(sheet 表\d, )?row \d{1,6}\Z"))))
def test_locations_read_back_as_given(locations: list[str]) -> None:
    rows = RowLocations(locations)
    assert rows == tuple(locations)
    assert list(rows) == locations
    assert [rows[i] for i in range(len(locations))] == locations
    kept = [i for i in range(len(locations)) if i % 2]
    assert list(rows.keep(kept)) == [locations[i] for i in kept]


def test_numbered_locations_are_rows() -> None:
    rows = RowLocations()
    rows.append_numbered("row ", 12)
    rows.append("$.dataValues[3]")
    rows.append("row 007")
    assert list(rows) == ["row 12", "$.dataValues[3]", "row 007"]
