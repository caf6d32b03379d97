import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epireport.exceptions import InputError, UsageError
from epireport.model._indicators import Indicator, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgUnit
from epireport.model._values import DataValue, ValueStatus
from epireport.store import SCHEMA_VERSION, IngestResult, Store

DAY1 = Period.parse("20200201")
DAY2 = Period.parse("20200202")
UNITS = (
    OrgUnit("D01", "某区"),
    OrgUnit("S01", "东街道", "D01"),
    OrgUnit("S02", "西街道", "D01"),
    OrgUnit("C01", "东社区", "S01"),
)
SET = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(
        Indicator(code="billboards", name="户外广告牌", classifier="块"),
        Indicator(code="hours", name="广播", classifier="小时", value_type=ValueType.DECIMAL),
    ),
)
INSTITUTION = Institution(
    code="test-publicity", title="宣传部", indicator_sets=(SET,), level_names=("区", "街道", "社区")
)


class Clock:
    """A clock that moves one minute per call."""

    def __init__(self) -> None:
        self.now = dt.datetime(2020, 2, 3, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "store.db", clock=Clock())
    yield opened  # type: ignore[misc]
    opened.close()


def test_a_new_store_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    """Opening creates the schema with its user_version and WAL journaling."""
    path = tmp_path / "s.db"
    with Store.open(path):
        pass
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_foreign_or_newer_databases_are_refused(tmp_path: Path) -> None:
    """A database that is not an epireport store, or is from a newer version, is refused."""
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(UsageError, match="not an epireport store"):
        Store.open(other)
    newer = tmp_path / "newer.db"
    with Store.open(newer):
        pass
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(UsageError, match="upgrade"):
        Store.open(newer)
    text = tmp_path / "text.db"
    text.write_text("not a database at all, just text " * 100, encoding="utf-8")
    with pytest.raises(UsageError):
        Store.open(text)


def test_values_of_every_kind_and_status_round_trip(store: Store) -> None:
    """Ints, decimals, flags, texts and the three non-reported states come back equal."""
    when = dt.datetime(2020, 2, 1, 18, 30, tzinfo=dt.UTC)
    values = [
        DataValue.reported("a", "S01", DAY1, 12, submitted_at=when, submitted_by="张三"),
        DataValue.reported("b", "S01", DAY1, Decimal("2.50"), comment="含夜间"),
        DataValue.reported("c", "S01", DAY1, True),
        DataValue.reported("d", "S01", DAY1, "已召开"),
        DataValue.zero_report("e", "S01", DAY1),
        DataValue.not_applicable("f", "S01", DAY1),
        DataValue.missing("g", "S01", DAY1),
    ]
    result = store.ingest(values, "x.csv", units=UNITS, institution="t")
    assert result == IngestResult(7, 0, 0, source="x.csv")
    assert sorted(store.values(), key=lambda v: v.indicator) == values


