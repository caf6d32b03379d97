"""Files of many values ingest as their values would one by one, into a new store or not."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from epireport.aggregate import ValidationRule
from epireport.exceptions import InputError
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus
from epireport.store import Store

_CELLS = st.tuples(
    st.sampled_from(["a", "b"]),
    st.sampled_from(["S01", "S02", "S03"]),
    st.integers(1, 3),
    st.sampled_from([ValueStatus.REPORTED, ValueStatus.ZERO_REPORT, ValueStatus.MISSING]),
    st.integers(0, 4),
)


def _value(cell: tuple[str, str, int, ValueStatus, int]) -> DataValue:
    indicator, unit, day, status, number = cell
    figure = number if status is ValueStatus.REPORTED else None
    return DataValue(indicator, unit, Period.day(dt.date(2020, 2, day)), status, figure)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=8), min_size=1, max_size=4))
def test_files_ingest_as_their_values_one_by_one(files: list[list[tuple]]) -> None:
    """Counts, stored values and history match ingesting each value alone, in order.

    A file that repeats a key takes the later value as a correction of the earlier.
    """
    with Store.open(":memory:") as together, Store.open(":memory:") as alone:
        for file in files:
            values = [_value(cell) for cell in file]
            result = together.ingest(values, "f", institution="t", allow_new_units=True)
            added = updated = unchanged = 0
            for value in values:
                one = alone.ingest([value], "f", institution="t", allow_new_units=True)
                added, updated = added + one.added, updated + one.updated
                unchanged += one.unchanged
            assert (result.added, result.updated, result.unchanged) == (
                added,
                updated,
                unchanged,
            )
        assert sorted(together.values(), key=lambda v: v.key) == sorted(
            alone.values(), key=lambda v: v.key
        )
        for value in alone.values():
            assert [(r.value, r.reason) for r in together.history(*value.key)] == [
                (r.value, r.reason) for r in alone.history(*value.key)
            ]


def test_rules_read_what_a_new_store_is_given_and_what_a_store_holds() -> None:
    """A rule of two figures sees the file's values in a new store, and the stored ones after."""
    rule = ValidationRule(code="fever-le-screened", left="fever", operator="<=", right="screened")
    day = Period.parse("20200201")
    with Store.open(":memory:") as store:
        bad = [
            DataValue.reported("screened", "S", day, 1),
            DataValue.reported("fever", "S", day, 2),
        ]
        with pytest.raises(InputError, match="fever-le-screened"):
            store.ingest(bad, "f", institution="t", allow_new_units=True, rules=[rule])
        store.ingest(bad[:1], "f1", institution="t", allow_new_units=True, rules=[rule])
        with pytest.raises(InputError, match="fever-le-screened"):
            store.ingest(bad[1:], "f2", institution="t", rules=[rule])


def test_unknown_units_and_overlaps_are_reported_together() -> None:
    """A file is refused with every problem at once, not the first kind found."""
    with Store.open(":memory:") as store:
        store.ingest(
            [DataValue.reported("a", "S01", Period.parse("20200201"), 1)],
            "days.csv",
            institution="t",
            allow_new_units=True,
        )
        with pytest.raises(InputError) as refused:
            store.ingest(
                [
                    DataValue.reported("a", "S01", Period.parse("202002"), 5),
                    DataValue.reported("a", "NOPE", Period.parse("20200201"), 1),
                ],
                "month.csv",
                rows=["row 2", "row 3"],
            )
        messages = [f"{p.location}: {p.message}" for p in refused.value.problems]
        assert any("row 2" in m and "overlaps" in m for m in messages), messages
        assert any("row 3" in m and "NOPE" in m for m in messages), messages
        assert len(list(store.values())) == 1


def test_a_units_file_sent_again_unchanged_leaves_the_units_alone() -> None:
    """Units declared as stored are not rewritten (the cached tree stays valid); a change is."""
    from epireport.model._units import OrgUnit

    units = (OrgUnit("D", "区"), OrgUnit("S01", "东街道", "D"))
    day = Period.parse("20200201")
    with Store.open(":memory:") as store:
        store.ingest([DataValue.reported("a", "S01", day, 1)], "1", units=units, institution="t")
        version = store._tree_version()[0]
        store.ingest([DataValue.reported("a", "S01", day, 2)], "2", units=units)
        assert store._tree_version()[0] == version
        renamed = (OrgUnit("D", "区"), OrgUnit("S01", "东街道办事处", "D"))
        store.ingest([DataValue.reported("a", "S01", day, 3)], "3", units=renamed)
        assert store._tree_version()[0] != version
        assert store.units().get("S01").name == "东街道办事处"
        # A change that would break the tree is still refused.
        cycle = (OrgUnit("D", "区", "S01"), OrgUnit("S01", "东街道", "D"))
        with pytest.raises(InputError, match="tree"):
            store.ingest([DataValue.reported("a", "S01", day, 4)], "4", units=cycle)
