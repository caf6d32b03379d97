"""``epireport check DATA``: validate a report input's data against the institution's rules."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from epireport._plugins import Plugins
    from epireport.aggregate._validate import Violation
    from epireport.model._institution import Institution
    from epireport.model._report import ReportInput

__all__ = ["check", "check_report"]


def _make_plugins() -> Plugins:
    """Build the plugins the command uses (tests replace this function)."""
    from epireport._plugins import Plugins

    return Plugins.create()


def check_report(
    report: ReportInput, institution: Institution, rules: Sequence[Any]
) -> tuple[Violation, ...]:
    """Evaluate *rules* on *report*'s data and on the aggregates of every unit over its period."""
    from epireport.aggregate._engine import aggregate
    from epireport.aggregate._plan import make_plan
    from epireport.aggregate._validate import check_rules, validate
    from epireport.model._units import OrgTree, OrgUnit

    indicators = tuple(i for s in institution.indicator_sets for i in s.indicators)
    check_rules(rules, [i.code for i in indicators])
    tree = report.tree or OrgTree((OrgUnit(report.unit, report.display_name),))
    scope = tree.subtree(report.unit)
    # Coverage plays no part in validation: one slot per target keeps overlapping data honest.
    plan = make_plan(tree, indicators, [(u.code, report.period) for u in scope], frequency=None)
    aggregates = aggregate(plan, report.values, collect_sources=False)
    return validate(rules, report.values, aggregates)


@click.command("check")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--institution",
    "institution_name",
    metavar="NAME",
    help="Check against this institution instead of the one the file names.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the violations as JSON.")
@click.pass_context
def check(ctx: click.Context, data: Path, institution_name: str | None, as_json: bool) -> None:
    """Validate the data of a report input file against the validation rules.

    The rules are the institution's (registered by plugins, the built-in ones included):
    non-negative counts, 其中 items within their whole, parts adding up to their total, and
    whatever the institution adds. They are evaluated on every (unit, period) in the data and on
    the aggregated figures of every unit over the report period. Every violation is printed with
    its unit, period and figures; the exit status is 1 when a rule of importance "error" fails.
    """
    from epireport.aggregate._rules import Importance

    plugins = _make_plugins()
    report = plugins.load_input(data, institution_name)
    institution = plugins.institution(institution_name or report.institution)
    rules = plugins.validation_rules(institution)
    violations = check_report(report, institution, rules)
    counts = dict.fromkeys(Importance, 0)
    for violation in violations:
        counts[violation.importance] += 1
    failed = counts[Importance.ERROR] > 0
    if as_json:
        payload = {
            "file": str(data),
            "institution": institution.name,
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
