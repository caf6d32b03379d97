"""From a report input to a rendered summary: the one path every caller takes.

``load → compute facts → compose the document tree → render`` — each stage takes the plain
values of the one before. The CLI's ``render`` and ``demo``, :mod:`epireport.testing` and
library users all come through here, so a figure in a DOCX and in the JSON output is the same
figure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
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
    "check_input",
    "demo_input",
    "example_input",
    "input_from_store",
    "load_input",
    "render_report",
    "skeleton_input",
]


@attrs.frozen
class Rendered:
    """A rendered report: the output, the document tree it was drawn from and its facts.

    ``violations`` are the validation rules the data fails within the report period (errors
    only when the render allowed them: a draft, or ``allow_violations``; warnings always); the
    document carries them too (``document.meta.violations``).
    """

    output: str | bytes
    document: Document
    format: ReportFormat
    facts: Any
    violations: tuple[Any, ...] = ()


def check_input(
    report: ReportInput,
    *,
    plugins: Plugins | None = None,
    institution: str | Institution | None = None,
) -> tuple[Any, ...]:
    """Check *report*'s data against its institution's validation rules; return the violations.

    The rules (the built-in ones its indicators imply and the institution's own) run on every
    (unit, period) of the data and on the aggregated figures of every unit of the tree over the
    report period. A unit that states a figure itself is authoritative, and its children's
    figures are not added on top; where the children report too, the stated figure must equal
    their sum (``children-sum.<indicator>``). ``epireport check`` prints these; a final
    ``render`` refuses to write a document whose data fails an error-level rule. *institution*
    checks against another institution than the one the report names.
    """
    from epireport.aggregate._engine import aggregate
    from epireport.aggregate._plan import make_plan
    from epireport.aggregate._validate import check_rules, children_sum_violations, validate
    from epireport.model._units import OrgUnit

    plugins = _plugins(plugins)
    inst = plugins.institution(report.institution if institution is None else institution)
    rules = plugins.validation_rules(inst)
    indicators = tuple(i for s in inst.indicator_sets for i in s.indicators)
    check_rules(rules, [i.code for i in indicators])
    tree = report.tree or OrgTree((OrgUnit(report.unit, report.display_name),))
    scope = tree.subtree(report.unit)
    # Coverage plays no part in validation: one slot per target keeps overlapping data honest.
    plan = make_plan(tree, indicators, [(u.code, report.period) for u in scope], frequency=None)
    aggregates = aggregate(plan, report.values, collect_sources=False)
    found = validate(rules, report.values, aggregates)
    children = {u.code: tree.children(u.code) for u in scope if tree.children(u.code)}
    kids = {unit: tuple(c.code for c in units) for unit, units in children.items()}
    return (
        *found,
        *children_sum_violations(indicators, report.values, aggregates, kids, report.period),
    )


def _violation_notes(violations: tuple[Any, ...]) -> tuple[Any, ...]:
    from epireport.aggregate._validate import _show
    from epireport.document import Violation as Note

    return tuple(
        Note(
            rule=v.rule.code,
            importance=v.importance.value,
            unit=v.unit,
            period=str(v.period),
            message=v.message,
            left=None if v.left is None else _show(v.left),
            right=None if v.right is None else _show(v.right),
            codes=tuple(sorted(v.codes)),
        )
        for v in violations
    )


def _plugins(plugins: Plugins | None) -> Plugins:
    return plugins if plugins is not None else Plugins.create()


def _facts_and_check(report: ReportInput, plugins: Plugins) -> tuple[Any, tuple[Any, ...] | None]:
    """The facts of *report* and what :func:`check_input` finds, from one run of the engine.

    A final render used to run the engine twice over the same values: once for the check,
    once for the facts. :func:`epireport.facts._facts_and_check` reads the check's violations
    off the facts' run when that gives the same figures (and says ``None`` otherwise: the
    caller then runs :func:`check_input`). The rule codes are checked first, as
    :func:`check_input` checks them, so that bad rules are reported the same way. ``(None,
    None)`` when the facts cannot be computed: the caller then takes the usual path (the
    check, then :func:`build_document`), which raises what it raises.
    """
    from epireport.aggregate._validate import check_rules
    from epireport.facts import _facts_and_check as facts_and_check

    inst = plugins.institution(report.institution)
    rules = plugins.validation_rules(inst)
    check_rules(rules, [i.code for s in inst.indicator_sets for i in s.indicators])
    try:
        return facts_and_check(report, inst, rules=rules)
    except Exception:  # the usual path raises it again, in its usual order
        return None, None


def _compose(
    report: ReportInput,
    facts: Any,
    plugins: Plugins,
    *,
    draft: bool,
    template: str | os.PathLike[str] | None,
) -> Document:
    """*report*'s document tree from its computed *facts* (:func:`build_document`'s second half)."""
    from epireport.narrative._compose import compose

    institution = plugins.institution(report.institution)
    if template is not None and not isinstance(template, str):
        template = Path(template)
    return compose(report, institution, facts, plugins, draft=draft, template=template)


def build_document(
    report: ReportInput,
    *,
    plugins: Plugins | None = None,
    draft: bool = False,
    template: str | os.PathLike[str] | None = None,
) -> tuple[Document, Any]:
    """Compute the facts of *report* and compose its document tree; return both.

    The institution named in the report must be registered with *plugins* (by default, the
    installed plugins). *template*: a registered template's name, or the path of a template
    file (:class:`pathlib.Path`) whose ``{% extends %}`` reaches the registered ones.
    """
    from epireport.facts import compute_facts

    plugins = _plugins(plugins)
    institution = plugins.institution(report.institution)
    facts = compute_facts(report, institution, rules=plugins.validation_rules(institution))
    return _compose(report, facts, plugins, draft=draft, template=template), facts


def render_report(
    report: ReportInput | str | os.PathLike[str],
    *,
    format: str = "text",
    plugins: Plugins | None = None,
    draft: bool = False,
    template: str | os.PathLike[str] | None = None,
    allow_violations: bool = False,
    sealed: bool = False,
    appendix: bool = False,
) -> Rendered:
    """Render *report* (a :class:`ReportInput` or the path of a report input file).

    ``format`` is the code of a registered report format (text, markdown, html, docx, json,
    or one a plugin adds). *template* replaces the institution's template: a registered
    name, or the path of a template file (see :func:`build_document`). In final mode (the
    default) a figure the template requires but the data lacks raises
    :class:`~epireport.exceptions.MissingFigureError`; with ``draft=True`` it is written as
    ``xx``.

    A final render is a checked render: the data is checked first (:func:`check_input`), and
    an error-level violation within the report period raises
    :class:`~epireport.exceptions.RuleViolationError` listing every one. A draft, or
    ``allow_violations=True``, renders anyway; the document then carries the violations
    (``document.meta.violations``: the JSON output lists them, drafts show them). Warnings
    never stop a render and are always carried.

    *sealed* lays the signature out for a seal (GB/T 9704 7.3.5.1; DOCX and HTML);
    *appendix* adds the data appendix (附件: each indicator by sub-unit, daily charts).
    """
    from epireport.aggregate._rules import Importance
    from epireport.exceptions import Problem, RuleViolationError
    from epireport.render._options import RenderOptions

    plugins = _plugins(plugins)
    fmt = plugins.format(format)
    source = None
    if not isinstance(report, ReportInput):
        source = os.fspath(report)
        report = load_input(report, plugins=plugins)
    period = report.period
    facts, checked = _facts_and_check(report, plugins)
    if checked is None:
        checked = check_input(report, plugins=plugins)
    violations = tuple(v for v in checked if v.period.overlaps(period))
    errors = [v for v in violations if v.importance is Importance.ERROR]
    if errors and not (draft or allow_violations):
        where = source or f"{report.institution}:{report.unit}"
        raise RuleViolationError(
            [Problem(where, v.message) for v in errors],
            errors,
            source=where,
        )
    if facts is None:
        document, facts = build_document(report, plugins=plugins, draft=draft, template=template)
    else:
        document = _compose(report, facts, plugins, draft=draft, template=template)
    if violations:
        meta = attrs.evolve(document.meta, violations=_violation_notes(violations))
        document = attrs.evolve(document, meta=meta)
    options = RenderOptions(
        draft=draft, sealed=sealed, appendix=appendix, facts=facts if appendix else None
    )
    output = fmt.render(document, options)
    return Rendered(
        output=output, document=document, format=fmt, facts=facts, violations=violations
    )


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
    return combine_words(data, words)


def combine_words(data: ReportInput, words: ReportInput | None) -> ReportInput:
    """*data* (figures from the store) with the words of *words* (title, measures, narrative).

    What :func:`input_from_store` and ``render --each`` give each unit.
    """
    if words is None:
        return data
    tree = data.tree
    named = words.tree
    if tree is not None and named is not None and named.level_names and data.unit in named:
        # The words name the levels from their own tree's top (县, 学校, 班级); a unit deeper
        # in it (a school, render --each 学校) heads its own tree: its levels start at its own
        # (学校, 班级), or its classes would be called schools. A unit the words' tree lacks
        # keeps the names its data came with.
        tree = OrgTree(tree.units, named.level_names[named.depth(data.unit) - 1 :])
    return attrs.evolve(
        data,
        # None: the words say the summary has no title; "" leaves it to the store's data.
        title=words.title if words.title is None or words.title else data.title,
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

    from epireport.model._units import OrgUnit
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
                # An example without an org tree declares its unit by name: the store would
                # refuse an unknown unit, and one added unnamed is known only by its code.
                units=(
                    example.tree.units
                    if example.tree is not None
                    else (OrgUnit(example.unit, example.display_name),)
                ),
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
