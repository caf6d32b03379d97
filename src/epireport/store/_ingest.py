"""From files to the store: choose the reader by file kind, store each file whole or not at all.

=================  ==========================================================================
file               reader
=================  ==========================================================================
``.xlsx``          a filled-in form (:func:`epireport.io._excel.read_form`)
``.csv``           long-form CSV (:func:`epireport.io._csv.read_csv`)
``.json``          DHIS2 dataValueSets when it has ``dataValues``, else a report input file
``.yaml`` ``.yml`` a report input file (its org units and values)
=================  ==========================================================================
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from epireport.exceptions import InputError, Problem
from epireport.io._normalise import Batch, CodeMapping
from epireport.model._institution import Institution
from epireport.store._records import IngestResult
from epireport.store._sqlite import Store

__all__ = ["ingest_batch", "read_batch"]

Resolver = Callable[[str], Institution]


def read_batch(
    path: str | os.PathLike[str],
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
    resolve: Resolver | None = None,
    name: str | None = None,
) -> Batch:
    """Read one file of any supported kind into a :class:`~epireport.io._normalise.Batch`.

    *resolve* turns an institution name a file declares (a form, a report file) into the
    institution, so that its figures are checked even without *institution*.
    """
    p = Path(path)
    source = name or str(path)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from epireport.io._excel import read_form

        batch = read_form(p, institution=institution, mapping=mapping, name=source)
        if institution is None and resolve is not None and batch.institution is not None:
            declared = resolve(batch.institution)
            batch = read_form(p, institution=declared, mapping=mapping, name=source)
        return batch
    if suffix == ".csv":
        from epireport.io._csv import read_csv

        return read_csv(p, institution=institution, mapping=mapping, name=source)
    if suffix == ".json":
        try:
            data = json.loads(p.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            data = None  # let the reader below say what is wrong, with its location
        from epireport.io._dhis2 import looks_like_dhis2, read_dhis2

        if data is None or looks_like_dhis2(data):
            return read_dhis2(p, institution=institution, mapping=mapping, name=source)
        return _read_report(p, source, institution, resolve)
    if suffix in (".yaml", ".yml"):
        return _read_report(p, source, institution, resolve)
    return Batch(
        source,
        problems=(
            Problem(
                source,
                "cannot ingest this kind of file: expected .xlsx (a form), .csv, "
                ".json (DHIS2 dataValueSets or a report input) or .yaml",
            ),
        ),
    )


def _read_report(
    path: Path, source: str, institution: Institution | None, resolve: Resolver | None
) -> Batch:
    from epireport.io._load import load_report, read_mapping

    try:
        if institution is None and resolve is not None:
            declared = read_mapping(path).get("institution")
            if isinstance(declared, str):
                institution = resolve(declared)
        report = load_report(path, institution=institution, name=source)
    except InputError as exc:
        return Batch(source, problems=exc.problems)
    return Batch(
        source,
        values=report.values,
        rows=tuple(f"$.values[{i}]" for i in range(len(report.values))),
        units=report.tree.units if report.tree is not None else (),
        institution=report.institution,
    )


def ingest_batch(
    store: Store,
    batch: Batch,
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Store a batch in one transaction; a batch with any problem raises and writes nothing."""
    if batch.problems:
        raise InputError(batch.problems, source=batch.source)
    return store.ingest(
        batch.values,
        batch.source,
        rows=batch.rows,
        units=batch.units,
        institution=batch.institution,
        dry_run=dry_run,
        progress=progress,
    )
