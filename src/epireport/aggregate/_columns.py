"""Data values as columns: the input of the columnar (Ibis) engine.

At scale, values travel as an Arrow table, not as :class:`DataValue` objects, and every string
code is mapped to an integer once, at load (joins and group-bys on integers run about twice as
fast as on strings). A :class:`ValueTable` is built *for a plan*: units are numbered by their
position in the plan's preorder, indicators by their position among the plan's base
indicators, and periods by their position in :attr:`ValueTable.periods`. Values of units or
indicators the plan does not know are dropped at load, as the Python engine ignores them.

=============  ============================  ==============================================
column         type                          meaning
=============  ============================  ==============================================
``unit``       int32                         position in ``plan.units``
``indicator``  int32                         position among the plan's base indicators
``period``     int32                         position in :attr:`ValueTable.periods`
``status``     int8                          0 reported, 1 zero-report, 2 n/a, 3 missing
``value``      int64 or decimal128(38, s)    the reported number (null otherwise)
``row``        int64 (optional)              input order: breaks ties between two values
                                             of one unit whose periods end and start on
                                             the same days, as the Python engine does
=============  ============================  ==============================================

Only numbers aggregate in columns: a flag counts as 0 or 1, and a text value is refused with
a :class:`ModelError` (aggregate such data with the Python engine). Loaders exist for data
values in memory (:func:`from_values`), long-form CSV and Parquet files (:func:`from_file`,
read by DuckDB) and the SQLite store (:func:`from_store`; DuckDB's SQLite scanner is not
bundled with its wheel, so the store is read with :mod:`sqlite3` in batches).
"""

import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from epireport.aggregate._categories import resolve_categories
from epireport.aggregate._plan import AggregationPlan
from epireport.exceptions import ModelError
from epireport.model._periods import Period
from epireport.model._values import DataValue, ValueStatus

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["STATUS_CODES", "ValueTable", "from_file", "from_store", "from_values"]

#: The integer each value status is stored as in the ``status`` column.
STATUS_CODES = {
    ValueStatus.REPORTED: 0,
    ValueStatus.ZERO_REPORT: 1,
    ValueStatus.NOT_APPLICABLE: 2,
    ValueStatus.MISSING: 3,
}
_STATUS_BY_TEXT = {status.value: code for status, code in STATUS_CODES.items()}
_BATCH = 100_000
_INT64 = 2**63 - 1
_MAX_DIGITS = 38


@attrs.frozen(eq=False)
class ValueTable:
    """Data values as an Arrow table whose codes are integers (see the module docstring).

    ``units`` and ``indicators`` are the plan's codes the ``unit`` and ``indicator`` columns
    number; ``periods`` the distinct periods the ``period`` column numbers. ``internal`` says
    whether any value belongs to a unit with children in the plan (``None``: not known); when
    it is ``False`` the engine skips the search for units that report for their subtree and
    the depths that hold no target. ``unique`` says whether no two rows share a unit, an
    indicator and a period (``None``: not known); when it is ``True`` and no target period
    holds more than one of the table's periods, each value is the whole of its unit's state
    and the engine skips grouping values per unit. The loaders check it only then (it costs a
    pass over the values).
    """

    table: "pa.Table"
    units: tuple[str, ...]
    indicators: tuple[str, ...]
    periods: tuple[Period, ...]
    internal: bool | None = None
    unique: bool | None = None

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def matches(self, plan: AggregationPlan) -> bool:
        """Whether the table was built for *plan*'s units and base indicators."""
        return self.units == tuple(u.code for u in plan.units) and self.indicators == tuple(
            p.code for p in plan.indicators if not p.is_computed
        )


def _arrow() -> Any:
    try:
        import pyarrow
    except ImportError:  # pragma: no cover - the extra is documented
        raise ModelError(
            "columnar aggregation needs pyarrow: pip install 'epireport[scale]'"
        ) from None
    return pyarrow


def _codes(plan: AggregationPlan) -> tuple[tuple[str, ...], tuple[str, ...]]:
    units = tuple(u.code for u in plan.units)
    indicators = tuple(p.code for p in plan.indicators if not p.is_computed)
    return units, indicators


def _leaves(plan: AggregationPlan) -> list[bool]:
    index = {u.code: i for i, u in enumerate(plan.units)}
    leaf = [True] * len(plan.units)
    for unit in plan.units:
        if unit.parent is not None:
            leaf[index[unit.parent]] = False
    return leaf


