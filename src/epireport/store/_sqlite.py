"""The embedded store: SQLite (standard library), one transaction per ingest, nothing lost.

Schema (version 4, kept in ``PRAGMA user_version``; older stores are upgraded in place)::

    institutions name PRIMARY KEY, first_ingested_at      (what the store holds data for)
    meta         key PRIMARY KEY, value    (units_version: bumped by triggers when units change)
    units        id, code UNIQUE, name, parent_id → units, level, opening, closing
    indicators   id, code UNIQUE, institution (the institution that first stored it, or NULL)
    sources      id, name, ingested_at, added, updated, unchanged, sha256   (the ingest log;
                 sha256 of the file's bytes, so the same file is recognised without reading)
    data_values  id, indicator_id, unit_id, period (canonical id), start_day, end_day
                 (proleptic ordinals, end exclusive), status, kind (int/decimal/bool/text),
                 value_text (exact), value_num (for queries), submitted_at, submitted_by,
                 comment, ingested_at, source_id → sources, source_row, withdrawn,
                 options (category option codes joined by ',', '' for the total),
                 qualifier ('' exact, or 约 近 余 多)
                 UNIQUE (indicator_id, unit_id, options, start_day, period)
    history      the same value columns (options aside: a version never changes them) for
                 every version a correction or a withdrawal replaced, with value_id →
                 data_values, superseded_at and reason

Codes are mapped to integer ids once. The file runs in WAL mode, so readers never block the
writer, and every ingest is one ``BEGIN IMMEDIATE`` transaction: a crash or an error leaves the
store exactly as it was. Indicator codes are unique across a store: a code stored for one
institution cannot be stored for another.

What the store accepts (the collection path's integrity rules):

- an indicator code new to the store only with the institution it belongs to;
- a unit code new to the store only when the file declares it (a report file's ``org_units``, a
  form's unit list, a units file) or the caller allows new units: a typo never becomes a unit;
- a value whose period overlaps a stored value of the same indicator, unit and category
  options for another period is refused (``202002`` typed among daily reports would be
  counted twice);
- versions are ordered by when they were *submitted* (``submitted_at``) when both carry that
  time, else by when they were ingested: an older copy ingested after a newer one changes
  nothing, and the result says so;
- a file that speaks for cells it leaves empty (a re-sent form: :attr:`Batch.scope`) withdraws
  the values stored for them; withdrawn versions stay in the history;
- the institution's validation rules run on the data of every (unit, period) whose data the
  file adds or corrects (what it leaves as it was was checked when it came in): an error
  refuses the file, a warning is reported.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from itertools import groupby, repeat
from operator import itemgetter
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import attrs

from epireport.aggregate._rules import ValidationRule
from epireport.aggregate._validate import _plainly_hold
from epireport.exceptions import InputError, ModelError, Problem, UsageError
from epireport.io._columns import RowLocations, State, ValueColumns, as_columns, as_locations
from epireport.io._normalise import _ANY_DAY
from epireport.model._indicators import IndicatorSet
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, Value, ValueStatus
from epireport.store._records import IngestResult, Revision

__all__ = ["DEFAULT_TIMEOUT", "SCHEMA_VERSION", "TIMEOUT_ENV", "Store"]

#: The schema version this code writes and reads (``PRAGMA user_version``).
SCHEMA_VERSION: Final = 4

#: How long a writer waits for another writer's commit before giving up (seconds), unless
#: ``Store.open(timeout=...)`` or the environment variable says otherwise.
TIMEOUT_ENV: Final = "EPIREPORT_STORE_TIMEOUT"
DEFAULT_TIMEOUT: Final = 30.0

# The units version the org-tree cache reads: bumped by triggers, whoever changes a unit.
_UNITS_VERSION: Final = """\
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('units_version', 0);
INSERT INTO meta (key, value) VALUES ('store_id', random() & 9007199254740991);
CREATE TRIGGER units_inserted AFTER INSERT ON units
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'units_version'; END;
CREATE TRIGGER units_updated AFTER UPDATE ON units
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'units_version'; END;
CREATE TRIGGER units_deleted AFTER DELETE ON units
    BEGIN UPDATE meta SET value = value + 1 WHERE key = 'units_version'; END;