def test_reimporting_the_same_values_changes_nothing(store: Store) -> None:
    """A second ingest of the same values counts them unchanged and keeps no history."""
    values = [DataValue.reported("a", "S01", DAY1, 1), DataValue.reported("a", "S02", DAY1, 2)]
    assert store.ingest(values, "f.csv", units=UNITS, institution="t").added == 2
    again = store.ingest(values, "f.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert len(store.history("a", "S01", DAY1)) == 1


def test_a_correction_keeps_the_old_value_with_who_and_when(store: Store) -> None:
    """Correcting a value moves the old version to the history with its provenance."""
    store.ingest(
        [DataValue.reported("a", "S01", DAY1, 10, submitted_by="张三")],
        "first.xlsx",
        rows=["r3"],
        units=UNITS,
        institution="t",
    )
    result = store.ingest(
        [DataValue.reported("a", "S01", DAY1, 12, submitted_by="李四", comment="更正")],
        "second.xlsx",
        rows=["r7"],
    )
    assert (result.added, result.updated) == (0, 1)
    old, new = store.history("a", "S01", "20200201")
    assert (old.value.value, old.value.submitted_by, old.source, old.row) == (
        10,
        "张三",
        "first.xlsx",
        "r3",
    )
    assert old.superseded_at == new.ingested_at
    assert (new.value.value, new.value.comment, new.source, new.is_current) == (
        12,
        "更正",
        "second.xlsx",
        True,
    )
    assert [v.value for v in store.values()] == [12]


def test_a_crash_mid_ingest_leaves_the_store_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception halfway through an ingest rolls back every value and unit it wrote."""
    store.ingest(
        [DataValue.reported("a", "S01", DAY1, 1)],
        "before.csv",
        units=[OrgUnit("S01", "东街道")],
        institution="t",
    )
    original = Store._write_all

    def failing(self: Store, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)  # every value written, then the disk fills up
        raise OSError("disk full")

    monkeypatch.setattr(Store, "_write_all", failing)
    values = [DataValue.reported("a", unit, DAY2, 5) for unit in ("S01", "S02", "C01")]
    with pytest.raises(OSError, match="disk full"):
        store.ingest([DataValue.reported("a", "S01", DAY1, 99), *values], "crash.csv", units=UNITS)
    assert list(store.values()) == [DataValue.reported("a", "S01", DAY1, 1)]
    assert store.units().codes == ("S01",)
    assert len(store.history("a", "S01", DAY1)) == 1


def test_a_dry_run_counts_but_writes_nothing(store: Store) -> None:
    """A dry run reports what would change and leaves the store untouched."""
    store.ingest([DataValue.reported("a", "S01", DAY1, 1)], "one.csv", units=UNITS, institution="t")
    result = store.ingest(
        [DataValue.reported("a", "S01", DAY1, 2), DataValue.reported("a", "S02", DAY1, 3)],
        "two.csv",
        dry_run=True,
    )
    assert (result.added, result.updated, result.dry_run) == (1, 1, True)
    assert "would add 1" in str(result)
    assert list(store.values()) == [DataValue.reported("a", "S01", DAY1, 1)]


def test_unknown_units_are_refused_unless_allowed(store: Store) -> None:
    """A unit seen only in values is refused; allowed, it is a root until a declaration."""
    with pytest.raises(InputError, match=r"unknown org unit 'S01'.*--allow-new-units"):
        store.ingest([DataValue.reported("a", "S01", DAY1, 1)], "v.csv", institution="t")
    assert store.units().codes == ()
    store.ingest(
        [DataValue.reported("a", "S01", DAY1, 1)], "v.csv", institution="t", allow_new_units=True
    )
    assert store.units().get("S01").name == "S01"
    store.put_units(UNITS)
    tree = store.units()
    assert tree.get("S01").parent == "D01"
    assert tree.get("S01").name == "东街道"
    assert tree.codes == ("D01", "S01", "C01", "S02")


def test_units_that_would_not_form_a_tree_are_refused(store: Store) -> None:
    """A declaration that makes a cycle is refused and nothing of it is stored."""
    store.put_units(UNITS)
    with pytest.raises(InputError, match="cycle"):
        store.ingest(
            [DataValue.reported("a", "S01", DAY1, 1)],
            "bad.yaml",
            units=[OrgUnit("D01", "某区", "C01")],
        )
    assert store.units().get("D01").parent is None
    assert list(store.values()) == []


def test_an_indicator_belongs_to_one_institution(store: Store) -> None:
    """Storing an indicator code already owned by another institution is refused."""
    store.ingest([DataValue.reported("a", "S01", DAY1, 1)], "a.csv", units=UNITS, institution="one")
    with pytest.raises(InputError, match="belongs to institution 'one'"):
        store.ingest([DataValue.reported("a", "S01", DAY2, 1)], "b.csv", institution="two")
    assert store.indicators() == {"a": "one"}
    assert len(list(store.values(institution="one"))) == 1
    assert list(store.values(institution="two")) == []


def test_values_filter_by_unit_subtree_and_period(store: Store) -> None:
    """values() keeps one unit, a subtree, or the values whose period lies inside a period."""
    month = DataValue.reported("m", "S01", Period.parse("202002"), 9)
    store.ingest(
        [
            DataValue.reported("a", "S01", DAY1, 1),
            DataValue.reported("a", "C01", DAY2, 2),
            DataValue.reported("a", "S02", DAY1, 3),
            month,
        ],
        "v.csv",
        units=UNITS,
        institution="t",
    )
    assert [v.value for v in store.values(unit="S01")] == [1, 9]
    assert sorted(v.value for v in store.values(under="S01")) == [1, 2, 9]  # type: ignore[type-var]
    assert [v.value for v in store.values(period="20200201")] == [1, 3]
    assert [v.value for v in store.values(period=Period.parse("2020W5"))] == [1, 3, 2]


def test_report_input_holds_the_subtree_and_its_values(store: Store) -> None:
    """report_input builds the org tree under a unit and the values within the period."""
    store.ingest(
        [
            DataValue.reported("billboards", "C01", DAY1, 4),
            DataValue.reported("billboards", "S02", DAY1, 5),
            DataValue.reported("billboards", "S01", Period.parse("20200301"), 6),
            DataValue.reported("other", "C01", DAY1, 7),
        ],
        "v.csv",
        units=UNITS,
        institution="t",
    )
    report = store.report_input(INSTITUTION, "S01", "202002")
    assert report.tree is not None
    assert report.tree.codes == ("S01", "C01")
    assert report.tree.level_names == ("街道", "社区")
    assert [(v.unit, v.value) for v in report.values] == [("C01", 4)]
    assert report.display_name == "东街道"
    whole = store.report_input("test-publicity", "D01", Period.parse("2020"), [SET])
    assert sorted(v.value for v in whole.values) == [4, 5, 6]  # type: ignore[type-var]
    with pytest.raises(UsageError, match="unknown org unit"):
        store.report_input(INSTITUTION, "X99", "202002")


def test_report_input_carries_the_history_comparisons_read(store: Store) -> None:
    """Values wholly before the period come along (环比, 同比, 累计), never one across its start."""
    from epireport.facts import compute_facts

    store.ingest(
        [
            DataValue.reported("billboards", "C01", Period.parse("20200115"), 3),
            DataValue.reported("billboards", "C01", Period.parse("20190210"), 2),
            DataValue.reported("billboards", "S01", Period.parse("2020W5"), 100),  # 1-27 to 2-2
            DataValue.reported("billboards", "C01", DAY1, 4),
            DataValue.reported("billboards", "C01", Period.parse("20200301"), 6),  # after
        ],
        "v.csv",
        units=UNITS,
        institution="t",
    )
    report = store.report_input(INSTITUTION, "S01", "202002")
    assert sorted(str(v.period) for v in report.values) == ["20190210", "20200115", "20200201"]
    fact = compute_facts(report, INSTITUTION).get("billboards")
    assert fact.value == 4
    assert fact.previous.previous == 3
    assert fact.last_year.previous == 2
    assert fact.cumulative == 2 + 3 + 4
    bare = store.report_input(INSTITUTION, "S01", "202002", history=False)
    assert [str(v.period) for v in bare.values] == ["20200201"]
    assert not compute_facts(bare, INSTITUTION).get("billboards").previous.is_available


_STATUSES = st.sampled_from([ValueStatus.REPORTED, ValueStatus.ZERO_REPORT, ValueStatus.MISSING])


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.sampled_from(["S01", "S02"]),
            st.integers(1, 3),
            _STATUSES,
            st.integers(0, 5),
        ),
        max_size=12,
    )
)
def test_the_store_holds_the_last_version_of_each_value(
    batches: list[tuple[str, str, int, ValueStatus, int]],
) -> None:
    """After any sequence of ingests the store holds the last value per key, and all versions."""
    with Store.open(":memory:") as store:
        last: dict[tuple[str, str, Period], DataValue] = {}
        versions: dict[tuple[str, str, Period], list[DataValue]] = {}
        for indicator, unit, day, status, number in batches:
            period = Period.day(dt.date(2020, 2, day))
            value = DataValue(
                indicator, unit, period, status, number if status is ValueStatus.REPORTED else None
            )
            store.ingest([value], "x", institution="t", allow_new_units=True)
            if last.get(value.key) != value:
                versions.setdefault(value.key, []).append(value)
            last[value.key] = value
        assert sorted(store.values(), key=lambda v: v.key) == sorted(
            last.values(), key=lambda v: v.key
        )
        for key, expected in versions.items():
            assert [r.value for r in store.history(*key)] == expected


def test_a_cached_tree_follows_changes_to_units(tmp_path: Path) -> None:
    """units() is cached, and a change by this store or another connection is seen at once."""
    path = tmp_path / "s.db"
    with Store.open(path) as store, Store.open(path) as other:
        store.put_units(UNITS)
        first = store.units()
        assert store.units() is first  # nothing changed: the validated tree is reused
        store.put_units([OrgUnit("S02", "西城街道", "D01")])
        assert store.units().get("S02").name == "西城街道"
        other.put_units([OrgUnit("S03", "北街道", "D01")])
        assert "S03" in store.units()
        assert store.report_input(INSTITUTION, "D01", "202002").tree.get("S03").name == "北街道"


_V1_SCHEMA = """
CREATE TABLE units (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id), level INTEGER, opening TEXT, closing TEXT);
CREATE TABLE indicators (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, institution TEXT);
CREATE TABLE sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL, ingested_at TEXT NOT NULL,
    added INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL);
