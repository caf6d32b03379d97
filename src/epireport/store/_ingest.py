"""From files to the store: every file is read by its input loader and stored whole or not at all.

Which reader reads a file is the plugins' choice (``epireport_select_input_loader``); the
built-in loaders read filled-in forms (``.xlsx``), long-form CSV, DHIS2 dataValueSets and
report input files (``.json``, ``.yaml``). A loader a plugin registers is ingested the same way.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from epireport.aggregate._rules import ValidationRule
from epireport.exceptions import InputError
from epireport.io._normalise import Batch, CodeMapping
from epireport.model._institution import Institution
from epireport.model._units import OrgUnit
from epireport.store._records import IngestResult
from epireport.store._sqlite import Store

if TYPE_CHECKING:
    from epireport._plugins import Plugins

__all__ = ["file_sha256", "ingest_batch", "read_batch"]


def read_batch(
    path: str | os.PathLike[str],
    *,
    institution: Institution | str | None = None,
    mapping: CodeMapping | None = None,
    plugins: Plugins | None = None,
) -> Batch:
    """Read one file of any kind an input loader reads into a :class:`~epireport.io.Batch`.

    Without *institution*, the file is checked against the institution it names (a form and
    a report file do). Problems come back in the batch; see :meth:`Plugins.load_batch`.
    """
    if plugins is None:
        from epireport._plugins import Plugins

        plugins = Plugins.create()
    return plugins.load_batch(path, institution, mapping=mapping)


def ingest_batch(
    store: Store,
    batch: Batch,
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    units: Iterable[OrgUnit] = (),
    allow_new_units: bool = False,
    rules: Sequence[ValidationRule] = (),
    content_hash: str | None = None,
) -> IngestResult:
    """Store a batch in one transaction; a batch with any problem raises and writes nothing.

    *units* (a units file) are declared before the batch's own; *rules* are the institution's
    validation rules (:meth:`Plugins.validation_rules`), checked on what the batch touches;
    *content_hash* is the file's sha256 (:func:`file_sha256`), recorded with the source.
    """
    if batch.problems:
        raise InputError(batch.problems, source=batch.source)
    return store.ingest(
        batch.values,
        batch.source,
        rows=batch.rows,
        units=(*units, *batch.units),
        institution=batch.institution,
        dry_run=dry_run,
        progress=progress,
        scope=batch.scope,
        submitted_at=batch.submitted_at,
        allow_new_units=allow_new_units,
        rules=rules,
        content_hash=content_hash,
    )


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, read in blocks (what the store recognises a file by)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
