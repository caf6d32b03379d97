"""``epireport form``, ``ingest`` and ``export``: collecting daily reports into the store.

``form`` writes a fillable workbook, ``ingest`` reads filled forms, CSV, DHIS2 JSON and report
files into the store (each file whole or not at all, exit status 2 listing every rejected
cell), ``export`` writes stored values as CSV or DHIS2 dataValueSets JSON.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from epireport.exceptions import InputError, ModelError, Problem
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgUnit

if TYPE_CHECKING:
    from epireport._plugins import Plugins

__all__ = ["export", "form", "ingest"]

#: Ingests of at least this many values show a progress bar (when stderr is a terminal).
PROGRESS_THRESHOLD = 2000


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        # Plugins know the registered stages, so a bare stage name (第一阶段) is a period too.
        return _make_plugins().period(value)
    except ModelError as exc:
        raise click.BadParameter(str(exc)) from None


def _make_plugins() -> Plugins:
    """Build the plugins the commands use (tests replace this function)."""
    from epireport._plugins import Plugins

    return Plugins.create()


def _institution(name: str) -> Institution:
    return _make_plugins().institution(name)


@click.command(name="form")
@click.argument("institution")
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON list of org units (as org_units in report files) to pre-fill rows for.",
)
@click.option(
    "--period",
    callback=_period,
    metavar="P",
    help="Pre-fill one row per unit per day of this period (e.g. 202002).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (.xlsx).",
)
def form(institution: str, units_file: Path | None, period: Period | None, output: Path) -> None:
    """Write a fillable daily-report workbook (.xlsx) for INSTITUTION's sub-units."""
    from epireport._files import write_atomic
    from epireport.io._excel import write_form
    from epireport.io._normalise import load_units

    inst = _institution(institution)
    units = load_units(units_file) if units_file is not None else None
    data = write_form(inst, units=units, period=period)
    write_atomic(output, data)
    click.echo(f"wrote {output}", err=True)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    if total < PROGRESS_THRESHOLD or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    done = 0

    def rate(_: object) -> str:
        seconds = time.monotonic() - started
        return f"{done / seconds:,.0f} values/s" if seconds > 0 else ""

    # Percent, values per second and the time left (click's ETA), on a terminal only.
    with click.progressbar(
        length=total, label="ingesting", file=sys.stderr, item_show_func=rate
    ) as bar:

        def update(count: int) -> None:
            nonlocal done
            done += count
            bar.update(count, done)

        yield update


@click.command(name="ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store (an SQLite file, created if missing).",
)
@click.option(
    "--institution",
    help="The institution the data belongs to (default: the one a form or report file names, "
    "or the only one the store holds).",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON mapping of foreign codes (DHIS2 dataElement, orgUnit, and "
    "categoryOptionCombo under category_combos) to epireport codes.",
)
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON list of org units (as org_units in report files) to add or update first.",
)
@click.option(
    "--allow-new-units",
    is_flag=True,
    help="Add a unit code the store does not know as a new top-level unit instead of refusing.",
)
@click.option("--dry-run", is_flag=True, help="Check and count, but write nothing.")
def ingest(
    files: tuple[Path, ...],
    db: Path,
    institution: str | None,
    mapping: Path | None,
    units_file: Path | None,
    allow_new_units: bool,
    dry_run: bool,
) -> None:
    """Store daily reports: filled forms (.xlsx), CSV, DHIS2 JSON or report files.

    Every file is checked against its institution (its indicators, value types and validation
    rules) and against the store (known org units; no period counted twice). Each file is
    stored whole or not at all: if any row is rejected, nothing of that file is written, every
    problem is listed with its file, sheet, row and column, and the exit status is 2.
    Re-importing a file changes nothing; a changed value is a correction whose old version is
    kept in the history; an older copy (earlier 填报时间) ingested after a newer one changes
    nothing; a cell left empty in a re-sent form withdraws its value.
    """
    from epireport.io._normalise import load_mapping, load_units
    from epireport.store._ingest import file_sha256, ingest_batch
    from epireport.store._sqlite import Store

    plugins = _make_plugins()
    inst = plugins.institution(institution) if institution is not None else None
    codes = load_mapping(mapping) if mapping is not None else None
    declared = tuple(load_units(units_file)) if units_file is not None else ()
    held: tuple[str, ...] = ()
    seen: dict[Path, tuple[str, tuple[str, dt.datetime] | None]] = {}
    for path in files:
        if path.is_file():
            seen[path] = (file_sha256(path), None)
    if db.exists():
        with Store.open(db) as existing:
            held = existing.institutions()
            seen = {path: (sha, existing.ingested(sha)) for path, (sha, _) in seen.items()}
    problems: list[Problem] = []
    batches = []
    batch_hashes: dict[str, str] = {}
    for path in files:
        if not path.is_file():
            problems.append(Problem(str(path), "no such file"))
            continue
        sha, before = seen[path]
        if before is not None:
            # The very same bytes are stored already: nothing to read, nothing to change.
            name, _ = before
            same = "" if name == str(path) else f" as {name}"
            click.echo(f"{path}: unchanged, the same file was already ingested{same}")
            continue
        batch = plugins.load_batch(path, inst, mapping=codes)
        batch_hashes[batch.source] = sha
        if batch.ok and batch.institution is None:
            # A CSV or DHIS2 file names no institution: the store's, if it holds exactly one.
            if len(held) == 1:
                batch = plugins.load_batch(path, held[0], mapping=codes)
            else:
                which = (
                    f"the store holds data of {', '.join(held)}"
                    if held
                    else "the store holds no institution's data yet"
                )
                problems.append(
                    Problem(
                        str(path),
                        f"this file does not name its institution and {which}: say which with "
                        "--institution NAME, so that its indicators and figures can be checked",
                    )
                )
                continue
        problems.extend(batch.problems)
        if batch.ok:
            batches.append(batch)
    if batches:
        # A dry run against a store that does not exist yet must not create it; and the
        # store is opened only when some file is fit to be written.
        target = ":memory:" if dry_run and not db.exists() else db
        with Store.open(target, on_wait=lambda message: click.echo(message, err=True)) as store:
            for batch in batches:
                assert batch.institution is not None
                rules = plugins.validation_rules(batch.institution)
                try:
                    with _progress(len(batch.values)) as progress:
                        result = ingest_batch(
                            store,
                            batch,
                            dry_run=dry_run,
                            progress=progress,
                            units=declared,
                            allow_new_units=allow_new_units,
                            rules=rules,
                            content_hash=batch_hashes.get(batch.source),
                        )
                except InputError as exc:
                    problems.extend(exc.problems)
                    continue
                click.echo(str(result) + (" (dry run: nothing written)" if dry_run else ""))
                for warning in result.warnings:
                    # The warning names its importance ("warning: ...") after its row.
                    click.echo(f"epireport: {batch.source}: {warning}", err=True)
    if problems:
        raise InputError(problems)