CREATE TABLE data_values (id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id INTEGER NOT NULL REFERENCES units(id), period TEXT NOT NULL,
    start_day INTEGER NOT NULL, end_day INTEGER NOT NULL, status TEXT NOT NULL, kind TEXT,
    value_text TEXT, value_num REAL, submitted_at TEXT, submitted_by TEXT NOT NULL,
    comment TEXT NOT NULL, ingested_at TEXT NOT NULL, source_id INTEGER REFERENCES sources(id),
    source_row TEXT NOT NULL, UNIQUE (indicator_id, unit_id, period));
CREATE INDEX data_values_days ON data_values (start_day, end_day);
CREATE INDEX data_values_unit ON data_values (unit_id);
CREATE TABLE history (id INTEGER PRIMARY KEY,
    value_id INTEGER NOT NULL REFERENCES data_values(id), status TEXT NOT NULL, kind TEXT,
    value_text TEXT, submitted_at TEXT, submitted_by TEXT NOT NULL, comment TEXT NOT NULL,
    ingested_at TEXT NOT NULL, source_id INTEGER REFERENCES sources(id),
    source_row TEXT NOT NULL, superseded_at TEXT NOT NULL);
CREATE INDEX history_value ON history (value_id);
INSERT INTO units (code, name) VALUES ('S01', '东街道');
INSERT INTO indicators (code, institution) VALUES ('a', 'one');
INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, status, kind,
    value_text, value_num, submitted_by, comment, ingested_at, source_row)
    VALUES (1, 1, '20200201', 737456, 737457, 'reported', 'int', '7', 7, '', '', '2020', 'r2');
