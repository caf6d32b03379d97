"""Choosing the aggregation engine by data size and where the data lives.

Report-sized values in memory (fewer than :data:`PYTHON_LIMIT`) go to the pure-Python engine,
which also keeps provenance; files (CSV, Parquet), the SQLite store, value tables and large
in-memory data go to the Ibis engine on DuckDB when the ``scale`` extra is installed, else to
the Python engine with a note saying how to get the faster one. ``engine="python"`` or
``"ibis"``, or the environment variable ``EPIREPORT_ENGINE``, forces the choice.
"""

import importlib.util
import logging
import os
from collections.abc import Iterable, Sized
from pathlib import Path
from typing import Any

import attrs

from epireport.aggregate._engine import PythonEngine
from epireport.aggregate._plan import AggregationPlan
from epireport.aggregate._results import AggregateSet
from epireport.exceptions import ModelError
from epireport.model._values import DataValue

__all__ = [
    "ENGINES",
    "ENGINE_ENV",
    "PYTHON_LIMIT",
    "EngineChoice",
    "choose_engine",
    "ibis_available",
    "run_plan",
]

#: The environment variable that forces an engine (``python`` or ``ibis``).
ENGINE_ENV = "EPIREPORT_ENGINE"
#: The engines :func:`choose_engine` knows.
ENGINES = ("python", "ibis")
#: From this many values in memory on, the Ibis engine is faster than the Python one.
PYTHON_LIMIT = 200_000

_FILES = (".csv", ".parquet")
_log = logging.getLogger("epireport.aggregate")


@attrs.frozen
class EngineChoice:
    """The engine to run a plan with (``python`` or ``ibis``) and why, in one sentence."""

    name: str
    reason: str


def ibis_available() -> bool:
    """Whether the ``scale`` extra (ibis-framework with DuckDB, pyarrow) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("ibis", "duckdb", "pyarrow"))


def _kind(source: object) -> str:
    """``table``, ``file``, ``store`` or ``values``."""
    from epireport.aggregate._columns import ValueTable

    if isinstance(source, ValueTable):
        return "table"
    if isinstance(source, str | os.PathLike):
        return "file" if Path(source).suffix.lower() in _FILES else "store"
    if hasattr(source, "path") and hasattr(source, "values"):
        return "store"
    return "values"


def choose_engine(
    source: object, n_values: int | None = None, *, engine: str | None = None
) -> EngineChoice:
    """Choose the engine for *source* holding *n_values* values (counted when it is sized).

    *source* is data values in memory, a :class:`~epireport.aggregate._columns.ValueTable`, the
    path of a CSV or Parquet file, or a store (a :class:`~epireport.store.Store` or its path).
    *engine*, else ``$EPIREPORT_ENGINE``, forces the engine; an unknown name raises
    :class:`ModelError`.
    """
    forced = engine if engine is not None else os.environ.get(ENGINE_ENV) or None
    if forced is not None:
        if forced not in ENGINES:
            where = "engine" if engine is not None else ENGINE_ENV
            raise ModelError(f"{where}: expected one of {', '.join(ENGINES)}, got {forced!r}")
        if forced == "ibis" and not ibis_available():
            raise ModelError(
                "the Ibis engine was asked for but is not installed: pip install 'epireport[scale]'"
            )
        return EngineChoice(forced, f"forced by {'engine=' if engine else ENGINE_ENV}")
    kind = _kind(source)
    if n_values is None and isinstance(source, Sized):
        n_values = len(source)
    if kind == "values" and n_values is not None and n_values < PYTHON_LIMIT:
        return EngineChoice("python", f"{n_values} values in memory: report-sized")
    what = f"{n_values} values in memory" if kind == "values" else f"data in a {kind}"
    if ibis_available():
        return EngineChoice("ibis", f"{what}: columnar engine on DuckDB")
    return EngineChoice(
        "python",
        f"{what}: the Ibis engine would be faster but is not installed "
        "(pip install 'epireport[scale]'); using the Python engine",
    )


def _python_values(source: Any, plan: AggregationPlan) -> Iterable[DataValue]:
    kind = _kind(source)
    if kind == "values":
        values: Iterable[DataValue] = source
        return values
    if kind == "table":
        from epireport.aggregate._ibis import _to_values

        return _to_values(source, set(source.indicators))
    if kind == "store":
        if isinstance(source, str | os.PathLike):
            from epireport.store._sqlite import Store

            with Store.open(source) as store:
                return list(store.values())
        return list(source.values())
    raise ModelError(
        f"reading {os.fspath(source)!r} at scale needs the Ibis engine: "
        "pip install 'epireport[scale]'"
    )


def run_plan(
    plan: AggregationPlan,
    source: object,
    *,
    engine: str | None = None,
    connection: Any = None,
) -> AggregateSet:
    """Execute *plan* over *source* with the engine :func:`choose_engine` picks.

    The Python engine collects provenance; the Ibis engine (on *connection*, an Ibis backend
    connection, or an in-memory DuckDB) does not. The choice and its reason are logged at INFO
    level on the ``epireport.aggregate`` logger.
    """
    if _kind(source) == "values" and not isinstance(source, Sized):
        source = list(source)  # type: ignore[call-overload]
    choice = choose_engine(source, engine=engine)
    _log.info("aggregation engine: %s (%s)", choice.name, choice.reason)
    if choice.name == "python":
        return PythonEngine().execute(plan, _python_values(source, plan))
    from epireport.aggregate._columns import ValueTable, from_file, from_store, from_values
    from epireport.aggregate._ibis import IbisEngine

    kind = _kind(source)
    table: ValueTable
    if kind == "table":
        table = source  # type: ignore[assignment]
    elif kind == "file":
        table = from_file(source, plan)  # type: ignore[arg-type]
    elif kind == "store":
        table = from_store(source, plan)
    else:
        table = from_values(source, plan)  # type: ignore[arg-type]
    return IbisEngine(connection).execute(plan, table)
