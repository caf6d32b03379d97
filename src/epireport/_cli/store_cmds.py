"""``epireport form``, ``ingest`` and ``export``: collecting daily reports into the store.

``form`` writes a fillable workbook, ``ingest`` reads filled forms, CSV, DHIS2 JSON and report
files into the store (each file whole or not at all, exit status 2 listing every rejected
cell), ``export`` writes stored values as CSV or DHIS2 dataValueSets JSON.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from epireport.exceptions import InputError, ModelError, Problem
from epireport.model._institution import Institution
from epireport.model._periods import Period

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
    with click.progressbar(length=total, label="ingesting", file=sys.stderr) as bar:
        yield bar.update


@click.command(name="ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store (an SQLite file, created if missing).",
)
@click.option("--institution", help="Check codes and figures against this institution.")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML/JSON mapping of foreign codes (DHIS2 dataElement, orgUnit) to epireport codes.",
)
@click.option("--dry-run", is_flag=True, help="Check and count, but write nothing.")
def ingest(
    files: tuple[Path, ...],
    db: Path,
    institution: str | None,
    mapping: Path | None,
    dry_run: bool,
) -> None:
    """Store daily reports: filled forms (.xlsx), CSV, DHIS2 JSON or report files.

    Each file is stored whole or not at all: if any row is rejected, nothing of that file is
    written, every problem is listed with its file, sheet, row and column, and the exit
    status is 2. Re-importing a file changes nothing; a changed value is a correction whose
    old version is kept in the history.
    """
    from epireport.io._normalise import load_mapping
    from epireport.store._ingest import ingest_batch
    from epireport.store._sqlite import Store

    plugins = _make_plugins()
    inst = plugins.institution(institution) if institution is not None else None
    codes = load_mapping(mapping) if mapping is not None else None
    problems: list[Problem] = []
    batches = []
    for path in files:
        if not path.is_file():
            problems.append(Problem(str(path), "no such file"))
            continue
        batch = plugins.load_batch(path, inst, mapping=codes)
        problems.extend(batch.problems)
        if batch.ok:
            batches.append(batch)
    if batches:
        # A dry run against a store that does not exist yet must not create it; and the
        # store is opened only when some file is fit to be written.
        target = ":memory:" if dry_run and not db.exists() else db
        with Store.open(target) as store:
            for batch in batches:
                try:
                    with _progress(len(batch.values)) as progress:
                        result = ingest_batch(store, batch, dry_run=dry_run, progress=progress)
                except InputError as exc:
                    problems.extend(exc.problems)
                    continue
                click.echo(str(result) + (" (dry run: nothing written)" if dry_run else ""))
    if problems:
        raise InputError(problems)


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
def export(
    db: Path,
    fmt: str,
    output: Path | None,
    institution: str | None,
    period: Period | None,
    mapping: Path | None,
) -> None:
    """Write stored values as CSV (formulas neutralised) or DHIS2 dataValueSets JSON."""
    from epireport._files import write_atomic
    from epireport.io._normalise import load_mapping
    from epireport.store._sqlite import Store

    with Store.open(db) as store:
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
        text, skipped = write_dhis2(values, codes)
        if skipped:
            click.echo(
                f"epireport: note: {skipped} value(s) not applicable or missing left out "
                "(DHIS2 has no such state)",
                err=True,
            )
    if output is None:
        click.echo(text.removeprefix("\ufeff"), nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {len(values)} value(s) to {output}", err=True)