def _scale(numbers: Iterable[Decimal]) -> int:
    """The number of decimal places the decimal column needs for every one of *numbers*."""
    scale = 0
    digits = 0
    for number in numbers:
        _, ds, exponent = number.as_tuple()
        assert isinstance(exponent, int)
        scale = max(scale, -exponent)
        digits = max(digits, len(ds) + exponent)
    if scale + digits > _MAX_DIGITS - 2:
        raise ModelError(
            f"ValueTable.value: decimals with {digits} integer digits and {scale} decimal "
            f"places do not fit a 38-digit column; aggregate them with the Python engine"
        )
    return scale


def _value_type(pa: Any, numbers: list[int | Decimal]) -> Any:
    decimals = [n for n in numbers if isinstance(n, Decimal)]
    if not decimals and all(-_INT64 <= n <= _INT64 for n in numbers):
        return pa.int64()
    return pa.decimal128(_MAX_DIGITS, _scale(Decimal(n) for n in numbers))


def _number(value: DataValue) -> int | Decimal | None:
    if value.status is not ValueStatus.REPORTED:
        return None
    number = value.value
    if isinstance(number, bool):
        return int(number)
    if isinstance(number, int | Decimal):
        return number
    raise ModelError(
        f"ValueTable.value: the text value {number!r} ({value.indicator!r}, {value.unit!r}, "
        f"{value.period}) cannot be aggregated in columns; use the Python engine"
    )


def _single_periods(plan: AggregationPlan, periods: Iterable[Period]) -> bool:
    """Whether each target period holds at most one of *periods* (inside or in its look-back).

    Only then can a value be the whole state of its (unit, indicator, target period), so only
    then is it worth checking the values for duplicates (see :attr:`ValueTable.unique`).
    """
    lookback = timedelta(days=plan.stock_lookback_days)
    targets = {t.period for t in plan.targets}
    given = list(periods)
    for target in targets:
        held = 0
        for p in given:
            if (target.start <= p.start and p.end <= target.end) or (
                lookback and target.start - lookback < p.end <= target.start
            ):
                held += 1
                if held > 1:
                    return False
    return True


def _unique(table: Any) -> bool:
    """Whether no two rows of *table* share a unit, an indicator and a period."""
    if table.num_rows < 2:
        return True
    try:
        import duckdb
    except ImportError:  # pragma: no cover - pyspark-only installs
        groups = table.group_by(["unit", "indicator", "period"]).aggregate([])
        return bool(groups.num_rows == table.num_rows)
    con = duckdb.connect()
    try:
        con.register("epireport_check", table.select(["unit", "indicator", "period"]))
        twice = con.sql(
            "SELECT 1 FROM epireport_check GROUP BY unit, indicator, period "
            "HAVING count(*) > 1 LIMIT 1"
        ).fetchall()
    finally:
        con.close()
    return not twice


def from_values(values: Iterable[DataValue], plan: AggregationPlan) -> ValueTable:
    """Build the columns of *values* for *plan*, keeping their order in the ``row`` column.

    Values of indicators split by categories are resolved first (one value per option series,
    see :mod:`epireport.aggregate._categories`): the table has no category column.
    """
    categories = plan.categories
    if categories:
        values = resolve_categories(categories, values)[0]
    pa = _arrow()
    units, indicators = _codes(plan)
    unit_index = {code: i for i, code in enumerate(units)}
    indicator_index = {code: i for i, code in enumerate(indicators)}
    leaf = _leaves(plan)
    period_index: dict[Period, int] = {}
    rows: list[int] = []
    unit_col: list[int] = []
    indicator_col: list[int] = []
    period_col: list[int] = []
    status_col: list[int] = []
    numbers: list[int | Decimal | None] = []
    internal = False
    for row, value in enumerate(values):
        ii = indicator_index.get(value.indicator)
        ui = unit_index.get(value.unit)
        if ii is None or ui is None:
            continue
        pi = period_index.setdefault(value.period, len(period_index))
        internal = internal or not leaf[ui]
        rows.append(row)
        unit_col.append(ui)
        indicator_col.append(ii)
        period_col.append(pi)
        status_col.append(STATUS_CODES[value.status])
        numbers.append(_number(value))
    value_type = _value_type(pa, [n for n in numbers if n is not None])
    table = pa.table(
        {
            "unit": pa.array(unit_col, pa.int32()),
            "indicator": pa.array(indicator_col, pa.int32()),
            "period": pa.array(period_col, pa.int32()),
            "status": pa.array(status_col, pa.int8()),
            "value": pa.array(numbers, value_type),
            "row": pa.array(rows, pa.int64()),
        }
    )
    periods = tuple(period_index)
    unique = _unique(table) if _single_periods(plan, periods) else None
    return ValueTable(table, units, indicators, periods, internal, unique)