PRAGMA user_version = 1;
"""


def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path) -> None:
    """Opening a store of schema 1 upgrades it: its data stays, its institution is known."""
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    db.close()
    with Store.open(path) as store:
        assert [v.value for v in store.values()] == [7]
        assert store.institutions() == ("one",)
        store.put_units([OrgUnit("S02", "西街道")])
        assert "S02" in store.units()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # An upgraded store gets the id its validated tree is kept by (one, whatever the path).
    assert len(db.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchall()) == 1
    db.close()


def test_a_tree_is_built_once_per_process_and_rebuilt_after_a_change(tmp_path: Path) -> None:
    """Opening the same store again reuses its validated tree, until a unit changes.

    A store deleted and made again at the same path is another store (its own random id), so
    it never sees the old tree.
    """
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        store.put_units(UNITS)
        first = store.units()
    with Store.open(path) as again:
        assert again.units() is first
        again.put_units([OrgUnit("S03", "北街道", "D01")])
        changed = again.units()
        assert "S03" in changed
    with Store.open(path) as third:
        assert third.units() is changed
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with Store.open(path) as fresh:
        fresh.put_units(UNITS[:2])
        assert fresh.units().codes == ("D01", "S01")


_EACH_UNITS = (
    *UNITS,
    OrgUnit("C02", "西社区", "S02"),
    OrgUnit("C03", "南社区", "S02"),
    OrgUnit("S04", "空街道", "D01"),
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["billboards", "hours", "other"]),
            st.sampled_from([u.code for u in _EACH_UNITS]),
            st.sampled_from(["20200115", "20200201", "20200202", "2020W6", "20200301"]),
            _STATUSES,
            st.integers(0, 9),
        ),
        max_size=25,
        unique_by=lambda t: (t[0], t[1], t[2]),
    ),
    st.lists(st.sampled_from([u.code for u in _EACH_UNITS]), min_size=1, max_size=4, unique=True),
)
def test_report_inputs_equal_each_report_input(
    rows: list[tuple[str, str, str, ValueStatus, int]], wanted: list[str]
) -> None:
    """report_inputs (one read, ordered by unit) gives what report_input gives unit by unit.

    Any units: siblings, a unit and its child (read one by one), a unit with no values.
    """
    values = []
    for indicator, unit, period, status, number in rows:
        parsed = Period.parse(period)
        if any(
            v.indicator == indicator and v.unit == unit and v.period.overlaps(parsed)
            for v in values
        ):
            continue  # the store refuses overlapping periods of one indicator and unit
        reported = status is ValueStatus.REPORTED
        values.append(DataValue(indicator, unit, parsed, status, number if reported else None))
    with Store.open(":memory:") as store:
        store.ingest(values, "v.csv", units=_EACH_UNITS, institution="test-publicity")
        for institution in (INSTITUTION, "test-publicity"):
            together = list(store.report_inputs(institution, wanted, "202002"))
            alone = [store.report_input(institution, unit, "202002") for unit in wanted]
            assert together == alone
        with pytest.raises(UsageError, match="unknown org unit 'X9'"):
            list(store.report_inputs(INSTITUTION, [*wanted, "X9"], "202002"))


def test_a_file_sent_again_with_one_change_writes_and_checks_that_one(store: Store) -> None:
    """Unchanged values are counted, not written; the rules look at the cells that change.

    The stored cell S02 breaks the rule (it came in before the rule did): sending the file
    again leaves it alone, while a correction that breaks the rule is refused.
    """
    from epireport.aggregate import ValidationRule

    first = [
        DataValue.reported("billboards", "S01", DAY1, 4),
        DataValue.reported("billboards", "S02", DAY1, 2),
        DataValue.reported("hours", "S02", DAY1, Decimal("3.5")),
    ]
    store.ingest(first, "a.csv", units=UNITS, institution="t")
    rule = ValidationRule(code="r", left="billboards", operator=">=", right="hours")
    again = [DataValue.reported("billboards", "S01", DAY1, 5), *first[1:]]
    result = store.ingest(again, "a.csv", rules=[rule])
    assert (result.added, result.updated, result.unchanged) == (0, 1, 2)
    assert [r.value.value for r in store.history("billboards", "S01", DAY1)] == [4, 5]
    broken = [*first[:2], DataValue.reported("hours", "S02", DAY1, Decimal("9"))]
    with pytest.raises(InputError, match="rule failed"):
        store.ingest(broken, "b.csv", rules=[rule])
    assert [v.value for v in store.values(unit="S02", indicators=["hours"])] == [Decimal("3.5")]


def test_a_fresh_process_reads_one_branch_not_the_whole_tree(tmp_path: Path) -> None:
    """Without a tree at hand, report_input reads the unit's branch: the same input."""
    from epireport.store import _sqlite

    path = tmp_path / "s.db"
    units = (*_EACH_UNITS, OrgUnit("C04", "北社区", "S01"), OrgUnit("C05", "新社区", "S02"))
    with Store.open(path) as store:
        store.ingest(
            [
                DataValue.reported("billboards", "C01", DAY1, 1),
                DataValue.reported("billboards", "C04", DAY1, 2),
                DataValue.reported("billboards", "C02", DAY1, 3),
            ],
            "v.csv",
            units=units,
            institution="t",
        )
    _sqlite._TREES.clear()
    with Store.open(path) as store:
        branch = store.report_input(INSTITUTION, "S01", "202002")
        assert store._tree_cache is None  # the whole tree was not built
        store.units()
        whole = store.report_input(INSTITUTION, "S01", "202002")
    assert branch == whole
    assert branch.tree is not None
    assert branch.tree.codes == ("S01", "C01", "C04")
    assert branch.tree.level_names == ("街道", "社区")


