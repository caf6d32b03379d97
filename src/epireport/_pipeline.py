"""From a report input to a rendered summary: the one path every caller takes.

``load → compute facts → compose the document tree → render`` — each stage takes the plain
values of the one before. The CLI's ``render`` and ``demo``, :mod:`epireport.testing` and
library users all come through here, so a figure in a DOCX and in the JSON output is the same
figure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from epireport._plugins import Plugins
from epireport.exceptions import UsageError
from epireport.io._load import load_report
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree

if TYPE_CHECKING:
    from epireport.document import Document
    from epireport.render._formats import ReportFormat

__all__ = [
    "Rendered",
    "build_document",
    "demo_input",
    "example_input",
    "input_from_store",
    "load_input",
    "render_report",
    "skeleton_input",
]


@attrs.frozen
class Rendered:
    """A rendered report: the output, the document tree it was drawn from and its facts."""

    output: str | bytes
    document: Document
    format: ReportFormat
    facts: Any


def _plugins(plugins: Plugins | None) -> Plugins:
    return plugins if plugins is not None else Plugins.create()


def build_document(
    report: ReportInput,
    *,
    plugins: Plugins | None = None,
    draft: bool = False,
    template: str | None = None,
) -> tuple[Document, Any]:
    """Compute the facts of *report* and compose its document tree; return both.

    The institution named in the report must be registered with *plugins* (by default, the
    installed plugins).
    """
    from epireport.facts import compute_facts
    from epireport.narrative._compose import compose

    plugins = _plugins(plugins)
    institution = plugins.institution(report.institution)
    facts = compute_facts(report, institution, rules=plugins.validation_rules(institution))
    document = compose(report, institution, facts, plugins, draft=draft, template=template)
    return document, facts


def render_report(
    report: ReportInput | str | os.PathLike[str],
    *,
    format: str = "text",
    plugins: Plugins | None = None,
    draft: bool = False,
    template: str | None = None,
) -> Rendered:
    """Render *report* (a :class:`ReportInput` or the path of a report input file).

    ``format`` is the name of a registered report format (text, markdown, html, docx, json,
    or one a plugin adds). In final mode (the default) a figure the template requires but the
    data lacks raises :class:`~epireport.exceptions.MissingFigureError`; with ``draft=True``
    it is written as ``xx``.
    """
    from epireport.render._options import RenderOptions

    plugins = _plugins(plugins)
    fmt = plugins.format(format)
    if not isinstance(report, ReportInput):
        report = load_input(report, plugins=plugins)
    document, facts = build_document(report, plugins=plugins, draft=draft, template=template)
    output = fmt.render(document, RenderOptions(draft=draft))
    return Rendered(output=output, document=document, format=fmt, facts=facts)


def load_input(path: str | os.PathLike[str], *, plugins: Plugins | None = None) -> ReportInput:
    """Load a report input file, checked against the institution it names.

    The file is read by the input loader the plugins choose for it (YAML and JSON report files
    built in; a plugin may add its own): :meth:`Plugins.load_input`.
    """
    return _plugins(plugins).load_input(path)


def example_input(institution: str | Institution, *, plugins: Plugins | None = None) -> ReportInput:
    """The example report input an institution ships (its ``example`` file), loaded and checked."""
    plugins = _plugins(plugins)
    inst = plugins.institution(institution)
    if inst.example is None:
        raise UsageError(f"institution {inst.code!r} ships no example data")
    from epireport.io._load import parse_mapping

    text = inst.example.read_text(encoding="utf-8")
    name = f"{inst.code}:example"
    data: Mapping[str, Any] = parse_mapping(
        text, name, json_format=inst.example.name.endswith(".json")
    )
    return load_report(data, institution=inst, name=name)


def input_from_store(
    path: str | os.PathLike[str],
    institution: str | Institution,
    period: str | Period,
    *,
    unit: str | None = None,
    words: ReportInput | None = None,
    plugins: Plugins | None = None,
) -> ReportInput:
    """Build a report input from the embedded store at *path*.

    The figures (the org tree under *unit* and its values within *period*) come from the
    store; the words (title, measures, narrative inputs, level names) from *words*, a report
    input that must carry no values of its own — two sources of figures would be one too many.
    *unit* defaults to the store's only root.
    """
    from epireport.store import Store

    plugins = _plugins(plugins)
    inst = plugins.institution(institution)
    if words is not None and words.values:
        raise UsageError(
            "the store supplies the figures: the report input given for the words must carry "
            f"no values (it has {len(words.values)})"
        )
    with Store.open(path) as store:
        if unit is None:
            roots = [u.code for u in store.units().roots]
            if len(roots) != 1:
                raise UsageError(
                    f"the store {os.fspath(path)!r} holds {len(roots)} top-level units "
                    f"({', '.join(roots) or 'none'}): say which one reports with --unit"
                )
            unit = roots[0]
        data = store.report_input(inst, unit, period)
    if words is None:
        return data
    tree = data.tree
    if tree is not None and words.tree is not None and words.tree.level_names:
        tree = OrgTree(tree.units, words.tree.level_names)
    return attrs.evolve(
        data,
        title=words.title or data.title,
        unit_name=words.unit_name,
        tree=tree,
        measures=words.measures,
        narrative=words.narrative,
    )


def demo_input(institution: str | Institution, *, plugins: Plugins | None = None) -> ReportInput:
    """The institution's example, taken through the embedded store as real data would be.

    The example's values are ingested into a throw-away SQLite store, and the report input is
    built back from it: the demo exercises the same path as ``epireport ingest`` followed by
    ``epireport render --db``.
    """
    import tempfile
    from pathlib import Path

    from epireport.store import Store

    plugins = _plugins(plugins)
    example = example_input(institution, plugins=plugins)
    inst = plugins.institution(institution)
    with tempfile.TemporaryDirectory(prefix="epireport-demo-") as tmp:
        path = Path(tmp) / "demo.sqlite"
        with Store.open(path) as store:
            store.ingest(
                example.values,
                source=f"{inst.code}:example",
                units=example.tree.units if example.tree is not None else (),
                institution=inst.code,
            )
        return input_from_store(
            path,
            inst,
            example.period,
            unit=example.unit,
            words=attrs.evolve(example, values=()),
            plugins=plugins,
        )


def skeleton_input(report: ReportInput) -> ReportInput:
    """*report* without its data values: what draft mode turns into the ``xx`` skeleton.

    The unit, period, org tree, measures and narrative inputs stay: they are the words of the
    summary, not its figures.
    """
    return attrs.evolve(report, values=())