def _dictionaries(plan: AggregationPlan, pa: Any) -> tuple[Any, Any]:
    units, indicators = _codes(plan)
    leaf = _leaves(plan)
    unit_table = pa.table(
        {
            "code": pa.array(units, pa.string()),
            "id": pa.array(range(len(units)), pa.int32()),
            "leaf": pa.array(leaf, pa.bool_()),
        }
    )
    indicator_table = pa.table(
        {
            "code": pa.array(indicators, pa.string()),
            "id": pa.array(range(len(indicators)), pa.int32()),
        }
    )
    return unit_table, indicator_table


def _period_table(pa: Any, texts: Iterable[str]) -> tuple[Any, tuple[Period, ...]]:
    periods: list[Period] = []
    seen: dict[Period, int] = {}
    text_col: list[str] = []
    id_col: list[int] = []
    for text in texts:
        try:
            period = Period.parse(text)
        except ModelError as exc:
            raise ModelError(f"ValueTable.period: {exc}") from None
        pi = seen.get(period)
        if pi is None:
            pi = seen[period] = len(periods)
            periods.append(period)
        text_col.append(text)
        id_col.append(pi)
    table = pa.table({"text": pa.array(text_col, pa.string()), "id": pa.array(id_col, pa.int32())})
    return table, tuple(periods)


