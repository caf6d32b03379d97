"""``epireport check DATA``: validate a report input's data against the institution's rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from epireport._plugins import Plugins

__all__ = ["check"]


def _make_plugins() -> Plugins:
    """Build the plugins the command uses (tests replace this function)."""
    from epireport._plugins import Plugins

    return Plugins.create()


@click.command("check")
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--institution",
    "institution_name",
    metavar="NAME",
    help="Check against this institution instead of the one the file names (with --db: the "
    "institution whose data to check; default: the only one the store holds).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Check the data stored here (see 'epireport ingest') instead of a file.",
)
@click.option("--period", help="With --db: the period to check, e.g. 202002 or 第一阶段.")
@click.option("--unit", help="With --db: the unit to check under (default: the store's only root).")
@click.option("--json", "as_json", is_flag=True, help="Print the violations as JSON.")
@click.pass_context
def check(
    ctx: click.Context,
    data: Path | None,
    institution_name: str | None,
    db: Path | None,
    period: str | None,
    unit: str | None,
    as_json: bool,
) -> None:
    """Validate the data of a report input file, or of a store, against the validation rules.

    The rules are the institution's (registered by plugins, the built-in ones included):
    non-negative counts, 其中 items within their whole, parts adding up to their total, and
    whatever the institution adds. They are evaluated on every (unit, period) in the data and on
    the aggregated figures of every unit over the report period. Every violation is printed with
    its unit, period and figures; the exit status is 1 when a rule of importance "error" fails.
    """
    from epireport.aggregate._rules import Importance

    plugins = _make_plugins()
    if db is None:
        if data is None:
            raise click.UsageError("give a report input file DATA, or --db STORE with --period")
        for name, given in (("--period", period), ("--unit", unit)):
            if given is not None:
                raise click.UsageError(f"{name} goes with --db")
        report = plugins.load_input(data, institution_name)
    else:
        if data is not None:
            raise click.UsageError("give DATA or --db, not both")
        if period is None:
            raise click.UsageError("--db needs --period")
        from epireport._pipeline import input_from_store
        from epireport.store._sqlite import Store

        if institution_name is None:
            with Store.open(db) as store:
                held = store.institutions()
            if len(held) != 1:
                raise click.UsageError(
                    f"the store holds data of {', '.join(held) or 'no institution'}: "
                    "say which with --institution"
                )
            institution_name = held[0]
        report = input_from_store(
            db, institution_name, plugins.period(period), unit=unit, plugins=plugins
        )
        data = db
    from epireport._pipeline import check_input

    institution = plugins.institution(institution_name or report.institution)
    rules = plugins.validation_rules(institution)
    violations = check_input(report, plugins=plugins, institution=institution)
    counts = dict.fromkeys(Importance, 0)
    for violation in violations:
        counts[violation.importance] += 1
    failed = counts[Importance.ERROR] > 0
    if as_json:
        payload = {
            "file": str(data),
            "institution": institution.code,
            "unit": report.unit,
            "period": str(report.period),
            "rules": len(rules),
            "ok": not failed,
            "counts": {importance.value: n for importance, n in counts.items()},
            "violations": [v.as_dict() for v in violations],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for violation in violations:
            click.echo(violation.message)
        if violations:
            listing = ", ".join(f"{n} {imp.value}" for imp, n in counts.items() if n)
            click.echo(f"{data}: {len(violations)} violation(s) of {len(rules)} rules ({listing})")
        else:
            click.echo(f"{data}: {len(rules)} rules, no violations")
    if failed:
        ctx.exit(1)
