"""The embedded store: SQLite (standard library), one transaction per ingest, nothing lost.

Schema (version 1, kept in ``PRAGMA user_version``)::

    units        id, code UNIQUE, name, parent_id → units, level, opening, closing
    indicators   id, code UNIQUE, institution (the institution that first stored it, or NULL)
    sources      id, name, sha256, ingested_at, added, updated, unchanged   (the ingest log)
    data_values  id, indicator_id, unit_id, period (canonical id), start_day, end_day
                 (proleptic ordinals, end exclusive), status, kind (int/decimal/bool/text),
                 value_text (exact), value_num (for queries), submitted_at, submitted_by,
                 comment, ingested_at, source_id → sources, source_row
                 UNIQUE (indicator_id, unit_id, period)
    history      the same value columns for every version a correction replaced, with
                 value_id → data_values and superseded_at

Codes are mapped to integer ids once. The file runs in WAL mode, so readers never block the
writer, and every ingest is one ``BEGIN IMMEDIATE`` transaction: a crash or an error leaves the
store exactly as it was. Indicator codes are unique across a store: a code stored for one
institution cannot be stored for another.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from epireport.exceptions import InputError, ModelError, Problem, UsageError
from epireport.model._indicators import IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, Value, ValueStatus
from epireport.store._records import IngestResult, Revision

__all__ = ["SCHEMA_VERSION", "Store"]

#: The schema version this code writes and reads (``PRAGMA user_version``).
SCHEMA_VERSION: Final = 1

_SCHEMA: Final = """
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    level INTEGER,
    opening TEXT,
    closing TEXT
);
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    institution TEXT
);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    added INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL
);
CREATE TABLE data_values (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    start_day INTEGER NOT NULL,
    end_day INTEGER NOT NULL,
    status TEXT NOT NULL,
    kind TEXT,
    value_text TEXT,
    value_num REAL,
    submitted_at TEXT,
    submitted_by TEXT NOT NULL,
    comment TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    source_id INTEGER REFERENCES sources(id),
    source_row TEXT NOT NULL,
    UNIQUE (indicator_id, unit_id, period)
);
CREATE INDEX data_values_days ON data_values (start_day, end_day);
CREATE INDEX data_values_unit ON data_values (unit_id);
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    value_id INTEGER NOT NULL REFERENCES data_values(id),
    status TEXT NOT NULL,
    kind TEXT,
    value_text TEXT,
    submitted_at TEXT,
    submitted_by TEXT NOT NULL,
    comment TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    source_id INTEGER REFERENCES sources(id),
    source_row TEXT NOT NULL,
    superseded_at TEXT NOT NULL
);
CREATE INDEX history_value ON history (value_id);
"""

# The columns that make up a value's state: equal state means a re-import changes nothing.
_STATE: Final = ("status", "kind", "value_text", "submitted_at", "submitted_by", "comment")


def _encode(value: DataValue) -> tuple[Any, ...]:
    raw = value.value
    kind: str | None
    number: float | None
    if value.status is not ValueStatus.REPORTED or raw is None:
        kind, text, number = None, None, None
    elif isinstance(raw, bool):
        kind, text, number = "bool", "true" if raw else "false", float(raw)
    elif isinstance(raw, int):
        kind, text, number = "int", str(raw), float(raw)
    elif isinstance(raw, Decimal):
        kind, text, number = "decimal", str(raw), float(raw)
    else:
        kind, text, number = "text", raw, None
    when = value.submitted_at.isoformat() if value.submitted_at is not None else None
    return (
        value.status.value,
        kind,
        text,
        when,
        value.submitted_by,
        value.comment,
        number,
    )


def _decode_value(kind: str | None, text: str | None) -> Value | None:
    if kind is None or text is None:
        return None
    if kind == "bool":
        return text == "true"
    if kind == "int":
        return int(text)
    if kind == "decimal":
        return Decimal(text)
    return text


def _decode(
    indicator: str,
    unit: str,
    period: str,
    status: str,
    kind: str | None,
    text: str | None,
    submitted_at: str | None,
    submitted_by: str,
    comment: str,
) -> DataValue:
    return DataValue(
        indicator,
        unit,
        Period.parse(period),
        ValueStatus(status),
        _decode_value(kind, text),
        submitted_at=dt.datetime.fromisoformat(submitted_at) if submitted_at else None,
        submitted_by=submitted_by,
        comment=comment,
    )


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store:
    """A store of data values, org units and the history of every correction.

    Open with :meth:`open` (creates the file and its schema when missing) and use as a context
    manager, which closes it. Reading methods see committed data; :meth:`ingest` writes one
    transaction. Not thread-safe: one ``Store`` per thread.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: str,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._db = connection
        self._path = path
        self._clock = clock

    # -------------------------------------------------------------- opening and closing

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> Store:
        """Open (or create) the store at *path*; ``":memory:"`` gives a throw-away store.

        *clock* returns the ingest time (UTC now by default; tests pass a fixed one). Raises
        :class:`UsageError` when the file is not an epireport store or is from a newer version.
        """
        name = os.fspath(path)
        if name != ":memory:" and not Path(name).parent.is_dir():
            raise UsageError(f"cannot create the store {name!r}: its directory does not exist")
        try:
            db = sqlite3.connect(name, isolation_level=None, check_same_thread=True)
        except sqlite3.Error as exc:
            raise UsageError(f"cannot open the store {name!r}: {exc}") from None
        store = cls(db, name, clock or _utc_now)
        try:
            store._prepare()
        except BaseException:
            db.close()
            raise
        return store

    def _prepare(self) -> None:
        db = self._db
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 5000")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise UsageError(
                        f"{self._path!r} is an SQLite database but not an epireport store"
                    )
                if self._path != ":memory:":
                    db.execute("PRAGMA journal_mode = WAL")
                with self._transaction():
                    # Statement by statement: executescript() would commit on its own.
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version > SCHEMA_VERSION:
                raise UsageError(
                    f"the store {self._path!r} has schema version {version}; this epireport "
                    f"reads version {SCHEMA_VERSION}: upgrade epireport"
                )
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{self._path!r} is not an epireport store ({exc})") from None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def path(self) -> str:
        """The file the store lives in (``":memory:"`` for a throw-away store)."""
        return self._path

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at once, so a second writer waits (busy_timeout)
        # instead of failing halfway through an ingest.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -------------------------------------------------------------- writing

    def put_units(self, units: Iterable[OrgUnit]) -> None:
        """Add or update org units (the latest declaration of a code wins), in one transaction.

        The units stored must still form a valid tree; otherwise nothing is written and an
        :class:`InputError` says why.
        """
        with self._transaction():
            self._put_units(tuple(units), "")
            self._check_tree("")

    def ingest(
        self,
        values: Iterable[DataValue],
        source: str = "",
        *,
        rows: Sequence[str] | None = None,
        units: Iterable[OrgUnit] = (),
        institution: str | None = None,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> IngestResult:
        """Store *values* read from *source* in one transaction: all of them or none.

        A value new to the store is added; one equal to the stored value (status, value,
        submitted_at, submitted_by, comment) is unchanged, so re-importing a file is
        idempotent; any other is a correction: the stored version moves to the history
        (:meth:`history`) and the new one replaces it. ``rows[i]`` locates ``values[i]`` in
        *source*. *units* are added or updated first; a unit code not known otherwise is added
        as a root named by its code, to be completed by a later declaration. *institution*
        tags the indicators; an indicator already tagged with another institution is refused.
        With *dry_run* the transaction is rolled back and the counts say what would happen.
        *progress* is called with the number of values written since the last call.

        Raises :class:`InputError` listing every problem (nothing written).
        """
        items = list(values)
        locations = list(rows) if rows is not None else [""] * len(items)
        if len(locations) != len(items):
            raise UsageError(f"ingest: {len(items)} values but {len(locations)} rows")
        now = self._clock().isoformat()
        problems: list[Problem] = []
        counts = [0, 0, 0]
        try:
            with self._transaction():
                source_id = self._db.execute(
                    "INSERT INTO sources (name, ingested_at, added, updated, unchanged) "
                    "VALUES (?, ?, 0, 0, 0)",
                    (source, now),
                ).lastrowid
                self._put_units(tuple(units), source)
                indicator_ids = _IdCache(self, institution, source, problems)
                unit_ids: dict[str, int] = {}
                pending = 0
                for value, row in zip(items, locations, strict=True):
                    indicator_id = indicator_ids.get(value.indicator)
                    unit_id = unit_ids.get(value.unit)
                    if unit_id is None:
                        unit_id = unit_ids[value.unit] = self._unit_id(value.unit)
                    if indicator_id is None:
                        continue
                    outcome = self._write(value, indicator_id, unit_id, now, source_id, row)
                    counts[outcome] += 1
                    pending += 1
                    if progress is not None and pending >= 100:
                        progress(pending)
                        pending = 0
                if progress is not None and pending:
                    progress(pending)
                self._check_tree(source, problems)
                if problems:
                    raise InputError(problems, source=source or None)
                self._db.execute(
                    "UPDATE sources SET added = ?, updated = ?, unchanged = ? WHERE id = ?",
                    (*counts, source_id),
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        added, updated, unchanged = counts
        return IngestResult(added, updated, unchanged, source=source, dry_run=dry_run)

    def _put_units(self, units: tuple[OrgUnit, ...], source: str) -> None:
        db = self._db
        for unit in units:
            db.execute(
                "INSERT INTO units (code, name, level, opening, closing) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
                "opening = excluded.opening, closing = excluded.closing",
                (
                    unit.code,
                    unit.name,
                    unit.level,
                    unit.opening.isoformat() if unit.opening else None,
                    unit.closing.isoformat() if unit.closing else None,
                ),
            )
        # Parents in a second pass: a file may list a child before its parent.
        for unit in units:
            parent_id = self._unit_id(unit.parent) if unit.parent is not None else None
            db.execute("UPDATE units SET parent_id = ? WHERE code = ?", (parent_id, unit.code))

    def _unit_id(self, code: str) -> int:
        row = self._db.execute("SELECT id FROM units WHERE code = ?", (code,)).fetchone()
        if row is not None:
            return int(row[0])
        cursor = self._db.execute("INSERT INTO units (code, name) VALUES (?, ?)", (code, code))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _check_tree(self, source: str, problems: list[Problem] | None = None) -> None:
        try:
            self._tree()
        except ModelError as exc:
            problem = Problem(source or "org units", f"the org units would not form a tree: {exc}")
            if problems is None:
                raise InputError([problem]) from None
            problems.append(problem)

    def _write(
        self,
        value: DataValue,
        indicator_id: int,
        unit_id: int,
        now: str,
        source_id: int | None,
        row: str,
    ) -> int:
        """Write one value; return 0 (added), 1 (updated) or 2 (unchanged)."""
        db = self._db
        period = value.period
        state = _encode(value)
        found = db.execute(
            "SELECT id, status, kind, value_text, submitted_at, submitted_by, comment "
            "FROM data_values WHERE indicator_id = ? AND unit_id = ? AND period = ?",
            (indicator_id, unit_id, str(period)),
        ).fetchone()
        if found is None:
            db.execute(
                "INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, "
                "status, kind, value_text, submitted_at, submitted_by, comment, value_num, "
                "ingested_at, source_id, source_row) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    indicator_id,
                    unit_id,
                    str(period),
                    period.start.toordinal(),
                    period.end.toordinal(),
                    *state,
                    now,
                    source_id,
                    row,
                ),
            )
            return 0
        if tuple(found[1:]) == state[: len(_STATE)]:
            return 2
        db.execute(
            "INSERT INTO history (value_id, status, kind, value_text, submitted_at, "
            "submitted_by, comment, ingested_at, source_id, source_row, superseded_at) "
            "SELECT id, status, kind, value_text, submitted_at, submitted_by, comment, "
            "ingested_at, source_id, source_row, ? FROM data_values WHERE id = ?",
            (now, found[0]),
        )
        db.execute(
            "UPDATE data_values SET status = ?, kind = ?, value_text = ?, submitted_at = ?, "
            "submitted_by = ?, comment = ?, value_num = ?, ingested_at = ?, source_id = ?, "
            "source_row = ? WHERE id = ?",
            (*state, now, source_id, row, found[0]),
        )
        return 1

    # -------------------------------------------------------------- reading

    def _tree(self) -> OrgTree:
        rows = self._db.execute(
            "SELECT u.code, u.name, p.code, u.level, u.opening, u.closing "
            "FROM units u LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.id"
        ).fetchall()
        return OrgTree(
            OrgUnit(
                code,
                name,
                parent,
                level,
                dt.date.fromisoformat(opening) if opening else None,
                dt.date.fromisoformat(closing) if closing else None,
            )
            for code, name, parent, level, opening, closing in rows
        )

    def units(self) -> OrgTree:
        """Every stored org unit, as a tree (roots and children in the order first stored)."""
        return self._tree()

    def indicators(self) -> dict[str, str | None]:
        """Every stored indicator code with the institution it belongs to (``None``: untagged)."""
        rows = self._db.execute("SELECT code, institution FROM indicators ORDER BY id")
        return dict(rows)

    def values(
        self,
        institution: str | None = None,
        unit: str | None = None,
        period: Period | str | None = None,
        *,
        under: str | None = None,
        indicators: Iterable[str] | None = None,
        history: bool = False,
    ) -> Iterator[DataValue]:
        """Yield the stored values, filtered; ordered by period, unit, indicator.

        *institution* keeps the indicators tagged with it; *unit* keeps one unit's values and
        *under* those of a unit and every unit below it; *period* keeps the values whose period
        lies inside it, and with *history* also those wholly before it (what comparisons with
        earlier periods and running totals read; a value across the period's start is
        neither); *indicators* keeps those codes.
        """
        sql = [
            "SELECT i.code, u.code, v.period, v.status, v.kind, v.value_text, v.submitted_at, "
            "v.submitted_by, v.comment FROM data_values v "
            "JOIN indicators i ON i.id = v.indicator_id JOIN units u ON u.id = v.unit_id"
        ]
        where: list[str] = []
        params: list[Any] = []
        if under is not None:
            sql.insert(
                0,
                "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE code = ? UNION ALL "
                "SELECT units.id FROM units JOIN sub ON units.parent_id = sub.id) ",
            )
            params.append(under)
            where.append("v.unit_id IN (SELECT id FROM sub)")
        if institution is not None:
            where.append("i.institution = ?")
            params.append(institution)
        if unit is not None:
            where.append("u.code = ?")
            params.append(unit)
        if period is not None:
            if isinstance(period, str):
                period = Period.parse(period)
            start, end = period.start.toordinal(), period.end.toordinal()
            if history:
                where.append("v.end_day <= ? AND (v.start_day >= ? OR v.end_day <= ?)")
                params.extend((end, start, start))
            else:
                where.append("v.start_day >= ? AND v.end_day <= ?")
                params.extend((start, end))
        wanted = set(indicators) if indicators is not None else None
        if where:
            sql.append("WHERE " + " AND ".join(where))
        sql.append("ORDER BY v.start_day, v.end_day, u.id, i.id, v.period")
        for row in self._db.execute(" ".join(sql), params):
            if wanted is None or row[0] in wanted:
                yield _decode(*row)

    def history(self, indicator: str, unit: str, period: Period | str) -> tuple[Revision, ...]:
        """Every version of one value, oldest first; the last one is current (if any).

        Each :class:`Revision` says what the value was, who submitted it and when, when it was
        ingested, from which file and row, and when a correction superseded it.
        """
        key = str(Period.parse(period) if isinstance(period, str) else period)
        common = (
            "FROM data_values v JOIN indicators i ON i.id = v.indicator_id "
            "JOIN units u ON u.id = v.unit_id "
        )
        old = self._db.execute(
            "SELECT h.status, h.kind, h.value_text, h.submitted_at, h.submitted_by, h.comment, "
            "h.ingested_at, s.name, h.source_row, h.superseded_at "
            + common
            + "JOIN history h ON h.value_id = v.id LEFT JOIN sources s ON s.id = h.source_id "
            "WHERE i.code = ? AND u.code = ? AND v.period = ? ORDER BY h.id",
            (indicator, unit, key),
        ).fetchall()
        current = self._db.execute(
            "SELECT v.status, v.kind, v.value_text, v.submitted_at, v.submitted_by, v.comment, "
            "v.ingested_at, s.name, v.source_row, NULL "
            + common
            + "LEFT JOIN sources s ON s.id = v.source_id "
            "WHERE i.code = ? AND u.code = ? AND v.period = ?",
            (indicator, unit, key),
        ).fetchall()
        return tuple(
            Revision(
                value=_decode(indicator, unit, key, *row[:6]),
                ingested_at=dt.datetime.fromisoformat(row[6]),
                source=row[7] or "",
                row=row[8],
                superseded_at=dt.datetime.fromisoformat(row[9]) if row[9] else None,
            )
            for row in [*old, *current]
        )

    def report_input(
        self,
        institution: str | Institution,
        unit: str,
        period: Period | str,
        indicator_sets: Iterable[IndicatorSet] | None = None,
        *,
        title: str = "",
        history: bool = True,
    ) -> ReportInput:
        """Build a report input from stored data: the org tree under *unit*, its values.

        The tree is *unit* and everything below it (*unit* becomes its root); the values are
        those of these units whose period lies inside *period*, with *history* (the default)
        also those wholly before it, as a report input file may carry them: the facts'
        comparisons with the previous period (环比) and the same period last year (同比) and
        running totals (累计) read them. They are for the indicators of *indicator_sets* (by
        default the institution's sets, or, given only an institution's name, the indicators
        tagged with it). Raises :class:`UsageError` for an unknown unit.
        """
        period = Period.parse(period) if isinstance(period, str) else period
        name = institution.name if isinstance(institution, Institution) else institution
        sets = tuple(indicator_sets) if indicator_sets is not None else None
        if sets is None and isinstance(institution, Institution):
            sets = institution.indicator_sets
        tree = self._tree()
        if unit not in tree:
            raise UsageError(f"unknown org unit {unit!r} in the store {self._path!r}")
        depth = tree.depth(unit)
        level_names: tuple[str, ...] = ()
        if isinstance(institution, Institution):
            level_names = institution.level_names[depth - 1 :]
        sub = tuple(
            OrgUnit(
                u.code,
                u.name,
                None if u.code == unit else u.parent,
                None,
                u.opening,
                u.closing,
            )
            for u in tree.subtree(unit)
        )
        codes = None if sets is None else [c for s in sets for c in s.codes]
        values = self.values(
            institution=name if sets is None else None,
            period=period,
            under=unit,
            indicators=codes,
            history=history,
        )
        return ReportInput(
            institution=name,
            unit=unit,
            period=period,
            title=title,
            tree=OrgTree(sub, level_names),
            values=tuple(values),
        )


class _DryRun(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""


class _IdCache:
    """Integer ids of indicator codes within one ingest, tagging them with the institution."""

    def __init__(
        self, store: Store, institution: str | None, source: str, problems: list[Problem]
    ) -> None:
        self._db = store._db
        self._institution = institution
        self._source = source
        self._problems = problems
        self._ids: dict[str, int | None] = {}

    def get(self, code: str) -> int | None:
        if code in self._ids:
            return self._ids[code]
        found = self._db.execute(
            "SELECT id, institution FROM indicators WHERE code = ?", (code,)
        ).fetchone()
        result: int | None
        if found is None:
            cursor = self._db.execute(
                "INSERT INTO indicators (code, institution) VALUES (?, ?)",
                (code, self._institution),
            )
            result = cursor.lastrowid
        else:
            result, tagged = int(found[0]), found[1]
            if self._institution is not None and tagged is None:
                self._db.execute(
                    "UPDATE indicators SET institution = ? WHERE id = ?",
                    (self._institution, result),
                )
            elif self._institution is not None and tagged != self._institution:
                self._problems.append(
                    Problem(
                        self._source or "ingest",
                        f"indicator {code!r} belongs to institution {tagged!r} in this store, "
                        f"not {self._institution!r}",
                    )
                )
                result = None
        self._ids[code] = result
        return result
