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
    the narrative inputs (document titles, meetings), cleaned of line breaks;
``draft``
    whether this is a draft.

The globals and filters are those of :mod:`epireport.narrative._environment`: ``figure``,
``count_list``, ``items``, ``has``, ``value``, ``change``, ``coverage_phrase``, ``measure``,
``variant``, ``disease_name`` and the date and number helpers.
"""

from __future__ import annotations

from typing import Any

import jinja2
import jinja2.sandbox

from epireport._plugins import Plugins
from epireport.document import Document, Meta, _has_words
from epireport.exceptions import EpireportError, TemplateError
from epireport.model._institution import Institution
from epireport.model._measures import Measure
from epireport.model._report import ReportInput
from epireport.narrative._environment import (
    EnvironmentEntry,
    check_template_references,
    environment_for,
    sandbox_needed,
)
from epireport.narrative._figures import (
    _STATE,
    DEFAULT_PLACEHOLDER,
    RenderState,
    clean_input,
    prepared_tables,
)

__all__ = ["compose", "default_title", "render_markup"]


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
    if _has_words(report.title):
        return report.title
    body = institution.title
    name = clean_input(_unit_name(report)).strip()
    if name.endswith(body):
        body = name
    elif name and name not in body:
        body = name + body
    # 工作总结 or 总结 already ends the title (……防控工作总结): not twice.
    return body if body.endswith("总结") else f"{body}工作总结"


def _measures(report: ReportInput, institution: Institution) -> dict[str, Measure]:
    found = {m.code: m for m in institution.measures}
    found.update((m.code, m) for m in report.measures)
    return found


def _template_error(name: str, exc: jinja2.TemplateError) -> TemplateError:
    line = getattr(exc, "lineno", None)
    where = f", line {line}" if line else ""
    return TemplateError(f"template {name!r}{where}: {type(exc).__name__}: {exc.message or exc}")


def render_markup(
    report: ReportInput,
    institution: Institution,
    facts: Any,
    plugins: Plugins,
    *,
    draft: bool = False,
    template: str | None = None,
    sandboxed: bool | None = None,
    placeholder: str = DEFAULT_PLACEHOLDER,
) -> tuple[str, RenderState]:
    """Render the template to its markup, returning it with the render state (facts used).

    :func:`compose` parses the result; this half is exposed for debugging templates and for
    the benchmark.
    """
    text, state, _ = _render(
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
    template: str | None,
    sandboxed: bool | None,
    placeholder: str,
) -> tuple[str, RenderState, EnvironmentEntry]:
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
        "narrative": clean_input(report.narrative),
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
    except EpireportError:
        raise
    except jinja2.TemplateError as exc:
        raise _template_error(name, exc) from exc
    except Exception as exc:
        # A template bug (a filter applied to the wrong type) is the template's error.
        raise TemplateError(f"template {name!r}: {type(exc).__name__}: {exc}") from exc
    return text, state, entry


def compose(
    report: ReportInput,
    institution: Institution,
    facts: Any,
    plugins: Plugins,
    *,
    draft: bool = False,
    template: str | None = None,
    sandboxed: bool | None = None,
    placeholder: str = DEFAULT_PLACEHOLDER,
) -> Document:
    """Write the report of *report* for *institution* from *facts* as a document tree.

    *template* defaults to the institution's main template; it is looked up in *plugins*'
    template sources by their precedence. Its references are checked against the institution
    first (a misspelled indicator code is a :class:`TemplateError` naming template, line and
    code). In draft mode missing figures are written as *placeholder*; in final mode a missing
    required figure raises :class:`~epireport.exceptions.MissingFigureError`. ``sandboxed``
    forces or forbids the sandbox; by default it is used when any template involved comes
    from a sandboxed source.
    """
    name = template or institution.template
    text, state, entry = _render(
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
    return entry.shapes.compose(name, text, state.refs, meta, default_title(report, institution))