def from_file(
    path: str | os.PathLike[str], plan: AggregationPlan, *, connection: Any = None
) -> ValueTable:
    """Load a long-form CSV or Parquet file of values for *plan*, with DuckDB.

    The file has the columns ``indicator``, ``unit``, ``period`` and ``value`` and optionally
    ``status`` (``reported`` when blank and a value is given, else ``missing``), as
    :func:`epireport.io._csv.write_csv` writes them; values must be numbers. A Parquet file may
    store ``value`` as a number column. *connection* is a ``duckdb`` connection to load with
    (a fresh in-memory one by default).
    """
    import duckdb

    pa = _arrow()
    name = os.fspath(path)
    if not Path(name).is_file():
        raise ModelError(f"ValueTable: no such file {name!r}")
    con = connection if connection is not None else duckdb.connect()
    if name.lower().endswith(".parquet"):
        raw = con.read_parquet(name)
    else:
        raw = con.read_csv(name, header=True, all_varchar=True)
    raw.create_view("epireport_raw", replace=True)
    columns = {row[0] for row in con.sql("DESCRIBE epireport_raw").fetchall()}
    missing = {"indicator", "unit", "period", "value"} - columns
    if missing:
        raise ModelError(f"ValueTable: {name!r} lacks the columns {sorted(missing)}")
    if "options" in columns:
        query = (
            "SELECT count(*) FROM epireport_raw "
            "WHERE nullif(trim(CAST(options AS VARCHAR)), '') IS NOT NULL"
        )
        split = con.sql(query).fetchall()[0]
        if split[0]:
            # Read as totals, each option would be added to its indicator's total.
            raise ModelError(
                f"ValueTable: {name!r} has {split[0]} value(s) with category options, which this "
                "reader does not resolve: ingest the file into a store (epireport ingest) or "
                "aggregate it with the Python engine"
            )
    status = (
        "CASE WHEN nullif(trim(CAST(status AS VARCHAR)), '') IS NOT NULL "
        "THEN trim(CAST(status AS VARCHAR)) "
        "WHEN value IS NULL OR trim(CAST(value AS VARCHAR)) = '' THEN 'missing' "
        "ELSE 'reported' END"
        if "status" in columns
        else "CASE WHEN value IS NULL OR trim(CAST(value AS VARCHAR)) = '' THEN 'missing' "
        "ELSE 'reported' END"
    )
    units, indicators = _dictionaries(plan, pa)
    texts = [r[0] for r in con.sql("SELECT DISTINCT period FROM epireport_raw").fetchall()]
    periods, period_list = _period_table(pa, texts)
    statuses = pa.table(
        {
            "text": pa.array(list(_STATUS_BY_TEXT), pa.string()),
            "id": pa.array(list(_STATUS_BY_TEXT.values()), pa.int8()),
        }
    )
    con.register("epireport_units", units)
    con.register("epireport_indicators", indicators)
    con.register("epireport_periods", periods)
    con.register("epireport_statuses", statuses)
    con.execute(
        "CREATE OR REPLACE TEMP VIEW epireport_coded AS SELECT u.id AS unit, i.id AS indicator, "
        "p.id AS period, s.id AS status, "
        f"CASE WHEN s.id = 0 THEN trim(CAST(r.value AS VARCHAR)) END AS value_text, "
        f"{status} AS status_text, u.leaf AS leaf "
        "FROM epireport_raw r JOIN epireport_units u ON u.code = r.unit "
        "JOIN epireport_indicators i ON i.code = r.indicator "
        "JOIN epireport_periods p ON p.text = r.period "
        f"LEFT JOIN epireport_statuses s ON s.text = {status}"
    )
    bad = con.sql("SELECT status_text FROM epireport_coded WHERE status IS NULL LIMIT 1").fetchall()
    if bad:
        raise ModelError(f"ValueTable.status: unknown status {bad[0][0]!r} in {name!r}")
    integral, scale, not_numbers, internal = con.sql(
        "SELECT bool_and(value_text IS NULL "
        "OR regexp_full_match(value_text, '[+-]?[0-9]{1,18}')), "
        "coalesce(max(length(split_part(value_text, '.', 2))), 0), "
        "count(*) FILTER (WHERE value_text IS NOT NULL "
        "AND TRY_CAST(value_text AS DECIMAL(38, 10)) IS NULL), "
        "coalesce(bool_or(NOT leaf), false) FROM epireport_coded"
    ).fetchall()[0]
    if not_numbers:
        raise ModelError(
            f"ValueTable.value: {not_numbers} values in {name!r} are not numbers; "
            "aggregate them with the Python engine"
        )
    value_type = "BIGINT" if integral else f"DECIMAL(38, {min(int(scale), 30)})"
    table = con.sql(
        "SELECT CAST(unit AS INTEGER) AS unit, CAST(indicator AS INTEGER) AS indicator, "
        "CAST(period AS INTEGER) AS period, CAST(status AS TINYINT) AS status, "
        f"CAST(value_text AS {value_type}) AS value FROM epireport_coded"
    ).to_arrow_table()
    for view in ("epireport_coded", "epireport_raw"):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for registered in ("epireport_units", "epireport_indicators", "epireport_periods"):
        con.unregister(registered)
    con.unregister("epireport_statuses")
    unit_codes, indicator_codes = _codes(plan)
    unique = _unique(table) if _single_periods(plan, period_list) else None
    return ValueTable(table, unit_codes, indicator_codes, period_list, bool(internal), unique)


