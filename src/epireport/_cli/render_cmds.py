"""``epireport render`` and ``epireport demo``: report inputs to finished summaries."""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from epireport._files import write_atomic

if TYPE_CHECKING:
    from epireport._plugins import Plugins
    from epireport.model._institution import Institution
    from epireport.model._periods import Period
    from epireport.model._report import ReportInput

_FORMAT_HELP = "Output format: text, markdown, html, docx, json, or one a plugin registers."
_SEALED_HELP = "Lay the signature out for a seal (GB/T 9704 7.3.5.1): HTML and DOCX."
_APPENDIX_HELP = (
    "Add a data appendix (附件): each indicator by sub-unit with its total and completeness, "
    "and a chart of its daily series (HTML and DOCX)."
)


def _template_arg(value: str | None) -> str | Path | None:
    """A --template value: a file when one is there, else a registered template's name."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        return path
    if value.startswith((".", "/", "~")) or "\\" in value:
        raise click.UsageError(
            f"--template {value}: no such template file (a registered template is named "
            "like 'district-publicity/report.md.j2')"
        )
    return value


@contextlib.contextmanager
def template_warnings() -> Iterator[None]:
    """Print the template warnings of a draft (an empty section ...) as one line each."""
    from epireport.exceptions import EpireportTemplateWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EpireportTemplateWarning)
        try:
            yield
        finally:
            for warning in caught:
                if issubclass(warning.category, EpireportTemplateWarning):
                    click.echo(f"epireport: warning: {warning.message}", err=True)
                else:
                    warnings.showwarning(
                        warning.message,
                        warning.category,
                        warning.filename,
                        warning.lineno,
                        warning.file,
                        warning.line,
                    )


def _emit(output: str | bytes, target: Path | None, binary: bool, what: str) -> None:
    if target is None:
        if binary:
            raise click.UsageError(f"{what} is a binary file: give -o PATH")
        assert isinstance(output, str)
        click.echo(output, nl=not output.endswith("\n"))
        return
    write_atomic(target, output)
    click.echo(f"wrote {target}", err=True)


@click.command(name="render")
@click.argument("data", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "-f", "fmt", default="text", show_default=True, help=_FORMAT_HELP)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write here (a folder with --each).",
)
@click.option("--draft", is_flag=True, help="Write missing figures as xx instead of refusing.")
@click.option(
    "--template",
    metavar="NAME|FILE",
    help="Render with this template instead of the institution's own: a registered name, or "
    "a template file (its {% extends %} reaches the institution's templates by name).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Take the figures from this store (see 'epireport ingest'); DATA, if given, "
    "supplies only the words: title, measures, narrative inputs.",
)
@click.option("--institution", help="With --db: the institution whose summary to write.")
@click.option(
    "--period", help="With --db: the report period, e.g. 202002 or 2020-01-23/2020-02-29."
)
@click.option("--unit", help="With --db: the reporting unit (default: the store's only root).")
@click.option(
    "--each",
    "each_level",
    metavar="LEVEL",
    help="With --db: one summary for every unit at LEVEL (its number, 1 = the top, or its "
    "level name such as 县) under --unit, written into the folder -o with an index.json.",
)
@click.option(
    "--allow-violations",
    is_flag=True,
    help="Write a final summary even though its data fails validation rules (the document "
    "then lists them); without it such a render stops with exit status 2.",
)
@click.option("--sealed", is_flag=True, help=_SEALED_HELP)
@click.option("--appendix", is_flag=True, help=_APPENDIX_HELP)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="With --each: render in this many processes (default: one per core, up to 8, for "
    "64 units or more, on Linux; 1: all in this process). The summaries are the same.",
)
def render(
    data: Path | None,
    fmt: str,
    output: Path | None,
    draft: bool,
    template: str | None,
    db: Path | None,
    institution: str | None,
    period: str | None,
    unit: str | None,
    each_level: str | None,
    allow_violations: bool,
    sealed: bool,
    appendix: bool,
    jobs: int | None,
) -> None:
    """Render the report input DATA (YAML or JSON), or figures from a store, as a summary.

    In final mode a figure the template needs but the data lacks is an error naming the
    indicator and unit; --draft writes it as xx so the skeleton can circulate early. The data
    is checked against the institution's validation rules first: a final summary whose data
    fails one stops with every violation listed (exit 2); --draft and --allow-violations write
    it anyway, and the document carries the violations. Warnings are printed, never fatal.

    --template ./draft.md.j2 renders with a template file under work instead of the
    institution's template; it may {% extends "INSTITUTION/report.md.j2" %} and redefine
    blocks.
    """
    from epireport._plugins import Plugins

    plugins = Plugins.create()
    with template_warnings():
        _render(
            plugins, data, fmt, output, draft, _template_arg(template), db, institution, period,
            unit, each_level, allow_violations, sealed=sealed, appendix=appendix, jobs=jobs,
        )  # fmt: skip


def _render(
    plugins: Plugins,
    data: Path | None,
    fmt: str,
    output: Path | None,
    draft: bool,
    template: str | Path | None,
    db: Path | None,
    institution: str | None,
    period: str | None,
    unit: str | None,
    each_level: str | None,
    allow_violations: bool,
    *,
    sealed: bool = False,
    appendix: bool = False,
    jobs: int | None = None,
) -> None:
    from epireport._pipeline import input_from_store, load_input, render_report

    fmt_record = plugins.format(fmt)
    if jobs is not None and each_level is None:
        raise click.UsageError("--jobs goes with --each")
    if db is None:
        if data is None:
            raise click.UsageError(
                "give a report input file DATA, or --db with --institution and --period"
            )
        for name, given in (("--institution", institution), ("--period", period), ("--unit", unit)):
            if given is not None:
                raise click.UsageError(f"{name} goes with --db")
        report = load_input(data, plugins=plugins)
    else:
        if institution is None or period is None:
            raise click.UsageError("--db needs --institution and --period")
        if each_level is None and output is not None and output.is_dir():
            raise click.UsageError(f"-o {output} is a folder: give a file (or use --each)")
        words = load_input(data, plugins=plugins) if data is not None else None
        inst = plugins.institution(institution)
        if words is None and not draft:
            # The store holds figures only; a summary also needs its words.
            needed = [n.code for n in inst.narrative_inputs if n.required]
            if needed or inst.measures:
                wanted = ", ".join(needed) if needed else "the measures taken"
                raise click.UsageError(
                    f"the store holds the figures, not the words of {inst.code}'s summary "
                    f"({wanted}): give them as DATA, a report input file without values"
                )
        the_period = plugins.period(period)
        if each_level is not None:
            if output is None:
                raise click.UsageError("--each needs -o FOLDER for the summaries")
            _render_each(
                plugins, db, inst, the_period, each_level, unit, words, output,
                fmt=fmt, draft=draft, template=template, allow_violations=allow_violations,
                sealed=sealed, appendix=appendix, jobs=jobs,
            )  # fmt: skip
            return
        report = input_from_store(
            db, institution, the_period, unit=unit, words=words, plugins=plugins
        )
        if not draft and not any(the_period.contains(v.period) for v in report.values):
            raise click.UsageError(
                f"the store {db} holds no values of {inst.code} for {report.unit} in "
                f"{the_period}: nothing to summarise (ingest the reports first, or check "
                "--unit and --period)"
            )
    rendered = render_report(
        report,
        format=fmt,
        plugins=plugins,
        draft=draft,
        template=template,
        allow_violations=allow_violations,
        sealed=sealed,
        appendix=appendix,
    )
    for violation in rendered.violations:
        click.echo(f"epireport: {violation.message}", err=True)
    _emit(rendered.output, output, fmt_record.binary, f"--format {fmt}")


def _render_each(
    plugins: Plugins,
    db: Path,
    inst: Institution,
    period: Period,
    level_text: str,
    under: str | None,
    words: ReportInput | None,
    folder: Path,
    *,
    fmt: str,
    draft: bool,
    template: str | Path | None,
    allow_violations: bool,
    sealed: bool = False,
    appendix: bool = False,
    jobs: int | None = None,
) -> None:
    """Write one summary per unit at a level, each linted, and an index of what was written."""
    import json

    from epireport._cli.each_batch import EachBatch, auto_jobs, write_each
    from epireport._each import each_units
    from epireport._files import write_atomic
    from epireport.store._sqlite import Store

    with Store.open(db) as store:  # the units, for the bar (the tree is kept for the batch)
        units = each_units(store.units(), level_text, under=under, level_names=inst.level_names)
    folder.mkdir(parents=True, exist_ok=True)
    batch = EachBatch(
        plugins, db, inst, period, level_text, under, words, folder, fmt, draft, template,
        allow_violations, sealed=sealed, appendix=appendix,
    )  # fmt: skip
    # A bar with the count and the time left on a terminal; nothing when stderr is not one.
    with click.progressbar(
        length=len(units), label="rendering", file=sys.stderr, show_pos=True
    ) as bar:
        index = write_each(batch, [u.code for u in units], auto_jobs(len(units), jobs), bar.update)
    refused = sum(1 for e in index if e["status"] == "refused")
    write_atomic(folder / "index.json", json.dumps(index, ensure_ascii=False, indent=2) + "\n")
    written = sum(1 for e in index if e["status"] == "written")
    unclean = sum(1 for e in index if e.get("lint"))
    click.echo(
        f"wrote {written} summaries to {folder} ({refused} refused, {unclean} with lint "
        f"findings); see {folder / 'index.json'}",
        err=True,
    )
    if refused:
        raise click.exceptions.Exit(2)


@click.command(name="demo")
@click.argument("institution", required=False)
@click.option("--format", "-f", "fmt", default="text", show_default=True, help=_FORMAT_HELP)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write here (a directory when several institutions are rendered).",
)
@click.option(
    "--draft", is_flag=True, help="Render the skeleton without data, with xx placeholders."
)
@click.option("--sealed", is_flag=True, help=_SEALED_HELP)
@click.option("--appendix", is_flag=True, help=_APPENDIX_HELP)
def demo(
    institution: str | None,
    fmt: str,
    output: Path | None,
    draft: bool,
    sealed: bool,
    appendix: bool,
) -> None:
    """Render the example of INSTITUTION (every installed institution when none is named).

    The example data goes through the embedded store (SQLite) as real data would. With
    --draft no data is used: the result is the skeleton an office fills in, with xx where
    figures go.
    """
    from epireport._pipeline import demo_input, render_report, skeleton_input
    from epireport._plugins import Plugins

    plugins = Plugins.create()
    fmt_record = plugins.format(fmt)
    if institution is not None:
        names = [plugins.institution(institution).code]
    else:
        names = [name for name, inst in sorted(plugins.institutions().items()) if inst.example]
        if not names:
            raise click.UsageError("no installed institution ships example data")
    several = len(names) > 1
    if several and output is not None:
        output.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(names):
        report = demo_input(name, plugins=plugins)
        if draft:
            report = skeleton_input(report)
        with template_warnings():
            rendered = render_report(
                report,
                format=fmt,
                plugins=plugins,
                draft=draft,
                sealed=sealed,
                appendix=appendix,
            )
        target = output
        if several and output is not None:
            target = output / f"{name}{fmt_record.suffix}"
        if several and output is None and index:
            click.echo()
        _emit(rendered.output, target, fmt_record.binary, f"--format {fmt}")