"""

_VALUE_INDEXES: Final = """\
CREATE INDEX data_values_days ON data_values (start_day, end_day);
CREATE INDEX data_values_unit ON data_values (unit_id, period);
"""

# The columns of data_values, written once for the schema and for the migration that rebuilds
# the table (version 3 → 4).
#
# A value's key is (indicator, unit, period, options). start_day follows from the period, so a
# unique key with start_day before the period is as unique, and the one index then serves both
# the lookup of a stored version (every column equal) and the search for overlapping periods
# (a range of start_day within one series). Version 3 had a unique key and a second index for
# the overlaps: one B-tree more to write for every value ingested.
_VALUES_COLUMNS: Final = """(
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
    withdrawn INTEGER NOT NULL DEFAULT 0,
    options TEXT NOT NULL DEFAULT '',
    qualifier TEXT NOT NULL DEFAULT '',
    UNIQUE (indicator_id, unit_id, options, start_day, period)
)"""

# Every column of data_values, in order: what a rebuild copies.
_COLUMN_NAMES: Final = (
    "id, indicator_id, unit_id, period, start_day, end_day, status, kind, value_text, "
    "value_num, submitted_at, submitted_by, comment, ingested_at, source_id, source_row, "
    "withdrawn, options, qualifier"
)

_SCHEMA: Final = f"""
CREATE TABLE institutions (
    name TEXT PRIMARY KEY,
    first_ingested_at TEXT NOT NULL
);
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
    unchanged INTEGER NOT NULL,
    sha256 TEXT
);
CREATE INDEX sources_sha256 ON sources (sha256);
CREATE TABLE data_values {_VALUES_COLUMNS};
{_VALUE_INDEXES}CREATE TABLE history (
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
    superseded_at TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT 'corrected',
    qualifier TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_value ON history (value_id);
{_UNITS_VERSION}"""

# Version 1 → 2: what the store holds, withdrawals.
_MIGRATE_1_TO_2: Final = f"""
CREATE TABLE institutions (
    name TEXT PRIMARY KEY,
    first_ingested_at TEXT NOT NULL
);
ALTER TABLE data_values ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE history ADD COLUMN reason TEXT NOT NULL DEFAULT 'corrected';
ALTER TABLE sources ADD COLUMN sha256 TEXT;
CREATE INDEX sources_sha256 ON sources (sha256);
DROP INDEX data_values_unit;
{_UNITS_VERSION}CREATE INDEX data_values_unit ON data_values (unit_id, period);
CREATE INDEX data_values_key_days ON data_values (indicator_id, unit_id, start_day);
INSERT INTO institutions (name, first_ingested_at)
    SELECT DISTINCT institution, '' FROM indicators WHERE institution IS NOT NULL
"""

# Version 2 → 3: category options (part of a value's identity) and approximate figures, as
# columns; the rebuild of 3 → 4 then gives data_values the key that includes them.
_MIGRATE_2_TO_3: Final = """
ALTER TABLE data_values ADD COLUMN options TEXT NOT NULL DEFAULT '';
ALTER TABLE data_values ADD COLUMN qualifier TEXT NOT NULL DEFAULT '';
ALTER TABLE history ADD COLUMN qualifier TEXT NOT NULL DEFAULT '';
INSERT OR IGNORE INTO meta (key, value) VALUES ('store_id', random() & 9007199254740991)
"""

# Version 3 → 4: the unique key that also finds overlaps (see _VALUES_COLUMNS). SQLite cannot
# change a UNIQUE constraint: data_values is rebuilt, keeping its ids (which the history
# refers to), with foreign keys off for the while (see Store._prepare).
_MIGRATE_3_TO_4: Final = f"""
CREATE TABLE data_values_4 {_VALUES_COLUMNS};
INSERT INTO data_values_4 ({_COLUMN_NAMES})
    SELECT {_COLUMN_NAMES} FROM data_values ORDER BY id;
DROP TABLE data_values;
ALTER TABLE data_values_4 RENAME TO data_values;
{_VALUE_INDEXES}"""

# Validated org trees by (store file, store id), for every Store of the process; the most
# recently built few (each holds its version; a stale one is rebuilt).
_TREES: Final[dict[tuple[str, int], tuple[int, OrgTree]]] = {}
_TREES_LOCK: Final = threading.Lock()
_TREES_KEPT: Final = 4

#: Values written per statement batch by a large ingest (and between progress reports).
_CHUNK: Final = 10_000

# The columns that make up a value's state: equal state means a re-import changes nothing.
_STATE: Final = (
    "status",
    "kind",
    "value_text",
    "submitted_at",
    "submitted_by",
    "comment",
    "qualifier",
)


def _encode(value: DataValue) -> tuple[Any, ...]:
    return _encode_state(
        (
            value.status,
            value.value,
            value.qualifier,
            value.submitted_at,
            value.submitted_by,
            value.comment,
        )
    )


def _encode_state(state: State) -> tuple[Any, ...]:
    """(status, kind, value_text, submitted_at, submitted_by, comment, qualifier, value_num)."""
    status, raw, qualifier, submitted_at, submitted_by, comment = state
    kind: str | None
    number: float | None
    if status is not ValueStatus.REPORTED or raw is None:
        kind, text, number = None, None, None
    elif isinstance(raw, bool):
        kind, text, number = "bool", "true" if raw else "false", float(raw)
    elif isinstance(raw, int):
        kind, text, number = "int", str(raw), float(raw)
    elif isinstance(raw, Decimal):
        kind, text, number = "decimal", str(raw), float(raw)
    else:
        kind, text, number = "text", raw, None
    when = submitted_at.isoformat() if submitted_at is not None else None
    return (status.value, kind, text, when, submitted_by, comment, qualifier, number)


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


_STATUSES: Final = {status.value: status for status in ValueStatus}


class _Decoder:
    """Stored rows back into values, each distinct period text parsed once.

    What the store holds was checked on the way in, so the values are rebuilt without their
    validators (a county's read decodes tens of thousands of rows).
    """

    __slots__ = ("_options", "_periods")

    def __init__(self) -> None:
        self._periods: dict[str, Period] = {}
        self._options: dict[str, tuple[str, ...]] = {"": ()}

    def __call__(
        self,
        indicator: str,
        unit: str,
        period: str,
        status: str,
        kind: str | None,
        text: str | None,
        submitted_at: str | None,
        submitted_by: str,
        comment: str,
        options: str = "",
        qualifier: str = "",
    ) -> DataValue:
        periods = self._periods
        parsed = periods.get(period)
        if parsed is None:
            parsed = periods[period] = Period.parse(period)
        split = self._options.get(options)
        if split is None:
            split = self._options[options] = tuple(options.split(","))
        return DataValue._trusted(
            indicator,
            unit,
            parsed,
            _STATUSES[status],
            _decode_value(kind, text),
            dt.datetime.fromisoformat(submitted_at) if submitted_at else None,
            submitted_by,
            comment,
            split,
            qualifier,
        )

    def batch(
        self, rows: list[Any], units: Mapping[int, str], indicators: Mapping[int, str]
    ) -> tuple[DataValue, ...]:
        """One target's rows of :meth:`Store.report_inputs`'s read, in the store's order."""
        rows.sort(key=_STORE_ORDER)
        periods, split, statuses = self._periods, self._options, _STATUSES
        new = object.__new__
        set_indicator, set_unit, set_period, set_status, set_value = _SETTERS[:5]
        set_at, set_by, set_comment, set_options, set_qualifier = _SETTERS[5:]
        values: list[DataValue] = []
        append = values.append
        for _, unit, indicator, _, _, options, text, status, kind, value, rare in rows:
            parsed = periods.get(text)
            if parsed is None:
                parsed = periods[text] = Period.parse(text)
            split_options = split.get(options)
            if split_options is None:
                split_options = split[options] = tuple(options.split(","))
            at, by, comment, qualifier = _PLAIN if rare is None else json.loads(rare)
            item = new(DataValue)
            set_indicator(item, indicators[indicator])
            set_unit(item, units[unit])
            set_period(item, parsed)
            set_status(item, statuses[status])
            # The usual case (an integer) first.
            set_value(
                item,
                int(value) if kind == "int" and value is not None else _decode_value(kind, value),
            )
            set_at(item, dt.datetime.fromisoformat(at) if at else None)
            set_by(item, by)
            set_comment(item, comment)
            set_options(item, split_options)
            set_qualifier(item, qualifier)
            append(item)
        return tuple(values)


# A row of Store.report_inputs's read: target, unit id, indicator id, start day, end day,
# options, period, status, kind, value text, and the folded rare columns (or NULL).
_TARGET_OF: Final = itemgetter(0)
# The order of Store.values: start_day, end_day, unit id, indicator id, options, period.
_STORE_ORDER: Final = itemgetter(3, 4, 1, 2, 5, 6)
# The folded columns of a value without them: no submission time, submitter, comment, qualifier.
_PLAIN: Final = ("", "", "", "")
# DataValue's fields, set through the slots' own descriptors: what DataValue._trusted does,
# without a call and ten object.__setattr__ per value (a batch decodes a million). A field
# DataValue gains and this misses fails the tests holding report_inputs equal to report_input.
_FIELDS: Final = tuple(f.name for f in attrs.fields(DataValue))
_SETTERS: Final = tuple(DataValue.__dict__[name].__set__ for name in _FIELDS)
assert _FIELDS == (
    "indicator", "unit", "period", "status", "value", "submitted_at", "submitted_by", "comment",
    "options", "qualifier",
)  # fmt: skip


def _split_series(series: str) -> tuple[str, str]:
    """``returnees[wuhan,teacher]`` → ``("returnees", "wuhan,teacher")``; a code → ``(code, "")``.

    The options as the store holds them (joined by ``,``).
    """
    if series.endswith("]") and "[" in series:
        code, _, rest = series.partition("[")
        return code, rest[:-1]
    return series, ""


def _sortable(when: dt.datetime) -> tuple[int, dt.datetime]:
    # Naive and aware times do not compare; order naive ones as they are written.
    return (0, when) if when.tzinfo is None else (1, when.astimezone(dt.UTC).replace(tzinfo=None))


def _later(stored: str | None, new: dt.datetime | None) -> bool:
    """Whether the stored version was submitted after *new* (both must carry the time).

    Without a submission time on either side, the ingest order decides (the new one wins):
    the ingest time is the last resort, and it is recorded as such (``submitted_at`` empty).
    """
    if stored is None or new is None:
        return False
    old = dt.datetime.fromisoformat(stored)
    if (old.tzinfo is None) != (new.tzinfo is None):
        return False
    return old > new


def _statements(script: str) -> Iterator[str]:
    """Split a schema script into statements (a trigger's body holds semicolons of its own)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending
            pending = ""
    if pending.strip(" \n;"):
        yield pending


def _one_tiling_type(periods: Iterable[str]) -> bool:
    """Whether every period (by its id) is of one calendar type that tiles.

    Days never overlap other days, months other months: then no two new values can overlap.
    Intervals and stages do not tile, and neither do periods of two types.
    """
    # Weeks starting on different days overlap: the start day is part of the type here.
    kinds = {(p.type, p.week_start) for p in map(Period.parse, periods)}
    return len(kinds) <= 1 and all(kind.is_calendar for kind, _ in kinds)


def _rows_by_cell(values: ValueColumns, rows: RowLocations) -> dict[tuple[str, str, str], str]:
    """Where a file sent each (indicator, unit, period) total.

    A rule's failure is shown at that row; built only when a rule fails.
    """
    found: dict[tuple[str, str, str], str] = {}
    indicators, units = values.indicators, values.units
    periods = [str(period) for period in values.periods]
    for i, u, p, o, row in zip(
        values.indicator_column,
        values.unit_column,
        values.period_column,
        values.option_column,
        rows,
        strict=True,
    ):
        if o == 0:
            found.setdefault((indicators[i], units[u], periods[p]), row)
    return found


def _plainly_hold_columns(
    rules: Sequence[ValidationRule], values: ValueColumns, positions: Sequence[int]
) -> bool:
    """:func:`_plainly_hold` for the values of *values* at *positions*.

    Each distinct (indicator, options, state) is checked once: a million daily figures are a
    few hundred.
    """
    if positions == range(len(values)):
        # Every value (an ingest into an empty store): the columns zipped in C.
        columns = (values.indicator_column, values.option_column, values.state_column)
        distinct = set(zip(*columns, strict=True))
    else:
        distinct = {
            (values.indicator_column[i], values.option_column[i], values.state_column[i])
            for i in positions
        }
    return _plainly_hold(
        rules,
        (
            DataValue._trusted(
                values.indicators[i],
                "_",
                _ANY_DAY,
                status,
                value,
                None,
                "",
                "",
                values.options[o],
                qualifier,
            )
            for i, o, s in distinct
            for status, value, qualifier, *_ in (values.states[s],)
        ),
    )


def _unknown_unit(where: str, row: str, code: str, known: Mapping[str, int]) -> Problem:
    close = difflib.get_close_matches(code, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    place = f"{where}: {row}" if row else where
    return Problem(
        place,
        f"unknown org unit {code!r}{hint}: it is neither in the store nor declared by the file; "
        "add it with a units file (epireport ingest --units units.yaml) or, if it really is "
        "new, with --allow-new-units",
    )


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _env_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise UsageError(f"{TIMEOUT_ENV}={raw!r}: expected a number of seconds, such as 30")
    return seconds


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
        *,
        timeout: float = DEFAULT_TIMEOUT,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self._db = connection
        self._path = path
        self._clock = clock
        self._timeout = timeout
        self._on_wait = on_wait
        # The validated org tree and the units version it was read at (see _cached_tree).
        self._tree_cache: tuple[int, OrgTree] | None = None

    # -------------------------------------------------------------- opening and closing

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], dt.datetime] | None = None,
        timeout: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> Store:
        """Open (or create) the store at *path*; ``":memory:"`` gives a throw-away store.

        *clock* returns the ingest time (UTC now by default; tests pass a fixed one). A writer
        waits up to *timeout* seconds (default ``EPIREPORT_STORE_TIMEOUT`` or 30) for another
        writer to finish, telling *on_wait* once that it is waiting, then gives up with a
        :class:`UsageError`. Raises :class:`UsageError` when the file is not an epireport store
        or is from a newer version. Two processes creating one new store at once is safe.
        """
        name = os.fspath(path)
        if name != ":memory:" and not Path(name).parent.is_dir():
            raise UsageError(f"cannot create the store {name!r}: its directory does not exist")
        if timeout is None:
            timeout = _env_timeout()
        try:
            # Each attempt waits briefly; _begin() retries until the store's own deadline so
            # that it can say that it is waiting instead of hanging silently.
            db = sqlite3.connect(name, isolation_level=None, check_same_thread=True, timeout=0.2)
        except sqlite3.Error as exc:
            raise UsageError(f"cannot open the store {name!r}: {exc}") from None
        store = cls(db, name, clock or _utc_now, timeout=timeout, on_wait=on_wait)
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
            # With WAL, NORMAL syncs at checkpoints, not at every commit: a crash of the
            # program never loses a committed ingest; only a power cut may lose the last one.
            db.execute("PRAGMA synchronous = NORMAL")
            # 32 MB of page cache (SQLite's default is 2 MB): the indexes of a million values
            # stay in memory while an ingest writes them, instead of going back to the disk.
            db.execute("PRAGMA cache_size = -32768")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise UsageError(
                    f"the store {self._path!r} has schema version {version}; this epireport "
                    f"reads version {SCHEMA_VERSION}: upgrade epireport"
                )
            if version == SCHEMA_VERSION:
                return
            if version == 0 and self._path != ":memory:":
                self._retry(lambda: db.execute("PRAGMA journal_mode = WAL"))
            # Rebuilding data_values (→ 4) drops the table the history refers to: foreign
            # keys are off while it is rebuilt (they cannot change inside a transaction) and
            # checked before the commit.
            db.execute("PRAGMA foreign_keys = OFF")
            try:
                self._create_or_upgrade()
            finally:
                db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            raise UsageError(f"{self._path!r} is not an epireport store ({exc})") from None

    def _create_or_upgrade(self) -> None:
        """Create the schema in an empty file, or upgrade an older store to this version."""
        db = self._db
        with self._transaction():
            # Read again under the write lock: another process may have created (or
            # upgraded) the store while this one waited, which is not an error.
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise UsageError(
                        f"{self._path!r} is an SQLite database but not an epireport store"
                    )
                scripts = [_SCHEMA]
            elif version == 1:
                scripts = [_MIGRATE_1_TO_2, _MIGRATE_2_TO_3, _MIGRATE_3_TO_4]
            elif version == 2:
                scripts = [_MIGRATE_2_TO_3, _MIGRATE_3_TO_4]
            elif version == 3:
                scripts = [_MIGRATE_3_TO_4]
            else:
                return
            # Statement by statement: executescript() would commit on its own.
            for script in scripts:
                for statement in _statements(script):
                    db.execute(statement)
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise UsageError(
                    f"cannot upgrade the store {self._path!r}: {len(broken)} row(s) refer "
                    "to rows that do not exist"
                )
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _retry(self, attempt: Callable[[], object]) -> None:
        deadline = time.monotonic() + self._timeout
        told = False
        while True:
            try:
                attempt()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise UsageError(
                        f"the store {self._path!r} is busy: another writer has held it for "
                        f"more than {self._timeout:g} s; try again later, or wait longer with "
                        f"{TIMEOUT_ENV}=SECONDS"
                    ) from None
                if not told and self._on_wait is not None:
                    self._on_wait(
                        f"waiting for the store {self._path!r}: another ingest is writing"
                    )
                    told = True

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
        # IMMEDIATE takes the write lock at once, so a second writer waits (_retry) instead of
        # failing halfway through an ingest.
        self._retry(lambda: self._db.execute("BEGIN IMMEDIATE"))
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
        scope: Iterable[tuple[str, str, Period]] = (),
        submitted_at: dt.datetime | None = None,
        allow_new_units: bool = False,
        rules: Sequence[ValidationRule] = (),
        content_hash: str | None = None,
    ) -> IngestResult:
        """Store *values* read from *source* in one transaction: all of them or none.

        A value is known by its indicator, unit, period and category options (each option a
        value of its own). A value new to the store is added; one equal to the stored value
        (status, value, qualifier, submitted_at, submitted_by, comment) is unchanged, so
        re-importing a file is idempotent; any other is a correction: the stored version moves
        to the history (:meth:`history`) and the new one replaces it, unless the stored version
        was submitted later (both carrying ``submitted_at``), which is then kept and counted as
        ``older``.
        ``rows[i]`` locates ``values[i]`` in *source*.

        *units* are added or updated first; a value for a unit neither stored nor in *units*
        is refused unless *allow_new_units* (it is then added as a root named by its code).
        *institution* is recorded as held by the store and tags new indicators; an indicator
        new to the store without an institution, or tagged with another, is refused. Stored
        values in *scope* (cells the file speaks for) that *values* leave out are withdrawn,
        unless they were submitted after *submitted_at* (when the file was filled in; by
        default the latest ``submitted_at`` of its values).
        *rules* (the institution's validation rules) run on the data of every unit and period
        whose data the file adds or corrects: error-level violations refuse the file,
        warnings are returned.
        *content_hash* (the sha256 of the file's bytes) is recorded with the source, so that
        :meth:`ingested` recognises the same file next time without reading it. With
        *dry_run* the transaction is rolled back and the counts say what would happen.
        *progress* is called with the number of values written since the last call.

        Raises :class:`InputError` listing every problem (nothing written).
        """
        cols = as_columns(values)
        total = len(cols)
        locations = as_locations(rows) if rows is not None else None
        if locations is not None and len(locations) != total:
            raise UsageError(f"ingest: {total} values but {len(locations)} rows")
        now = self._clock().isoformat()
        problems: list[Problem] = []
        counts = [0, 0, 0, 0]
        withdrawn = 0
        warnings: list[str] = []
        declared = tuple(units)
        where = source or "ingest"
        try:
            with self._transaction():
                db = self._db
                # Whether the store held any value before: if not, nothing stored can be
                # corrected, overlapped or read by the rules besides what this ingest writes.
                stored_before = bool(
                    db.execute("SELECT EXISTS (SELECT 1 FROM data_values)").fetchone()[0]
                )
                source_id = db.execute(
                    "INSERT INTO sources (name, ingested_at, added, updated, unchanged, sha256) "
                    "VALUES (?, ?, 0, 0, 0, ?)",
                    (source, now, content_hash),
                ).lastrowid
                if institution is not None:
                    db.execute(
                        "INSERT OR IGNORE INTO institutions (name, first_ingested_at) "
                        "VALUES (?, ?)",
                        (institution, now),
                    )
                units_changed = self._put_units(declared, source)
                indicator_ids = _IdCache(self, institution, source, problems)
                unit_ids = dict(db.execute("SELECT code, id FROM units"))

                def row_of(position: int) -> str:
                    return locations[position] if locations is not None else ""

                # Each distinct code is mapped to its id once (a refusal located at the first
                # row that uses it).
                indicator_of = [
                    indicator_ids.get(code, row_of(cols.indicator_column.index(index)))
                    for index, code in enumerate(cols.indicators)
                ]
                unit_of: list[int | None] = []
                unknown_units: dict[str, str] = {}
                for code in cols.units:
                    found = unit_ids.get(code)
                    if found is None and allow_new_units:
                        found = unit_ids[code] = self._unit_id(code)
                        units_changed = True
                    unit_of.append(found)
                if None in unit_of:
                    for position, index in enumerate(cols.unit_column):
                        if unit_of[index] is None:
                            unknown_units.setdefault(cols.units[index], row_of(position))
                self._open_incoming(cols)
                options_of = [",".join(options) for options in cols.options]
                insert = (
                    "INSERT INTO temp.incoming (seq, indicator_id, unit_id, period_ref, "
                    "state_ref, options, source_row) VALUES (?, ?, ?, ?, ?, ?, ?)"
                )
                every_row = iter(locations) if locations is not None else None
                for start in range(0, total, _CHUNK):
                    stop = min(start + _CHUNK, total)
                    these = every_row or repeat("", stop - start)
                    db.executemany(
                        insert,
                        (
                            (seq, indicator_id, unit_id, p, s, options_of[o], row)
                            for seq, i, u, p, s, o, row in zip(
                                range(start + 1, stop + 1),
                                cols.indicator_column[start:stop],
                                cols.unit_column[start:stop],
                                cols.period_column[start:stop],
                                cols.state_column[start:stop],
                                cols.option_column[start:stop],
                                these,
                                strict=False,  # the rows run on past this chunk
                            )
                            if (indicator_id := indicator_of[i]) is not None
                            and (unit_id := unit_of[u]) is not None
                        ),
                    )
                    if progress is not None:
                        progress(stop - start)
                del every_row
                # The values this ingest added or corrected (their positions in *values*),
                # when the set-based write knows them.
                mine: Sequence[int] | None = None
                if not cols.may_repeat():
                    counts, seqs = self._write_all(now, source_id, problems, where, stored_before)
                    mine = (
                        range(seqs.start - 1, seqs.stop - 1)
                        if isinstance(seqs, range)
                        else [seq - 1 for seq in seqs]
                    )
                    del seqs
                else:
                    # Two values for one key in one call (readers refuse that; the API may
                    # not): value by value, the later one a correction of the earlier.
                    for outcome in self._write_each(cols, now, source_id, problems, where):
                        counts[outcome] += 1
                for code, row in unknown_units.items():
                    problems.append(_unknown_unit(where, row, code, unit_ids))
                if not problems:
                    withdrawn = self._withdraw(
                        cols, scope, submitted_at, unit_ids, indicator_ids, now, source_id
                    )
                if units_changed:
                    self._check_tree(source, problems)
                if rules and not problems:
                    # What this ingest wrote is at hand; only the rest is read back.
                    warnings = self._check_rules(
                        rules,
                        problems,
                        where,
                        written=cols if mine is not None else None,
                        positions=mine,
                        source_id=source_id,
                        stored_before=stored_before,
                        sent=(cols, locations) if locations is not None else None,
                    )
                for table in ("incoming", "incoming_periods", "incoming_states"):
                    db.execute(f"DROP TABLE temp.{table}")
                if problems:
                    raise InputError(problems, source=source or None)
                db.execute(
                    "UPDATE sources SET added = ?, updated = ?, unchanged = ? WHERE id = ?",
                    (*counts[:3], source_id),
                )
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        added, updated, unchanged, older = counts
        return IngestResult(
            added,
            updated,
            unchanged,
            source=source,
            dry_run=dry_run,
            older=older,
            withdrawn=withdrawn,
            warnings=tuple(warnings),
        )

    def _write_each(
        self,
        cols: ValueColumns,
        now: str,
        source_id: int | None,
        problems: list[Problem],
        where: str,
    ) -> list[int]:
        """Write the rows of ``temp.incoming`` one by one (see :meth:`_write`).

        Marks the changed ones for the rules; returns each row's outcome.
        """
        db = self._db
        rows = db.execute(
            "SELECT r.seq, r.indicator_id, r.unit_id, p.period, r.options, r.source_row "
            "FROM temp.incoming r JOIN temp.incoming_periods p ON p.id = r.period_ref "
            "ORDER BY r.seq"
        ).fetchall()
        # A key sent twice is written twice, each time located at its last row.
        last = {(r[1], r[2], r[3], r[4]): r[5] for r in rows}
        outcomes: list[int] = []
        changed: list[tuple[int]] = []
        for seq, indicator_id, unit_id, period, options, _ in rows:
            outcome = self._write(
                cols[seq - 1],
                indicator_id,
                unit_id,
                now,
                source_id,
                last[(indicator_id, unit_id, period, options)],
                problems,
                where,
            )
            if outcome is not None:
                outcomes.append(outcome)
                if outcome in (0, 1):
                    changed.append((seq,))
        # Written already: the set-based steps after this one must not take any row as new.
        db.execute("UPDATE temp.incoming SET existing = -1")
        db.executemany("UPDATE temp.incoming SET changed = 1 WHERE seq = ?", changed)
        return outcomes

    def _open_incoming(self, cols: ValueColumns) -> None:
        """The temporary tables an ingest's rows go to before the set-based write.

        A row is a few numbers: its period and state (status, value, provenance) are rows of
        two small tables, each written once however many values share it.
        """
        db = self._db
        for table in ("incoming", "incoming_periods", "incoming_states"):
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
        db.execute(
            "CREATE TEMP TABLE incoming (seq INTEGER PRIMARY KEY, indicator_id INTEGER, "
            "unit_id INTEGER, period_ref INTEGER, state_ref INTEGER, options TEXT, "
            "source_row TEXT, existing INTEGER, changed INTEGER)"
        )
        db.execute(
            "CREATE TEMP TABLE incoming_periods (id INTEGER PRIMARY KEY, period TEXT, "
            "start_day INTEGER, end_day INTEGER)"
        )
        db.execute(
            "CREATE TEMP TABLE incoming_states (id INTEGER PRIMARY KEY, status TEXT, kind TEXT, "
            "value_text TEXT, submitted_at TEXT, submitted_by TEXT, comment TEXT, "
            "qualifier TEXT, value_num REAL)"
        )
        db.executemany(
            "INSERT INTO temp.incoming_periods VALUES (?, ?, ?, ?)",
            (
                (index, str(period), period.start.toordinal(), period.end.toordinal())
                for index, period in enumerate(cols.periods)
            ),
        )
        db.executemany(
            "INSERT INTO temp.incoming_states VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((index, *_encode_state(state)) for index, state in enumerate(cols.states)),
        )

    def _write_all(
        self,
        now: str,
        source_id: int | None,
        problems: list[Problem],
        where: str,
        stored_before: bool,
    ) -> tuple[list[int], Sequence[int]]:
        """Write the rows of ``temp.incoming`` by the rules of :meth:`_write`, set-based.

        Returns the counts (added, updated, unchanged, older) and the positions (from 1) of
        the values added or corrected. SQLite finds the stored versions, the overlaps, the
        corrections and the new values with indexes, instead of three statements a value.
        Into a store that held no value, every row is new and only the file's own values can
        overlap: the lookups of stored versions are skipped.
        """
        db = self._db
        counts = [0, 0, 0, 0]
        if stored_before:
            db.execute(
                "UPDATE temp.incoming SET existing = (SELECT d.id FROM temp.incoming_periods p "
                "CROSS JOIN data_values d ON d.indicator_id = incoming.indicator_id "
                "AND d.unit_id = incoming.unit_id AND d.options = incoming.options "
                "AND d.start_day = p.start_day AND d.period = p.period "
                "WHERE p.id = incoming.period_ref)"
            )
        # A new value whose days another stored (or incoming) value of the same indicator and
        # unit already covers would be counted twice. The scan of stored values starts no
        # earlier than the longest stored period allows; incoming values of one calendar type
        # (all days, say) tile and cannot overlap one another.
        checks: list[str] = []
        longest = 0
        if stored_before:
            longest = db.execute("SELECT max(end_day - start_day) FROM data_values").fetchone()[0]
            checks.append(
                "SELECT i.source_row, ip.period, d.period, ic.code, u.code, i.options "
                "FROM temp.incoming i JOIN temp.incoming_periods ip ON ip.id = i.period_ref "
                "CROSS JOIN data_values d ON d.indicator_id = i.indicator_id "
                "AND d.unit_id = i.unit_id AND d.options = i.options "
                "AND d.start_day < ip.end_day AND d.start_day > ip.start_day - ?1 "
                "AND d.end_day > ip.start_day AND d.withdrawn = 0 "
                "JOIN indicators ic ON ic.id = i.indicator_id JOIN units u ON u.id = i.unit_id "
                "WHERE i.existing IS NULL"
            )
        periods = (period for (period,) in db.execute("SELECT period FROM temp.incoming_periods"))
        if not _one_tiling_type(periods):
            db.execute(
                "CREATE INDEX temp.incoming_key ON incoming "
                "(indicator_id, unit_id, options, period_ref)"
            )
            checks.append(
                "SELECT i.source_row, ip.period, jp.period, ic.code, u.code, i.options "
                "FROM temp.incoming i JOIN temp.incoming_periods ip ON ip.id = i.period_ref "
                "JOIN temp.incoming j ON j.indicator_id = i.indicator_id "
                "AND j.unit_id = i.unit_id AND j.options = i.options "
                "AND j.period_ref != i.period_ref AND j.seq < i.seq "
                "JOIN temp.incoming_periods jp ON jp.id = j.period_ref "
                "AND jp.start_day < ip.end_day AND jp.end_day > ip.start_day "
                "JOIN indicators ic ON ic.id = i.indicator_id JOIN units u ON u.id = i.unit_id "
                "WHERE i.existing IS NULL"
            )
        overlaps = (
            db.execute(
                " UNION ALL ".join(checks) + " LIMIT 1000",
                ((longest or 0) + 1,) if stored_before else (),
            )
            if checks
            else ()
        )
        for row, period, other, indicator, unit, options in overlaps:
            place = f"{where}: {row}" if row else where
            series = f"{indicator}[{options}]" if options else indicator
            problems.append(
                Problem(
                    place,
                    f"{series!r} of unit {unit!r} for {period} overlaps the value stored for "
                    f"{other}: the same days would be counted twice; report each period once, "
                    "in the institution's reporting frequency",
                )
            )
        if problems:
            return counts, []
        written: list[int] | range
        if stored_before:
            written = [
                seq for (seq,) in db.execute("SELECT seq FROM temp.incoming WHERE existing IS NULL")
            ]
        else:
            # Into a store that held no value every row is new: usually all of them, in
            # order, which a range says without a million numbers.
            last, rows = db.execute("SELECT max(seq), count(*) FROM temp.incoming").fetchone()
            if rows == (last or 0):
                written = range(1, rows + 1)
            else:
                written = [seq for (seq,) in db.execute("SELECT seq FROM temp.incoming")]
        counts[0] = len(written)
        # Stored versions: unchanged, older than the stored one, or a correction.
        # SQLite counts the unchanged ones (same state, not withdrawn: a file sent again with
        # one figure corrected is almost all of them); only the others come back.
        updates: list[tuple[int, int, int]] = []
        existing = 0
        differing = 0
        if stored_before:
            existing = db.execute(
                "SELECT count(*) FROM temp.incoming WHERE existing IS NOT NULL"
            ).fetchone()[0]
            for seq, stored_id, withdrawn, stored_at, new_at in db.execute(
                "SELECT i.seq, d.id, d.withdrawn, d.submitted_at, s.submitted_at "
                "FROM temp.incoming i CROSS JOIN data_values d ON d.id = i.existing "
                "JOIN temp.incoming_states s ON s.id = i.state_ref "
                "WHERE d.withdrawn != 0 OR NOT (d.status IS s.status AND d.kind IS s.kind "
                "AND d.value_text IS s.value_text AND d.submitted_at IS s.submitted_at "
                "AND d.submitted_by IS s.submitted_by AND d.comment IS s.comment "
                "AND d.qualifier IS s.qualifier)"
            ):
                differing += 1
                if _later(stored_at, dt.datetime.fromisoformat(new_at) if new_at else None):
                    counts[3] += 1
                else:
                    counts[1] += 1
                    updates.append((seq, stored_id, withdrawn))
        counts[2] = existing - differing
        db.execute(
            "INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, "
            "status, kind, value_text, submitted_at, submitted_by, comment, value_num, "
            "ingested_at, source_id, source_row, options, qualifier) "
            "SELECT i.indicator_id, i.unit_id, p.period, p.start_day, p.end_day, s.status, "
            "s.kind, s.value_text, s.submitted_at, s.submitted_by, s.comment, s.value_num, "
            "?, ?, i.source_row, i.options, s.qualifier FROM temp.incoming i "
            "JOIN temp.incoming_periods p ON p.id = i.period_ref "
            "JOIN temp.incoming_states s ON s.id = i.state_ref "
            "WHERE i.existing IS NULL ORDER BY i.seq",
            (now, source_id),
        )
        if updates:
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS corrections "
                "(seq INTEGER PRIMARY KEY, id INTEGER, withdrawn INTEGER)"
            )
            db.execute("DELETE FROM temp.corrections")
            db.executemany("INSERT INTO temp.corrections VALUES (?, ?, ?)", updates)
            # The cells whose data this ingest changes (with the new ones): what the rules
            # look at afterwards.
            db.execute(
                "UPDATE temp.incoming SET changed = 1 "
                "WHERE seq IN (SELECT seq FROM temp.corrections)"
            )
            db.execute(
                "INSERT INTO history (value_id, status, kind, value_text, submitted_at, "
                "submitted_by, comment, ingested_at, source_id, source_row, superseded_at, "
                "qualifier) "
                "SELECT d.id, d.status, d.kind, d.value_text, d.submitted_at, d.submitted_by, "
                "d.comment, d.ingested_at, d.source_id, d.source_row, ?, d.qualifier "
                "FROM temp.corrections c "
                "CROSS JOIN data_values d ON d.id = c.id WHERE c.withdrawn = 0 ORDER BY c.seq",
                (now,),
            )
            db.execute(
                "UPDATE data_values SET status = n.status, kind = n.kind, "
                "value_text = n.value_text, submitted_at = n.submitted_at, "
                "submitted_by = n.submitted_by, comment = n.comment, value_num = n.value_num, "
                "qualifier = n.qualifier, ingested_at = ?, source_id = ?, "
                "source_row = n.source_row, withdrawn = 0 "
                "FROM (SELECT c.id AS id, s.status, s.kind, s.value_text, s.submitted_at, "
                "s.submitted_by, s.comment, s.qualifier, s.value_num, i.source_row "
                "FROM temp.corrections c JOIN temp.incoming i ON i.seq = c.seq "
                "JOIN temp.incoming_states s ON s.id = i.state_ref) AS n "
                "WHERE data_values.id = n.id",
                (now, source_id),
            )
        if updates:
            written = [*written, *(seq for seq, _, _ in updates)]
        return counts, written

    def _withdraw(
        self,
        items: ValueColumns,
        scope: Iterable[tuple[str, str, Period]],
        sent: dt.datetime | None,
        unit_ids: dict[str, int],
        indicator_ids: _IdCache,
        now: str,
        source_id: int | None,
    ) -> int:
        scope = tuple(scope)
        if not scope:
            return 0
        present = items.value_keys()
        if sent is None:
            times = [state[3] for state in items.states if state[3] is not None]
            sent = max(times, key=_sortable) if times else None
        stamp = sent.isoformat() if sent is not None else None
        count = 0
        for series, unit, period in scope:
            # A cell of the scope is a series: an indicator, or one of its options.
            if (series, unit, period) in present or unit not in unit_ids:
                continue
            indicator, options = _split_series(series)
            indicator_id = indicator_ids.get(indicator)
            if indicator_id is None:
                continue
            found = self._db.execute(
                "SELECT id, submitted_at, withdrawn FROM data_values WHERE indicator_id = ? "
                "AND unit_id = ? AND options = ? AND start_day = ? AND period = ?",
                (indicator_id, unit_ids[unit], options, period.start.toordinal(), str(period)),
            ).fetchone()
            if found is None:
                if stamp is not None:
                    # A tombstone: the cell was sent empty at this time, so an older copy of
                    # the file ingested later cannot bring back a value nobody now reports.
                    self._db.execute(
                        "INSERT INTO data_values (indicator_id, unit_id, period, start_day, "
                        "end_day, status, submitted_at, submitted_by, comment, ingested_at, "
                        "source_id, source_row, withdrawn, options) "
                        "VALUES (?, ?, ?, ?, ?, 'missing', ?, '', '', ?, ?, '', 1, ?)",
                        (
                            indicator_id,
                            unit_ids[unit],
                            str(period),
                            period.start.toordinal(),
                            period.end.toordinal(),
                            stamp,
                            now,
                            source_id,
                            options,
                        ),
                    )
                continue
            if _later(found[1], sent):
                continue  # the stored version was submitted after this copy of the file
            if found[2]:
                if stamp is not None:  # already withdrawn: remember the later withdrawal
                    self._db.execute(
                        "UPDATE data_values SET submitted_at = ? WHERE id = ?", (stamp, found[0])
                    )
                continue
            self._db.execute(
                "INSERT INTO history (value_id, status, kind, value_text, submitted_at, "
                "submitted_by, comment, ingested_at, source_id, source_row, superseded_at, "
                "reason, qualifier) SELECT id, status, kind, value_text, submitted_at, "
                "submitted_by, comment, ingested_at, source_id, source_row, ?, 'withdrawn', "
                "qualifier FROM data_values WHERE id = ?",
                (now, found[0]),
            )
            # The withdrawn row keeps the withdrawal's submission time, which orders it
            # against copies of the file ingested later.
            self._db.execute(
                "UPDATE data_values SET withdrawn = 1, ingested_at = ?, source_id = ?, "
                "submitted_at = coalesce(?, submitted_at) WHERE id = ?",
                (now, source_id, stamp, found[0]),
            )
            count += 1
        return count

    def _check_rules(
        self,
        rules: Sequence[ValidationRule],
        problems: list[Problem],
        where: str,
        *,
        written: ValueColumns | None = None,
        positions: Sequence[int] | None = None,
        source_id: int | None = None,
        stored_before: bool = True,
        sent: tuple[ValueColumns, RowLocations] | None = None,
    ) -> list[str]:
        """Run *rules* on the data of the cells this ingest added to or corrected.

        *written* and *positions* are the values this ingest wrote (the rest is read back
        from the store); without them everything is read back. Error-level violations are
        added to *problems*, located at the row of the file that sent a figure the rule
        reads (*sent*: the file's values and their rows); warnings are returned.
        """
        from epireport.aggregate._rules import Importance
        from epireport.aggregate._validate import validate

        db = self._db
        mine = written is not None and positions is not None
        data: list[DataValue] = []
        if stored_before or not mine:
            db.execute("DROP TABLE IF EXISTS temp.touched")
            db.execute(
                "CREATE TEMP TABLE touched (unit_id INTEGER, period TEXT, "
                "PRIMARY KEY (unit_id, period)) WITHOUT ROWID"
            )
            # The cells whose data this ingest added to or corrected: data it leaves as it
            # was was checked when it came in.
            db.execute(
                "INSERT OR IGNORE INTO temp.touched SELECT i.unit_id, p.period "
                "FROM temp.incoming i JOIN temp.incoming_periods p ON p.id = i.period_ref "
                "WHERE i.existing IS NULL OR i.changed = 1"
            )
            # The rules read only their own indicators: the others need not come back.
            codes = sorted({code for rule in rules for code in rule.codes})
            wanted = ""
            if codes and all(rule.codes for rule in rules):
                wanted = f" AND i.code IN ({', '.join('?' * len(codes))})"
            rows = db.execute(
                "SELECT i.code, u.code, v.period, v.status, v.kind, v.value_text, "
                "v.submitted_at, v.submitted_by, v.comment, v.options, v.qualifier "
                "FROM temp.touched t "
                # CROSS JOIN keeps touched outermost: one index lookup (unit_id, period) each.
                "CROSS JOIN data_values v ON v.unit_id = t.unit_id AND v.period = t.period "
                "JOIN indicators i ON i.id = v.indicator_id JOIN units u ON u.id = v.unit_id "
                "WHERE v.withdrawn = 0" + wanted + (" AND v.source_id IS NOT ?" if mine else ""),
                [*(codes if wanted else ()), *((source_id,) if mine else ())],
            )
            decode = _Decoder()
            data = [decode(*row) for row in rows]
            db.execute("DROP TABLE temp.touched")
        # Into a store that held no value, the rules read only what this ingest wrote.
        warnings: list[str] = []
        if written is not None and positions is not None:
            if _plainly_hold(rules, data) and _plainly_hold_columns(rules, written, positions):
                return warnings
            # Values this ingest added or corrected carry its source: they are taken as read
            # instead of decoded back (everything else comes from the store, as it stands).
            data.extend(written[i] for i in positions)
        elif _plainly_hold(rules, data):
            return warnings
        cells: dict[tuple[str, str, str], str] | None = None
        for violation in validate(rules, data):
            # Shown at the first row (by code) that sent a figure the rule reads, if any.
            row = ""
            if sent is not None:
                if cells is None:
                    cells = _rows_by_cell(*sent)
                found = [
                    cells[key]
                    for code in sorted(violation.codes)
                    if (key := (code, violation.unit, str(violation.period))) in cells
                ]
                row = found[0] if found else ""
            if violation.importance is not Importance.ERROR:
                # The caller names the source: a warning says only the row.
                warnings.append(f"{row}: {violation.message}" if row else violation.message)
                continue
            place = f"{where}: {row}" if row else where
            problems.append(Problem(place, f"rule failed: {violation.message}"))
        return warnings

    def _put_units(self, units: tuple[OrgUnit, ...], source: str) -> bool:
        """Add or update *units*; return whether any stored unit changed.

        A units file is sent with every day's data: units stored as declared are left alone
        (and the tree they form, checked when they came in, need not be checked again).
        """
        db = self._db
        if not units:
            return False
        stored = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT u.code, u.name, u.level, u.opening, u.closing, p.code "
                "FROM units u LEFT JOIN units p ON p.id = u.parent_id"
            )
        }
        units = tuple(
            unit
            for unit in units
            if stored.get(unit.code)
            != (
                unit.name,
                unit.level,
                unit.opening.isoformat() if unit.opening else None,
                unit.closing.isoformat() if unit.closing else None,
                unit.parent,
            )
        )
        if not units:
            return False
        db.executemany(
            "INSERT INTO units (code, name, level, opening, closing) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
            "opening = excluded.opening, closing = excluded.closing",
            (
                (
                    unit.code,
                    unit.name,
                    unit.level,
                    unit.opening.isoformat() if unit.opening else None,
                    unit.closing.isoformat() if unit.closing else None,
                )
                for unit in units
            ),
        )
        # Parents in a second pass: a file may list a child before its parent. A parent
        # neither stored nor declared is added, named by its code, as _unit_id does.
        db.executemany(
            "INSERT OR IGNORE INTO units (code, name) VALUES (?1, ?1)",
            ((parent,) for parent in dict.fromkeys(unit.parent for unit in units) if parent),
        )
        db.executemany(
            "UPDATE units SET parent_id = (SELECT p.id FROM units p WHERE p.code = ?) "
            "WHERE code = ?",
            ((unit.parent, unit.code) for unit in units),
        )
        return True

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
        problems: list[Problem],
        where: str,
    ) -> int | None:
        """Write one value; return 0 (added), 1 (updated), 2 (unchanged), 3 (older), None."""
        db = self._db
        period = value.period
        state = _encode(value)
        options = ",".join(value.options)
        found = db.execute(
            "SELECT id, status, kind, value_text, submitted_at, submitted_by, comment, "
            "qualifier, withdrawn FROM data_values WHERE indicator_id = ? AND unit_id = ? "
            "AND options = ? AND start_day = ? AND period = ?",
            (indicator_id, unit_id, options, period.start.toordinal(), str(period)),
        ).fetchone()
        if found is None:
            overlap = db.execute(
                "SELECT period FROM data_values WHERE indicator_id = ? AND unit_id = ? "
                "AND options = ? AND withdrawn = 0 AND start_day < ? AND end_day > ? LIMIT 1",
                (indicator_id, unit_id, options, period.end.toordinal(), period.start.toordinal()),
            ).fetchone()
            if overlap is not None:
                place = f"{where}: {row}" if row else where
                problems.append(
                    Problem(
                        place,
                        f"{value.series!r} of unit {value.unit!r} for {period} overlaps the "
                        f"value stored for {overlap[0]}: the same days would be counted twice; "
                        "report each period once, in the institution's reporting frequency",
                    )
                )
                return None
            db.execute(
                "INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, "
                "status, kind, value_text, submitted_at, submitted_by, comment, qualifier, "
                "value_num, ingested_at, source_id, source_row, options) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    options,
                ),
            )
            return 0
        is_withdrawn = bool(found[8])
        if not is_withdrawn and tuple(found[1:8]) == state[: len(_STATE)]:
            return 2
        if _later(found[4], value.submitted_at):
            return 3  # the stored version was submitted after this one: keep it
        if not is_withdrawn:
            db.execute(
                "INSERT INTO history (value_id, status, kind, value_text, submitted_at, "
                "submitted_by, comment, ingested_at, source_id, source_row, superseded_at, "
                "qualifier) SELECT id, status, kind, value_text, submitted_at, submitted_by, "
                "comment, ingested_at, source_id, source_row, ?, qualifier "
                "FROM data_values WHERE id = ?",
                (now, found[0]),
            )
        db.execute(
            "UPDATE data_values SET status = ?, kind = ?, value_text = ?, submitted_at = ?, "
            "submitted_by = ?, comment = ?, qualifier = ?, value_num = ?, ingested_at = ?, "
            "source_id = ?, source_row = ?, withdrawn = 0 WHERE id = ?",
            (*state, now, source_id, row, found[0]),
        )
        return 1

    # -------------------------------------------------------------- reading

    def _tree(self, where: str = "", params: tuple[Any, ...] = ()) -> OrgTree:
        """The stored units as a tree (children by id), all of them or those *where* keeps."""
        rows = self._db.execute(
            f"{where} SELECT u.code, u.name, p.code, u.level, u.opening, u.closing "
            "FROM units u LEFT JOIN units p ON p.id = u.parent_id "
            + ("WHERE u.id IN (SELECT id FROM kept) " if where else "")
            + "ORDER BY u.id",
            params,
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

    def _cached_tree(self) -> OrgTree:
        # Building and validating a tree of 30,000 units is most of a one-unit read: keep it
        # until a unit changes (triggers bump units_version, whoever writes). The tree is kept
        # for the process too, by the store's random id, so that opening the same store again
        # (the API, one unit at a time) does not build it again.
        fresh = self._fresh_tree()
        if fresh is not None:
            return fresh
        version, key = self._tree_version()
        tree = self._tree()
        if not self._db.in_transaction:
            self._tree_cache = (version, tree)
            if key is not None:
                with _TREES_LOCK:
                    _TREES.pop(key, None)
                    _TREES[key] = (version, tree)
                    while len(_TREES) > _TREES_KEPT:
                        del _TREES[next(iter(_TREES))]
        return tree

    def units(self) -> OrgTree:
        """Every stored org unit, as a tree (roots and children in the order first stored)."""
        return self._cached_tree()

    def ingested(self, content_hash: str) -> tuple[str, dt.datetime] | None:
        """The name and ingest time of a stored file whose bytes had this sha256, if any."""
        found = self._db.execute(
            "SELECT name, ingested_at FROM sources WHERE sha256 = ? ORDER BY id LIMIT 1",
            (content_hash,),
        ).fetchone()
        return None if found is None else (found[0], dt.datetime.fromisoformat(found[1]))

    def institutions(self) -> tuple[str, ...]:
        """The institutions whose data the store holds, in the order first ingested."""
        rows = self._db.execute("SELECT name FROM institutions ORDER BY rowid")
        return tuple(name for (name,) in rows)

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
            "v.submitted_by, v.comment, v.options, v.qualifier FROM data_values v "
            "JOIN indicators i ON i.id = v.indicator_id JOIN units u ON u.id = v.unit_id"
        ]
        where, params = self._value_filter(institution, period, history=history)
        if under is not None:
            sql.insert(
                0,
                "WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE code = ? UNION ALL "
                "SELECT units.id FROM units JOIN sub ON units.parent_id = sub.id) ",
            )
            params.insert(0, under)
            where.append("v.unit_id IN (SELECT id FROM sub)")
        if unit is not None:
            where.append("u.code = ?")
            params.append(unit)
        wanted = set(indicators) if indicators is not None else None
        if where:
            sql.append("WHERE " + " AND ".join(where))
        sql.append("ORDER BY v.start_day, v.end_day, u.id, i.id, v.options, v.period")
        decode = _Decoder()
        for row in self._db.execute(" ".join(sql), params):
            if wanted is None or row[0] in wanted:
                yield decode(*row)

    @staticmethod
    def _value_filter(
        institution: str | None, period: Period | str | None, *, history: bool
    ) -> tuple[list[str], list[Any]]:
        """The WHERE terms (and their parameters) of a read by institution and period."""
        where: list[str] = ["v.withdrawn = 0"]
        params: list[Any] = []
        if institution is not None:
            where.append("i.institution = ?")
            params.append(institution)
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
        return where, params

    def history(self, indicator: str, unit: str, period: Period | str) -> tuple[Revision, ...]:
        """Every version of one value, oldest first; the last one is current (if any).

        Each :class:`Revision` says what the value was, who submitted it and when, when it was
        ingested, from which file and row, and when a correction superseded it. *indicator*
        may name a category option's series (``returnees[wuhan]``, see
        :attr:`DataValue.series`); a bare code is the indicator's total.
        """
        parsed = Period.parse(period) if isinstance(period, str) else period
        key, start = str(parsed), parsed.start.toordinal()
        indicator, options = _split_series(indicator)
        common = (
            "FROM data_values v JOIN indicators i ON i.id = v.indicator_id "
            "JOIN units u ON u.id = v.unit_id "
        )
        old = self._db.execute(
            "SELECT h.status, h.kind, h.value_text, h.submitted_at, h.submitted_by, h.comment, "
            "h.ingested_at, s.name, h.source_row, h.superseded_at, h.reason, h.qualifier "
            + common
            + "JOIN history h ON h.value_id = v.id LEFT JOIN sources s ON s.id = h.source_id "
            "WHERE i.code = ? AND u.code = ? AND v.options = ? AND v.start_day = ? "
            "AND v.period = ? ORDER BY h.id",
            (indicator, unit, options, start, key),
        ).fetchall()
        current = self._db.execute(
            "SELECT v.status, v.kind, v.value_text, v.submitted_at, v.submitted_by, v.comment, "
            "v.ingested_at, s.name, v.source_row, NULL, '', v.qualifier "
            + common
            + "LEFT JOIN sources s ON s.id = v.source_id "
            "WHERE i.code = ? AND u.code = ? AND v.options = ? AND v.start_day = ? "
            "AND v.period = ? AND v.withdrawn = 0",
            (indicator, unit, options, start, key),
        ).fetchall()
        decode = _Decoder()
        return tuple(
            Revision(
                value=decode(
                    indicator,
                    unit,
                    key,
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4],
                    row[5],
                    options,
                    row[11],
                ),
                ingested_at=dt.datetime.fromisoformat(row[6]),
                source=row[7] or "",
                row=row[8],
                superseded_at=dt.datetime.fromisoformat(row[9]) if row[9] else None,
                reason=row[10],
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
        name, codes = self._wanted(institution, indicator_sets)
        # Without a tree at hand (a fresh process), only this unit's branch is read: one
        # county of a 30,000-unit store needs its 31 units, not the whole tree validated.
        tree = self._fresh_tree() or self._branch(unit)
        self._known(tree, unit)
        values = self.values(
            institution=name if codes is None else None,
            period=period,
            under=unit,
            indicators=codes,
            history=history,
        )
        return self._input(tree, institution, unit, period, title, tuple(values))

    def _tree_version(self) -> tuple[int, tuple[str, int] | None]:
        """The units version, and the key the process keeps this store's tree by (if any)."""
        found = dict(
            self._db.execute(
                "SELECT key, value FROM meta WHERE key IN ('units_version', 'store_id')"
            )
        )
        shared = None
        if "store_id" in found and self._path != ":memory:":
            shared = (os.path.realpath(self._path), found["store_id"])
        return found["units_version"], shared

    def _fresh_tree(self) -> OrgTree | None:
        """The validated tree if this store or the process holds it at the current version."""
        version, key = self._tree_version()
        cached = self._tree_cache
        if cached is not None and cached[0] == version:
            return cached[1]
        if key is not None:
            with _TREES_LOCK:
                shared = _TREES.get(key)
            if shared is not None and shared[0] == version:
                self._tree_cache = shared
                return shared[1]
        return None

    def _branch(self, unit: str) -> OrgTree:
        """*unit*'s branch: its ancestors (for its depth) and everything below it.

        The store's tree was checked whole when its units were written, so a branch read
        from it is a valid tree; it orders children as the whole tree does (by id).
        """
        return self._tree(
            "WITH RECURSIVE up(id, parent_id) AS ("
            "SELECT id, parent_id FROM units WHERE code = ? UNION "
            "SELECT u.id, u.parent_id FROM units u JOIN up ON u.id = up.parent_id), "
            "down(id) AS (SELECT id FROM units WHERE code = ? UNION "
            "SELECT u.id FROM units u JOIN down ON u.parent_id = down.id), "
            "kept(id) AS (SELECT id FROM up UNION SELECT id FROM down)",
            (unit, unit),
        )

    def report_inputs(
        self,
        institution: str | Institution,
        units: Iterable[str],
        period: Period | str,
        indicator_sets: Iterable[IndicatorSet] | None = None,
        *,
        title: str = "",
        history: bool = True,
    ) -> Iterator[ReportInput]:
        """:meth:`report_input` for each of *units*, in their order, from one read of the store.

        Each input equals the one :meth:`report_input` builds for that unit. The values come
        from a single query ordered by unit, so only one unit's values are held at a time:
        this is how ``render --each`` reads a thousand counties. Units whose subtrees overlap
        (a county and one of its schools) are read one by one instead. Raises
        :class:`UsageError` for an unknown unit, before anything is yielded.
        """
        period = Period.parse(period) if isinstance(period, str) else period
        wanted = list(units)
        name, codes = self._wanted(institution, indicator_sets)
        tree = self._cached_tree()
        for unit in wanted:
            self._known(tree, unit)
        target_of: dict[str, int] = {}
        for index, unit in enumerate(wanted):
            for member in tree.subtree(unit):
                if target_of.setdefault(member.code, index) != index:
                    target_of.clear()
                    break
            if not target_of:
                break
        if not target_of and wanted:
            for unit in wanted:
                yield self.report_input(
                    institution, unit, period, indicator_sets, title=title, history=history
                )
            return
        if not wanted:
            return
        db = self._db
        # Codes by id, looked up in Python rather than joined for every row.
        keep = set(codes) if codes is not None else None
        indicators = {
            ident: code
            for ident, code, tag in db.execute("SELECT id, code, institution FROM indicators")
            if (tag == name if keep is None else code in keep)
        }
        unit_ids = dict(db.execute("SELECT code, id FROM units"))
        unit_codes = {ident: code for code, ident in unit_ids.items()}
        db.execute("DROP TABLE IF EXISTS temp.each_target")
        # Keyed by (target, unit): the targets drive the read in their own order, so the rows
        # arrive grouped by target, and only each target's rows are sorted (in Python), not
        # the whole batch's in SQLite.
        db.execute(
            "CREATE TEMP TABLE each_target (target INTEGER, unit_id INTEGER, "
            "PRIMARY KEY (target, unit_id)) WITHOUT ROWID"
        )
        rows: sqlite3.Cursor | None = None
        try:
            # In one transaction of its own: in autocommit, every row would be one (31k
            # temporary commits cost 0.6 s).
            own = not db.in_transaction
            if own:
                db.execute("BEGIN")
            db.executemany(
                "INSERT INTO temp.each_target VALUES (?, ?)",
                ((index, unit_ids[code]) for code, index in target_of.items()),
            )
            if own:
                db.execute("COMMIT")
            where, params = self._value_filter(None, period, history=history)
            # The ids are integers read from the store. The unary + keeps SQLite on the
            # (unit_id, period) index the targets drive: on an indicator index the read
            # took twice as long. Provenance and qualifier, empty for almost every daily
            # report, come as one NULL then, and as one JSON array otherwise.
            rows = db.execute(
                "SELECT t.target, v.unit_id, v.indicator_id, v.start_day, v.end_day, "
                "v.options, v.period, v.status, v.kind, v.value_text, "
                "CASE WHEN v.submitted_at IS NULL AND v.submitted_by = '' AND v.comment = '' "
                "AND v.qualifier = '' THEN NULL "
                "ELSE json_array(v.submitted_at, v.submitted_by, v.comment, v.qualifier) END "
                "FROM temp.each_target t CROSS JOIN data_values v ON v.unit_id = t.unit_id "
                f"WHERE {' AND '.join(where)} "
                f"AND +v.indicator_id IN ({', '.join(str(int(i)) for i in indicators)}) "
                "ORDER BY t.target",
                params,
            )
            decode = _Decoder()
            at = 0
            for target, group in groupby(rows, _TARGET_OF):
                while at < target:  # a unit without values
                    yield self._input(tree, institution, wanted[at], period, title, ())
                    at += 1
                values = decode.batch(list(group), unit_codes, indicators)
                yield self._input(tree, institution, wanted[at], period, title, values)
                at += 1
            while at < len(wanted):
                yield self._input(tree, institution, wanted[at], period, title, ())
                at += 1
        finally:
            if rows is not None:
                rows.close()  # before the table it reads is dropped (a batch left unfinished)
            db.execute("DROP TABLE IF EXISTS temp.each_target")

    def _wanted(
        self, institution: str | Institution, indicator_sets: Iterable[IndicatorSet] | None
    ) -> tuple[str, list[str] | None]:
        """The institution's name and the indicator codes to read (``None``: by its tag)."""
        name = institution.code if isinstance(institution, Institution) else institution
        sets = tuple(indicator_sets) if indicator_sets is not None else None
        if sets is None and isinstance(institution, Institution):
            sets = institution.indicator_sets
        return name, None if sets is None else [c for s in sets for c in s.codes]

    def _known(self, tree: OrgTree, unit: str) -> None:
        if unit not in tree:
            raise UsageError(f"unknown org unit {unit!r} in the store {self._path!r}")

    def _input(
        self,
        tree: OrgTree,
        institution: str | Institution,
        unit: str,
        period: Period,
        title: str,
        values: tuple[DataValue, ...],
    ) -> ReportInput:
        name = institution.code if isinstance(institution, Institution) else institution
        depth = tree.depth(unit)
        level_names: tuple[str, ...] = ()
        if isinstance(institution, Institution):
            level_names = institution.level_names[depth - 1 :]
        # The units below *unit* as the tree holds them, unless they carry a level (a report
        # input drops it): an OrgUnit is immutable, so the tree's own equals a new one.
        sub = tuple(
            u
            if u.level is None and u.code != unit
            else OrgUnit(
                u.code, u.name, None if u.code == unit else u.parent, None, u.opening, u.closing
            )
            for u in tree.subtree(unit)
        )
        return ReportInput(
            institution=name,
            unit=unit,
            period=period,
            title=title,
            tree=OrgTree(sub, level_names),
            values=values,
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

    def get(self, code: str, row: str = "") -> int | None:
        if code in self._ids:
            return self._ids[code]
        found = self._db.execute(
            "SELECT id, institution FROM indicators WHERE code = ?", (code,)
        ).fetchone()
        result: int | None
        if found is None and self._institution is None:
            # A code the store has never seen, with no institution to say what it is: a typo
            # (zz_nope) must not become an indicator.
            place = f"{self._source}: {row}" if self._source and row else self._source
            self._problems.append(
                Problem(
                    place or "ingest",
                    f"unknown indicator {code!r}: it is not in this store, and no institution "
                    "says what it is; ingest with --institution NAME (or a form or report file "
                    "that names its institution)",
                )
            )
            result = None
        elif found is None:
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