def _store_rows(path: str) -> Iterator[list[tuple[Any, ...]]]:
    """The store's current values (not the withdrawn ones), with their options and qualifier."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        # A store not yet upgraded (opening it with epireport does) lacks the newer columns.
        options = "v.options, v.qualifier" if version >= 3 else "'', ''"
        current = "v.withdrawn = 0" if version >= 2 else "1"
        cursor = db.execute(
            f"SELECT i.code, u.code, v.period, v.status, v.kind, v.value_text, {options} "
            "FROM data_values v "
            "JOIN indicators i ON i.id = v.indicator_id JOIN units u ON u.id = v.unit_id "
            f"WHERE {current} ORDER BY v.id"
        )
        while True:
            batch = cursor.fetchmany(_BATCH)
            if not batch:
                return
            yield batch
    finally:
        db.close()


def _store_number(kind: str | None, text: str | None) -> int | Decimal | None:
    if kind is None or text is None:
        return None
    if kind == "int":
        return int(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "bool":
        return int(text == "true")
    raise ModelError(
        f"ValueTable.value: the text value {text!r} cannot be aggregated in columns; "
        "use the Python engine"
    )


def from_store(store: Any, plan: AggregationPlan) -> ValueTable:
    """Load every value of an epireport SQLite store for *plan*, in batches.

    *store* is a :class:`~epireport.store.Store` or the path of its file. The file is opened
    read-only with :mod:`sqlite3` (DuckDB's SQLite scanner is an extension the DuckDB wheel does
    not bundle, and it cannot be downloaded offline); rows arrive 100,000 at a time and are
    coded to integers before they become Arrow arrays.
    """
    pa = _arrow()
    path = os.fspath(store.path if hasattr(store, "path") else store)
    if path == ":memory:" or not Path(path).is_file():
        raise ModelError(f"ValueTable: {path!r} is not a store file")
    units, indicators = _codes(plan)
    unit_index = {code: i for i, code in enumerate(units)}
    indicator_index = {code: i for i, code in enumerate(indicators)}
    leaf = _leaves(plan)
    period_index: dict[str, int] = {}
    periods: dict[Period, int] = {}
    batches: list[tuple[list[int], list[int], list[int], list[int], list[Any]]] = []
    numbers_seen: list[int | Decimal] = []
    internal = False
    categories = plan.categories
    split: list[DataValue] = []  # values of indicators split by categories, resolved below
    approximate = 0
    for batch in _store_rows(path):
        uc: list[int] = []
        ic: list[int] = []
        pc: list[int] = []
        sc: list[int] = []
        vc: list[Any] = []
        for indicator, unit, period, status, kind, text, options, qualifier in batch:
            if qualifier:
                approximate += 1
                continue
            if options or indicator in categories:
                split.append(
                    DataValue._trusted(
                        indicator,
                        unit,
                        Period.parse(period),
                        ValueStatus(status),
                        _store_number(kind, text) if status == "reported" else None,
                        None,
                        "",
                        "",
                        tuple(options.split(",")) if options else (),
                    )
                )
                continue
            ii = indicator_index.get(indicator)
            ui = unit_index.get(unit)
            if ii is None or ui is None:
                continue
            pi = period_index.get(period)
            if pi is None:
                parsed = Period.parse(period)
                pi = period_index[period] = periods.setdefault(parsed, len(periods))
            internal = internal or not leaf[ui]
            number = _store_number(kind, text) if status == "reported" else None
            uc.append(ui)
            ic.append(ii)
            pc.append(pi)
            sc.append(_STATUS_BY_TEXT[status])
            vc.append(number)
            if number is not None and isinstance(number, Decimal):
                numbers_seen.append(number)
        batches.append((uc, ic, pc, sc, vc))
    if approximate:
        raise ModelError(
            f"the store {path!r} holds {approximate} approximate figure(s) (480余, 约500): the "
            "Ibis engine reads figures as exact and would write them so; aggregate with the "
            "Python engine (engine='python' or EPIREPORT_ENGINE=python), which keeps them"
        )
    if split:
        # The category axis is resolved as from_values resolves it (a stated total wins, else
        # the sum of its options), then coded like every other value.
        uc, ic, pc, sc, vc = [], [], [], [], []
        for value in resolve_categories(categories, split)[0]:
            ii = indicator_index.get(value.indicator)
            ui = unit_index.get(value.unit)
            if ii is None or ui is None:
                continue
            pi = periods.setdefault(value.period, len(periods))
            period_index.setdefault(str(value.period), pi)
            internal = internal or not leaf[ui]
            number = _number(value)
            uc.append(ui)
            ic.append(ii)
            pc.append(pi)
            sc.append(STATUS_CODES[value.status])
            vc.append(number)
            if isinstance(number, Decimal):
                numbers_seen.append(number)
        batches.append((uc, ic, pc, sc, vc))
    big = any(isinstance(n, int) and not -_INT64 <= n <= _INT64 for b in batches for n in b[4] if n)
    value_type = _value_type(pa, [*numbers_seen, *([_INT64 + 1] if big else [])])
    record_batches = [
        pa.record_batch(
            {
                "unit": pa.array(uc, pa.int32()),
                "indicator": pa.array(ic, pa.int32()),
                "period": pa.array(pc, pa.int32()),
                "status": pa.array(sc, pa.int8()),
                "value": pa.array(vc, value_type),
            }
        )
        for uc, ic, pc, sc, vc in batches
    ]
    schema = pa.schema(
        [
            ("unit", pa.int32()),
            ("indicator", pa.int32()),
            ("period", pa.int32()),
            ("status", pa.int8()),
            ("value", value_type),
        ]
    )
    table = pa.Table.from_batches(record_batches, schema=schema)
    # The store keeps one value per (indicator, unit, period) text; distinct texts of one
    # period would be read as one period, so uniqueness holds when texts and periods pair up.
    unique = True if len(period_index) == len(periods) else None
    return ValueTable(table, units, indicators, tuple(periods), internal, unique)
