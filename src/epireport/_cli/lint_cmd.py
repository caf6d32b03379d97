"""``epireport lint FILE...``: check rendered summaries for placeholders, slips and bad figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from epireport.lint._data import load_claims
from epireport.lint._document import Finding
from epireport.lint._lint import (
    findings_to_json,
    format_findings,
    has_errors,
    lint_file,
)
from epireport.lint._rules import LintRule
from epireport.model._institution import ITEM_NUMBERINGS

__all__ = ["lint"]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date such as 2023-01-08, got {value!r}") from None


def _rules() -> tuple[LintRule, ...]:
    """Return the lint rules of every loaded plugin, the built-in ones first."""
    from epireport._plugins import Plugins

    return tuple(Plugins.create().lint_rules().values())


@click.command(name="lint")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print findings as a JSON list.")
@click.option(
    "--date",
    callback=_parse_date,
    metavar="YYYY-MM-DD",
    help="The date the documents speak from (default: the latest date written in each).",
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON with the figures the prose states (epireport's JSON output, or phrase: value).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULE",
    help="Skip a rule by id (repeatable): --ignore EPI401.",
)
@click.option(
    "--draft",
    is_flag=True,
    help="The files are meant as drafts: their 【草稿】 banner is expected (a final document "
    "must not carry one).",
)
@click.option(
    "--numbering",
    type=click.Choice(ITEM_NUMBERINGS),
    help="How numbered items are marked in these files (an institution's item_numbering); "
    "items marked otherwise are findings. Default: any one style, used consistently.",
)
@click.option(
    "--institution",
    help="Lint as this installed institution writes: its item numbering (see --numbering).",
)
@click.option("--list-rules", is_flag=True, help="List the lint rules and exit.")
@click.pass_context
def lint(
    ctx: click.Context,
    files: tuple[Path, ...],
    as_json: bool,
    date: dt.date | None,
    data: Path | None,
    ignore: tuple[str, ...],
    draft: bool,
    numbering: str | None,
    institution: str | None,
    list_rules: bool,
) -> None:
    """Check rendered summaries (text, Markdown, HTML, DOCX) for slips.

    Prints one line per finding, ``path:line:col: EPI101 [error] message`` (for DOCX the line
    is the paragraph number), and exits with status 1 if any finding is an error.
    """
    rules = _rules()
    if list_rules:
        for rule in rules:
            click.echo(f"{rule.label} [{rule.severity.value}] {rule.description}")
        return
    if not files:
        raise click.UsageError("give at least one FILE to lint", ctx=ctx)
    known = {rule.id for rule in rules}
    unknown = sorted(set(ignore) - known)
    if unknown:
        raise click.BadParameter(f"unknown rule id(s): {', '.join(unknown)}", param_hint="--ignore")
    chosen = [rule for rule in rules if rule.id not in ignore]
    claims = load_claims(data) if data is not None else None
    if institution is not None:
        from epireport._plugins import Plugins

        chose = Plugins.create().institution(institution).item_numbering
        if numbering is not None and numbering != chose:
            raise click.UsageError(
                f"--numbering {numbering} contradicts --institution {institution}, "
                f"which numbers items {chose}",
                ctx=ctx,
            )
        numbering = chose
    findings: list[Finding] = []
    for path in files:
        findings.extend(
            lint_file(path, rules=chosen, date=date, data=claims, draft=draft, numbering=numbering)
        )
    if as_json:
        click.echo(findings_to_json(findings))
    elif findings:
        click.echo(format_findings(findings))
    if has_errors(findings):
        ctx.exit(1)