def _units_yaml(units: Iterable[OrgUnit]) -> str:
    import yaml

    rows = []
    for unit in units:
        row: dict[str, object] = {"code": unit.code, "name": unit.name}
        if unit.parent is not None:
            row["parent"] = unit.parent
        if unit.level is not None:
            row["level"] = unit.level
        for key in ("opening", "closing"):
            day = getattr(unit, key)
            if day is not None:
                row[key] = day.isoformat()
        rows.append(row)
    head = "# Org units exported by epireport; ingest with: epireport ingest --units FILE\n"
    return head + yaml.safe_dump({"org_units": rows}, allow_unicode=True, sort_keys=False)


@click.command(name="export")
@click.option(
    "--db",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The store to read.",
)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["csv", "dhis2"]),
    help="csv (long form) or dhis2 (dataValueSets JSON).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@click.option("--institution", help="Only the indicators of this institution.")
@click.option("--period", callback=_period, metavar="P", help="Only values inside this period.")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Map codes back to DHIS2 ids (the mapping file ingest used).",
)
@click.option(
    "--units",
    "units_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the store's org tree here (YAML, as 'ingest --units' reads it), so that "
    "the export re-imported into a new store renders the same summary.",
)
def export(
    db: Path,
    fmt: str,
    output: Path | None,
    institution: str | None,
    period: Period | None,
    mapping: Path | None,
    units_file: Path | None,
) -> None:
    """Write stored values as CSV (formulas neutralised) or DHIS2 dataValueSets JSON.

    The values alone do not say how units nest: with --units the org tree is written too, and
    'epireport ingest --db NEW --units UNITS EXPORT' rebuilds the same store.
    """
    from epireport._files import write_atomic
    from epireport.io._normalise import load_mapping
    from epireport.store._sqlite import Store

    with Store.open(db) as store:
        if units_file is not None:
            write_atomic(units_file, _units_yaml(store.units().units))
            click.echo(f"wrote {len(store.units().units)} org unit(s) to {units_file}", err=True)
        if institution is not None:
            tagged = {name for name in store.indicators().values() if name is not None}
            if institution not in tagged:
                _institution(institution)  # an unknown name is a usage error naming the known
        values = list(store.values(institution=institution, period=period))
    if fmt == "csv":
        from epireport.io._csv import write_csv

        text = write_csv(values)
    else:
        from epireport.io._dhis2 import write_dhis2

        codes = load_mapping(mapping) if mapping is not None else None
        text, skipped = write_dhis2(
            values, codes, category_combos=codes.category_combos if codes is not None else None
        )
        if skipped:
            click.echo(
                f"epireport: note: {skipped} value(s) not applicable or missing left out "
                "(DHIS2 has no such state)",
                err=True,
            )
        approximate = sum(1 for value in values if value.qualifier)
        if approximate:
            click.echo(
                f"epireport: note: {approximate} approximate figure(s) (such as 480余) written "
                "as their number (DHIS2 has no qualifier; export as CSV to keep them)",
                err=True,
            )
    if output is None:
        click.echo(text.removeprefix("\ufeff"), nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {len(values)} value(s) to {output}", err=True)
