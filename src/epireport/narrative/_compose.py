"""Compose a report: render the institution's template over the facts and parse it into a tree.

:func:`compose` is the one entry point from facts to a :class:`~epireport.document.Document`.
The template context holds:

``report``
    the :class:`~epireport.model.ReportInput`;
``institution``
    the :class:`~epireport.model.Institution`;
``unit``
    the reporting unit's name (``unit_code`` its code; the code stands in only when no name is
    known anywhere);
``period`` and ``period_label``
    the report period and its Chinese label (2020年2月);
``facts``
    the fact set;
``measures``
    the measures by code (the institution's catalogue, overridden by the report's own), e.g.
    ``{{ measures.garbage.frequency_change }}`` or ``{{ measure("garbage").frequency_change }}``;
``narrative``
    the narrative inputs (document titles, meetings), cleaned of line breaks; an optional
    input the data leaves out reads as absent (its declared ``default``, else ``""``, an
    empty list or ``false``), while ``"name" in narrative`` tells whether it was given;
``draft``
    whether this is a draft.

The globals and filters are those of :mod:`epireport.narrative._environment`: ``figure``,
``count_list``, ``items``, ``has``, ``value``, ``change``, ``coverage_phrase``, ``measure``,
``variant``, ``disease_name`` and the date and number helpers.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath
from typing import Any, Final

import attrs
import jinja2
import jinja2.sandbox

from epireport._plugins import Plugins
from epireport.document import Document, EnumerationStyle, Meta, _has_words
from epireport.exceptions import RenderError, TemplateError
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind
from epireport.model._measures import Measure
from epireport.model._report import ReportInput
from epireport.narrative._environment import (
    CONTEXT_NAMES,
    EnvironmentEntry,
    check_template_references,
    environment_for,
    file_environment,
    heading_locator,
    name_hint,
    sandbox_needed,
    where_raised,
)
from epireport.narrative._figures import (
    _STATE,
    DEFAULT_PLACEHOLDER,
    RenderState,
    clean_input,
    prepared_tables,
)

__all__ = ["NarrativeInputs", "compose", "default_title", "render_markup"]


def _unit_name(report: ReportInput) -> str:
    """The reporting unit's name, or ``""`` when none is known: never its code.

    The org tree's name wins, as in :attr:`ReportInput.display_name`, unless the tree only
    knows the unit by its code (a unit the store added unnamed): ``unit_name`` is then the
    better name.
    """
    if report.tree is not None:
        name = report.tree.get(report.unit).name
        if name != report.unit:
            return name
    return report.unit_name


def default_title(report: ReportInput, institution: Institution) -> str:
    """The title of a summary whose template writes no ``# title`` line.

    The report's own ``title`` when it has one; otherwise the unit's name, the institution's
    title and 工作总结 (城关区 + 区委宣传部 -> 城关区区委宣传部工作总结), without writing a name
    twice: a title that already holds the unit's name (城关镇 + 城关镇 -> 城关镇工作总结) or a
    name that ends with the title (阳光花园物业服务中心 + 物业服务中心) is written once. Without a
    known name (no ``unit_name`` and no org tree) the institution's title stands alone: a
    unit's code is not a title.
    """
    if report.title is not None and _has_words(report.title):
        return report.title
    body = institution.title
    name = clean_input(_unit_name(report)).strip()
    if name.endswith(body):
        body = name
    elif name and name not in body:
        body = name + body
    # 工作总结 or 总结 already ends the title (……防控工作总结): not twice.
    return body if body.endswith("总结") else f"{body}工作总结"


class NarrativeInputs(dict[str, Any]):
    """The ``narrative`` of the template context: the report's inputs, cleaned of line breaks.

    A declared optional input the data leaves out reads as absent (its declared default, or
    ``""``, an empty list, ``false``): ``narrative.note`` and ``narrative["note"]`` give it,
    while ``"note" in narrative`` and ``narrative.get("note")`` still tell that it was not
    given. An undeclared name stays an error.
    """

    __slots__ = ("_absent",)

    def __init__(self, given: dict[str, Any], absent: dict[str, Any]) -> None:
        super().__init__(given)
        self._absent = absent

    def __missing__(self, key: str) -> Any:
        if key in self._absent:
            return self._absent[key]
        raise KeyError(key)


def _narrative(
    report: ReportInput, institution: Institution, draft: bool, placeholder: str
) -> NarrativeInputs:
    given = clean_input(report.narrative)
    if not draft:
        missing = [n for n in institution.narrative_inputs if n.required and n.code not in given]
        if missing:
            raise RenderError(
                "\n".join(
                    f"the report input of {report.unit} ({institution.code}, {report.period}): "
                    f"required narrative input {n.code!r} ({n.title}) is missing; give it under "
                    "narrative: in the data file, or render a draft"
                    for n in missing
                )
            )
    absent = {
        n.code: clean_input(n.absent) if not n.required else _placeholder_of(n, placeholder)
        for n in institution.narrative_inputs
        if draft or not n.required
    }
    return NarrativeInputs(given, absent)


def _placeholder_of(spec: NarrativeInput, placeholder: str) -> object:
    # A draft's skeleton: a required input not yet given is written as the placeholder.
    if spec.kind is NarrativeKind.LIST:
        return (placeholder,)
    if spec.kind is NarrativeKind.FLAG:
        return False
    return placeholder


def _measures(report: ReportInput, institution: Institution) -> dict[str, Measure]:
    found = {m.code: m for m in institution.measures}
    found.update((m.code, m) for m in report.measures)
    return found


#: What a template's '::: arabic' list becomes, by the institution's item numbering.
_ARABIC: Final = {
    "1.": EnumerationStyle.ARABIC,
    "1、": EnumerationStyle.ARABIC_DUN,
    "（1）": EnumerationStyle.PAREN_ARABIC,
}
_ATTRIBUTE_RE: Final = re.compile(r"^(.*) has no attribute '(.*)'$")
_UNDEFINED_RE: Final = re.compile(r"^'(.*)' is undefined$")


def _runtime_error(name: str, exc: Exception, env: jinja2.Environment) -> TemplateError:
    """A render-time failure as a :class:`TemplateError` naming template, line and fix."""
    found = where_raised(exc)
    where = f"template {found[0]!r}, line {found[1]}" if found else f"template {name!r}"
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, jinja2.UndefinedError):
        undefined = _UNDEFINED_RE.match(message)
        attribute = _ATTRIBUTE_RE.match(message)
        if undefined:
            known = set(env.globals) | CONTEXT_NAMES
            hint = name_hint(env, undefined.group(1), known)
        elif attribute and ("dict" in attribute.group(1) or "mapping" in attribute.group(1)):
            hint = (
                f"guard it with {{% if … is defined %}}; for a narrative input, declare "
                f"{attribute.group(2)!r} in the institution's narrative_inputs (an optional "
                "input missing from the data renders as absent)"
            )
        elif attribute:
            hint = "check the spelling; 'epireport plugins --template-api' lists what exists"
        else:
            hint = "guard it with {% if … is defined %}"
        return TemplateError(f"{where}: {message}; {hint}")
    if isinstance(exc, jinja2.TemplateError):
        return TemplateError(f"{where}: {type(exc).__name__}: {message}")
    hint = ""
    if "None" in message:
        hint = (
            "; value(…) is none for a figure the data lacks: guard it with {% if has(…) %} "
            "or write the figure with figure(…)"
        )
    return TemplateError(f"{where}: {message}{hint}")


def render_markup(
    report: ReportInput,
    institution: Institution,
    facts: Any,
    plugins: Plugins,
    *,
    draft: bool = False,
    template: str | PurePath | None = None,
    sandboxed: bool | None = None,
    placeholder: str = DEFAULT_PLACEHOLDER,
) -> tuple[str, RenderState]:
    """Render the template to its markup, returning it with the render state (facts used).

    :func:`compose` parses the result; this half is exposed for debugging templates and for
    the benchmark.
    """
    text, state, _, _ = _render(
        report,
        institution,
        facts,
        plugins,
        draft=draft,
        template=template,
        sandboxed=sandboxed,
        placeholder=placeholder,
    )
    return text, state


def _render(
    report: ReportInput,
    institution: Institution,
    facts: Any,
    plugins: Plugins,
    *,
    draft: bool,
    template: str | PurePath | None,
    sandboxed: bool | None,
    placeholder: str,
) -> tuple[str, RenderState, EnvironmentEntry, str]:
    if isinstance(template, PurePath):
        name, entry = file_environment(plugins, institution, Path(template))
        check_template_references(entry, institution, name)
        if sandboxed is None:
            sandboxed = sandbox_needed(plugins, entry, name)
        if sandboxed:
            name, entry = file_environment(plugins, institution, Path(template), sandboxed=True)
    else:
        name = template or institution.template
        entry = environment_for(plugins, institution)
        check_template_references(entry, institution, name)
        if sandboxed is None:
            sandboxed = sandbox_needed(plugins, entry, name)
        if sandboxed:
            entry = environment_for(plugins, institution, sandboxed=True)
    measures = _measures(report, institution)
    # Kept with the fact set: its figures are looked up and written once (prepared facts).
    found, written = prepared_tables(facts, report.unit, report.period)
    state = RenderState(
        institution=institution,
        facts=facts,
        unit=report.unit,
        period=report.period,
        draft=draft,
        placeholder=placeholder,
        report_id=f"{institution.code}/{report.unit}/{report.period}",
        measures=measures,
        # Per institution, not per report: worked out once for the cached environment.
        indicators=entry.indicators,
        writers=entry.writers,
        found=found,
        written=written,
    )
    context = {
        "report": report,
        "institution": institution,
        "unit": clean_input(_unit_name(report) or report.display_name),
        "unit_code": report.unit,
        "period": report.period,
        "period_label": report.period.label(),
        "facts": facts,
        "measures": measures,
        "narrative": _narrative(report, institution, draft, placeholder),
        "draft": draft,
    }
    try:
        compiled = entry.env.get_template(name)
        # rendering(state), without a generator-based context manager's cost per report.
        token = _STATE.set(state)
        try:
            text = compiled.render(context)
        finally:
            _STATE.reset(token)
    except (RenderError, TemplateError):
        raise
    except Exception as exc:
        # A template bug (a filter applied to the wrong type, a helper given None) is the
        # template's error, at the line it happened.
        raise _runtime_error(name, exc, entry.env) from exc
    return text, state, entry, name


def compose(
    report: ReportInput,
    institution: Institution,
    facts: Any,
    plugins: Plugins,
    *,
    draft: bool = False,
    template: str | PurePath | None = None,
    sandboxed: bool | None = None,
    placeholder: str = DEFAULT_PLACEHOLDER,
) -> Document:
    """Write the report of *report* for *institution* from *facts* as a document tree.

    *template* defaults to the institution's main template; a name is looked up in *plugins*'
    template sources by their precedence, a path (:class:`pathlib.Path`) is a template file
    read from disk, whose ``{% extends %}`` and includes reach the sources by name. Its
    references are checked against the institution first (a misspelled indicator code is a
    :class:`TemplateError` naming template, line and code). In draft mode missing figures
    are written as *placeholder*; in final mode a missing required figure raises
    :class:`~epireport.exceptions.MissingFigureError`. ``sandboxed`` forces or forbids the
    sandbox; by default it is used when any template involved comes from a sandboxed source.
    """
    text, state, entry, name = _render(
        report,
        institution,
        facts,
        plugins,
        draft=draft,
        template=template,
        sandboxed=sandboxed,
        placeholder=placeholder,
    )
    unit = _unit_name(report) or report.display_name
    meta = Meta._build(institution.code, unit, str(report.period), draft)
    # Through the compiled plan of the markup's shape where there is one (same document).
    document = entry.shapes.compose(
        name,
        text,
        state.refs,
        meta,
        default_title(report, institution),
        heading_locator(entry.env, name),
        _ARABIC[institution.item_numbering],
    )
    if report.title is None:
        # No title at all (title: "" in the input), even where the template writes one.
        document = attrs.evolve(document, title=None)
    return document