def test_category_options_and_approximate_figures_round_trip(store: Store) -> None:
    """Values with options and qualifiers come back equal, each option a value of its own."""
    values = [
        DataValue.reported("returnees", "S01", DAY1, 82),
        DataValue.reported("returnees", "S01", DAY1, 52, options=("wuhan",)),
        DataValue.reported("returnees", "S01", DAY1, 30, options=("hubei",)),
        DataValue.reported("returnees", "S01", DAY1, 12, options=("wuhan", "teacher")),
        DataValue.reported("billboards", "S02", DAY1, 480, qualifier="余"),
        DataValue.reported("billboards", "S02", DAY2, 500, qualifier="约", options=("road",)),
    ]
    result = store.ingest(values, "r.csv", units=UNITS, institution="t")
    assert result == IngestResult(6, 0, 0, source="r.csv")
    assert sorted(store.values(), key=lambda v: (v.period, v.series)) == sorted(
        values, key=lambda v: (v.period, v.series)
    )
    assert store.ingest(values, "r.csv").unchanged == 6
    (stored,) = store.values(unit="S02", period=DAY1)
    assert stored.stated == "480余"
    s01, s02 = store.report_inputs("t", ["S01", "S02"], "202002")
    assert s01 == store.report_input("t", "S01", "202002")
    assert s02 == store.report_input("t", "S02", "202002")
    assert sorted(v.series for v in s01.values) == [
        "returnees",
        "returnees[hubei]",
        "returnees[wuhan,teacher]",
        "returnees[wuhan]",
    ]
    assert {v.stated for v in s02.values} == {"480余", "约500"}


def test_a_changed_qualifier_or_option_figure_is_a_correction(store: Store) -> None:
    """480余 then 480 is a correction with history; an option's history is its own."""
    store.ingest(
        [
            DataValue.reported("billboards", "S01", DAY1, 480, qualifier="余"),
            DataValue.reported("returnees", "S01", DAY1, 52, options=("wuhan",)),
            DataValue.reported("returnees", "S01", DAY1, 82),
        ],
        "a.csv",
        units=UNITS,
        institution="t",
    )
    result = store.ingest(
        [
            DataValue.reported("billboards", "S01", DAY1, 480),
            DataValue.reported("returnees", "S01", DAY1, 50, options=("wuhan",)),
            DataValue.reported("returnees", "S01", DAY1, 82),
        ],
        "b.csv",
    )
    assert (result.added, result.updated, result.unchanged) == (0, 2, 1)
    old, new = store.history("billboards", "S01", DAY1)
    assert (old.value.stated, new.value.stated, old.reason) == ("480余", "480", "corrected")
    old, new = store.history("returnees[wuhan]", "S01", DAY1)
    assert (old.value.value, new.value.value) == (52, 50)
    assert new.value.options == ("wuhan",)
    assert len(store.history("returnees", "S01", DAY1)) == 1
    # Back to 480余: the exact version goes to the history in turn.
    again = store.ingest(
        [DataValue.reported("billboards", "S01", DAY1, 480, qualifier="余")], "c.csv"
    )
    assert again.updated == 1
    assert [r.value.qualifier for r in store.history("billboards", "S01", DAY1)] == [
        "余",
        "",
        "余",
    ]


def test_periods_overlap_only_within_one_option(store: Store) -> None:
    """A month of one option beside days of another is fine; beside its own days, refused."""
    store.ingest(
        [DataValue.reported("returnees", "S01", DAY1, 5, options=("wuhan",))],
        "days.csv",
        units=UNITS,
        institution="t",
    )
    month = Period.parse("202002")
    store.ingest(
        [
            DataValue.reported("returnees", "S01", month, 40, options=("hubei",)),
            DataValue.reported("returnees", "S01", month, 90),
        ],
        "month.csv",
    )
    with pytest.raises(InputError, match=r"'returnees\[wuhan\]' of unit 'S01' for 202002 overl"):
        store.ingest(
            [DataValue.reported("returnees", "S01", month, 60, options=("wuhan",))],
            "bad.csv",
            rows=["row 2"],
        )
    # Value by value (two values for one key in one call) checks overlaps the same way.
    with pytest.raises(InputError, match=r"'returnees\[hubei\]' of unit 'S01' for 20200201"):
        store.ingest(
            [
                DataValue.reported("returnees", "S01", DAY1, 1, options=("hubei",)),
                DataValue.reported("returnees", "S01", DAY1, 2, options=("hubei",)),
            ],
            "twice.csv",
        )
    assert len(list(store.values())) == 3
    # Within one file too: a month and a day of one option overlap, of two options they do not.
    march, day = Period.parse("202003"), Period.parse("20200305")
    with pytest.raises(InputError, match=r"'returnees\[wuhan\]' of unit 'S02' for 20200305"):
        store.ingest(
            [
                DataValue.reported("returnees", "S02", march, 9, options=("wuhan",)),
                DataValue.reported("returnees", "S02", day, 1, options=("wuhan",)),
            ],
            "mixed.csv",
        )
    mixed = [
        DataValue.reported("returnees", "S02", march, 9, options=("wuhan",)),
        DataValue.reported("returnees", "S02", day, 1, options=("hubei",)),
    ]
    assert store.ingest(mixed, "mixed.csv").added == 2


def test_values_of_one_key_twice_in_a_call_keep_options_apart(store: Store) -> None:
    """The value-by-value path (one key twice) writes each option to its own value."""
    result = store.ingest(
        [
            DataValue.reported("returnees", "S01", DAY1, 1, options=("wuhan",)),
            DataValue.reported("returnees", "S01", DAY1, 2, options=("wuhan",), qualifier="约"),
            DataValue.reported("returnees", "S01", DAY1, 3),
        ],
        "twice.csv",
        units=UNITS,
        institution="t",
    )
    assert (result.added, result.updated) == (2, 1)
    assert {v.series: v.stated for v in store.values()} == {
        "returnees": "3",
        "returnees[wuhan]": "约2",
    }


def test_a_scope_withdraws_an_option_by_its_series(store: Store) -> None:
    """A file that speaks for an option's cell and leaves it empty withdraws that value only."""
    store.ingest(
        [
            DataValue.reported("returnees", "S01", DAY1, 5, options=("wuhan",)),
            DataValue.reported("returnees", "S01", DAY1, 9),
        ],
        "a.csv",
        units=UNITS,
        institution="t",
    )
    result = store.ingest(
        [DataValue.reported("returnees", "S01", DAY1, 9)],
        "b.csv",
        scope=[("returnees[wuhan]", "S01", DAY1), ("returnees", "S01", DAY1)],
    )
    assert result.withdrawn == 1
    assert [v.series for v in store.values()] == ["returnees"]
    assert store.history("returnees[wuhan]", "S01", DAY1)[-1].reason == "withdrawn"


# What version 3 wrote for data_values: the key without start_day, a second index for overlaps.
_V3_VALUES = """
CREATE TABLE data_values_3 (id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id INTEGER NOT NULL REFERENCES units(id), period TEXT NOT NULL,
    start_day INTEGER NOT NULL, end_day INTEGER NOT NULL, status TEXT NOT NULL, kind TEXT,
    value_text TEXT, value_num REAL, submitted_at TEXT, submitted_by TEXT NOT NULL,
    comment TEXT NOT NULL, ingested_at TEXT NOT NULL, source_id INTEGER REFERENCES sources(id),
    source_row TEXT NOT NULL, withdrawn INTEGER NOT NULL DEFAULT 0,
    options TEXT NOT NULL DEFAULT '', qualifier TEXT NOT NULL DEFAULT '',
    UNIQUE (indicator_id, unit_id, period, options));
INSERT INTO data_values_3 SELECT *, '', '' FROM data_values;
DROP TABLE data_values;
ALTER TABLE data_values_3 RENAME TO data_values;
CREATE INDEX data_values_days ON data_values (start_day, end_day);
CREATE INDEX data_values_unit ON data_values (unit_id, period);
CREATE INDEX data_values_key_days ON data_values (indicator_id, unit_id, options, start_day);
ALTER TABLE history ADD COLUMN qualifier TEXT NOT NULL DEFAULT '';
INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, status, kind,
    value_text, value_num, submitted_by, comment, ingested_at, source_row, options, qualifier)
    VALUES (1, 1, '20200202', 737457, 737458, 'reported', 'int', '4', 4, '', '', '2020-02-01',
    'r3', 'x', '约');
UPDATE data_values SET ingested_at = '2020-02-01';
INSERT INTO history (value_id, status, kind, value_text, submitted_by, comment, ingested_at,
    source_row, superseded_at) VALUES (1, 'reported', 'int', '6', '', '', '2020-01-31', 'r1',
    '2020-02-01');
PRAGMA user_version = 3;
"""


def test_a_version_3_store_is_upgraded_to_the_key_that_finds_overlaps(tmp_path: Path) -> None:
    """A schema-3 store is rebuilt with start_day in its unique key; ids, data, history stay.

    The overlap index of version 3 is gone (the key serves both), and the upgraded store
    still refuses an overlapping period and recognises a stored version.
    """
    from epireport.store import _sqlite

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    for statement in _sqlite._statements(_sqlite._MIGRATE_1_TO_2):
        db.execute(statement)
    db.executescript(_V3_VALUES)
    db.close()
    with Store.open(path) as store:
        assert {(v.series, str(v.period)): v.stated for v in store.values()} == {
            ("a", "20200201"): "7",
            ("a[x]", "20200202"): "约4",
        }
        old, new = store.history("a", "S01", DAY1)
        assert (old.value.value, new.value.value) == (6, 7)
        result = store.ingest([DataValue.reported("a", "S01", DAY1, 7)], "again.csv")
        assert result.unchanged == 1
        with pytest.raises(InputError, match="overlaps"):
            store.ingest([DataValue.reported("a", "S01", Period.parse("202002"), 30)], "m.csv")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT id, options FROM data_values ORDER BY id").fetchall() == [
        (1, ""),
        (2, "x"),
    ]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "data_values_key_days" not in indexes
    key = db.execute("PRAGMA index_info('sqlite_autoindex_data_values_1')").fetchall()
    assert [row[2] for row in key] == ["indicator_id", "unit_id", "options", "start_day", "period"]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()


def test_a_version_2_store_is_upgraded_in_place_keeping_ids(tmp_path: Path) -> None:
    """A schema-2 store gains options and qualifiers; its values, ids and history stay."""
    from epireport.store import _sqlite

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(_V1_SCHEMA)
    for statement in _sqlite._statements(_sqlite._MIGRATE_1_TO_2):
        db.execute(statement)
    db.execute(
        "INSERT INTO history (value_id, status, kind, value_text, submitted_by, comment, "
        "ingested_at, source_row, superseded_at) "
        "VALUES (1, 'reported', 'int', '6', '', '', '2020-01-31', 'r1', '2020-02-01')"
    )
    db.execute("UPDATE data_values SET ingested_at = '2020-02-01'")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with Store.open(path) as store:
        old, new = store.history("a", "S01", DAY1)
        assert (old.value.value, new.value.value) == (6, 7)
        store.ingest(
            [
                DataValue.reported("a", "S01", DAY1, 70, qualifier="约"),
                DataValue.reported("a", "S01", DAY1, 3, options=("x",)),
            ],
            "new.csv",
        )
        assert {v.series: v.stated for v in store.values()} == {"a": "约70", "a[x]": "3"}
        assert store._db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("SELECT id FROM data_values WHERE options = ''").fetchall() == [(1,)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()


@pytest.mark.parametrize(
    "rows",
    [
        ("row 2", "row 3", "row 4"),  # one pattern: written into the SQL
        ("sheet 'a', row 3, column D", "row 7", "the header"),  # several, and no number
        ("sheet 'it''s', row 3", "sheet 'it''s', row 4", "sheet 'it''s', row 05"),
    ],
)
def test_each_value_keeps_the_row_it_was_read_from(store: Store, rows: tuple[str, ...]) -> None:
    """A location is kept as a number and a pattern while ingesting: stored as it was sent."""
    days = [Period.parse(f"2020020{d}") for d in (1, 2, 3)]
    store.ingest(
        [DataValue.reported("returnees", "S01", day, 5) for day in days],
        "a.csv",
        rows=rows,
        units=UNITS,
        institution="t",
    )
    assert [store.history("returnees", "S01", day)[-1].row for day in days] == list(rows)
    # Corrections keep the new row, located the same way.
    store.ingest(
        [DataValue.reported("returnees", "S01", day, 6) for day in days], "b.csv", rows=rows[::-1]
    )
    assert [store.history("returnees", "S01", day)[-1].row for day in days] == list(rows[::-1])


def test_a_warning_is_kept_and_names_the_row_that_sent_its_figure(store: Store) -> None:
    """A warning-level rule does not refuse the file; its message starts at the row."""
    from epireport.aggregate import ValidationRule

    rule = ValidationRule(
        code="r", left="billboards", operator=">=", right="hours", importance="warning"
    )
    values = [
        DataValue.reported("billboards", "S01", DAY1, 4),
        DataValue.reported("billboards", "S02", DAY1, 2),
        DataValue.reported("hours", "S02", DAY1, Decimal("3.5")),
    ]
    result = store.ingest(
        values,
        "a.csv",
        rows=["row 2", "row 3", "row 4"],
        units=UNITS,
        institution="t",
        rules=[rule],
    )
    assert result.added == 3
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("row 3: warning: r: unit S02, period 20200201")
    # Without rows (the API), the message alone.
    again = store.ingest(
        [DataValue.reported("hours", "S02", DAY1, Decimal("3"))], "b.csv", rules=[rule]
    )
    assert again.warnings[0].startswith("warning: r: unit S02")
