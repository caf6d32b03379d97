"""Every hook epireport calls, grouped by the phase that calls it.

Plugins implement these functions, marked with :data:`epireport.hookimpl`, in a module named
by an entry point in the ``epireport`` group (see :class:`epireport.Plugins`). Three verb
families tell how results combine:

- ``epireport_register_*`` contribute records. **All results are collected**; a record's name
  must be unique across plugins, and two plugins registering the same name is an error naming
  both.
- ``epireport_prepare_*`` adjust a host object in place. **Every implementation is called**;
  return values are ignored.
- ``epireport_select_*`` choose one thing. **Stops at the first non-None result**; the built-in
  fallback is ``trylast``, so any plugin can take over.

Every docstring has the same four sections: ``Called:`` (when), ``Returns:`` (what one
implementation returns), ``Results:`` (how results combine, in one of the three fixed
sentences above) and ``Example:``. A test keeps it that way.

Implementations name only the arguments they use, never with default values and never with
``**kwargs``: epireport always passes every argument by name, and such implementations are
rejected when the plugin is registered. A plugin written for a newer epireport can mark a hook
it implements ``@hookimpl(optionalhook=True)`` so that older versions ignore it instead of
refusing the plugin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from epireport._markers import hookspec

if TYPE_CHECKING:
    import jinja2

    from epireport.aggregate._rules import ValidationRule
    from epireport.io._loaders import InputLoader
    from epireport.lint._rules import LintRule
    from epireport.model._indicators import IndicatorSet
    from epireport.model._institution import Institution
    from epireport.model._periods import Period
    from epireport.narrative._templates import TemplateSource
    from epireport.render._formats import ReportFormat

__all__ = [
    "epireport_prepare_environment",
    "epireport_register_formats",
    "epireport_register_indicator_sets",
    "epireport_register_input_loaders",
    "epireport_register_institutions",
    "epireport_register_lint_rules",
    "epireport_register_stages",
    "epireport_register_templates",
    "epireport_register_validation_rules",
    "epireport_select_input_loader",
    "hookspec",
]


# --------------------------------------------------------------------------------------------
# Registration: what exists. Called lazily, once per plugin manager, results cached.
# --------------------------------------------------------------------------------------------


@hookspec
def epireport_register_institutions() -> Iterable[Institution]:
    """Register institutions: the reporting bodies epireport can write summaries for.

    Called:
        The first time anything asks for institutions (``epireport plugins``, loading or
        rendering a report), once per plugin manager; the result is cached.

    Returns:
        An iterable of :class:`~epireport.model.Institution` records. An institution bundles
        its indicator sets, its measure catalogue, the name of its main template, its declared
        narrative inputs and a packaged example input.

    Results:
        All results are collected. Institution names are unique across plugins: two plugins
        registering the same name is a ``PluginError`` naming both.

    Example:
        @hookimpl
        def epireport_register_institutions():
            return [Institution(code="district-publicity", title="区委宣传部",
                                indicator_sets=[PUBLICITY])]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_indicator_sets() -> Iterable[IndicatorSet]:
    """Register indicator sets that exist on their own, for institutions of any plugin to use.

    Called:
        The first time anything asks for indicator sets, once per plugin manager.

    Returns:
        An iterable of :class:`~epireport.model.IndicatorSet` records. Sets bundled in an
        institution need not be registered again; registering the same set both ways is fine.

    Results:
        All results are collected. Set names are unique across plugins: two plugins
        registering different sets under one name is a ``PluginError`` naming both.

    Example:
        @hookimpl
        def epireport_register_indicator_sets():
            return [IndicatorSet(code="publicity", title="社会宣传",
                                 indicators=[Indicator(code="billboards", name="户外广告牌",
                                                       classifier="块")])]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_stages() -> Iterable[Period]:
    """Register named stages (阶段) that input files may name instead of spelling out dates.

    Called:
        The first time an input is loaded or a ``--period`` is read, once per plugin manager.

    Returns:
        An iterable of :class:`~epireport.model.Period` values of type ``STAGE``, each with
        its name and dates, e.g. ``第一阶段:2020-01-23/2020-02-29``. Period *types* themselves
        (day, week, 旬, month ...) are fixed; stages are the kind plugins can add. Wherever a
        period is read (a report input's ``period``, a value's period, ``--period`` of
        ``render --db``, ``form`` and ``export``), the bare name ``第一阶段`` then means it.

    Results:
        All results are collected. Stage names are unique across plugins.

    Example:
        @hookimpl
        def epireport_register_stages():
            return [Period.parse("第一阶段:2020-01-23/2020-02-29")]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_input_loaders() -> Iterable[InputLoader]:
    """Register input loaders: readers of every input (report files, forms, CSV, DHIS2 ...).

    Called:
        The first time an input file is loaded or loaders are listed, once per plugin manager.
        ``render``, ``check``, ``ingest`` and the API (:meth:`epireport.Plugins.load`) all read
        files through the loaders, so a loader registered here works in each of them.

    Returns:
        An iterable of :class:`~epireport.io.InputLoader` records, each naming the file
        suffixes it reads and a ``load(path, context)`` function that returns a
        ``ReportInput`` (usable everywhere) or a ``Batch`` of data values (for ``ingest``);
        ``context`` (:class:`~epireport.plugin.LoadContext`) carries the institution to check
        against, or ``context.resolve(name)`` for the one the file names.

    Results:
        All results are collected. Loader names are unique across plugins; which loader reads
        a given file is decided by :func:`epireport_select_input_loader`.

    Example:
        @hookimpl
        def epireport_register_input_loaders():
            return [InputLoader(code="daily-form", suffixes=[".xlsx"], load=read_daily_form)]

        def read_daily_form(path, context):
            data = parse_my_workbook(path)  # -> a mapping in the report input schema
            institution = context.resolve(data["institution"])
            return epireport.load_report(data, institution=institution, name=context.name)

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_templates() -> Iterable[TemplateSource]:
    """Register template sources: packages or directories of Jinja2 templates, or loaders.

    Called:
        The first time the template environment is built, once per plugin manager.

    Returns:
        An iterable of :class:`~epireport.narrative.TemplateSource` records. Higher
        ``priority`` wins; ties go to the plugin loaded later; ``<source name>::<template>``
        always reaches one source, so an override can extend the template it replaces.

    Results:
        All results are collected. Source names are unique across plugins.

    Example:
        @hookimpl
        def epireport_register_templates():
            return [TemplateSource("district-publicity",
                               package="epireport_district_publicity")]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_formats() -> Iterable[ReportFormat]:
    """Register report formats: the renderers ``--format`` can choose.

    Called:
        The first time anything asks for formats (rendering, ``epireport plugins``), once per
        plugin manager.

    Returns:
        An iterable of :class:`~epireport.render.ReportFormat` records, each with a name,
        file suffix, media type and a ``render(document, options)`` function.

    Results:
        All results are collected. Format names are unique across plugins: two plugins
        registering the same name is a ``PluginError`` naming both.

    Example:
        @hookimpl
        def epireport_register_formats():
            return [ReportFormat(code="wechat", title="微信推文", suffix=".txt",
                                 media_type="text/plain", binary=False, render=render_wechat)]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_validation_rules(institution: Institution) -> Iterable[ValidationRule]:
    """Register validation rules (其中 ≤ 总数, rates ≤ 100%) for one institution's data.

    Called:
        Before a report of *institution* is checked or rendered, once per institution and
        plugin manager.

    Returns:
        An iterable of :class:`~epireport.aggregate.ValidationRule` records for the
        institution. A rule whose ``institution`` field names another institution is dropped,
        so a plugin may also return all its rules and let the field decide.

    Results:
        All results are collected. Rule names are unique per institution across plugins.

    Example:
        @hookimpl
        def epireport_register_validation_rules(institution):
            if institution.name != "education-bureau":
                return []
            return [ValidationRule(code="fever-within-screened", left="fever",
                                   operator="<=", right="screened")]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


@hookspec
def epireport_register_lint_rules() -> Iterable[LintRule]:
    """Register lint rules: checks over a written report's prose and figures.

    Called:
        The first time a report is linted or the rules are listed, once per plugin manager.

    Returns:
        An iterable of :class:`~epireport.lint.LintRule` records, each with an id, a severity
        and a ``check(report)`` function yielding findings.

    Results:
        All results are collected. Rule ids are unique across plugins.

    Example:
        @hookimpl
        def epireport_register_lint_rules():
            return [LintRule(id="doubled-unit", severity="error",
                             description="万余万 and the like", check=find_doubled_units)]

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


# --------------------------------------------------------------------------------------------
# Input: reading report input files.
# --------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def epireport_select_input_loader(path: Path, loaders: Sequence[InputLoader]) -> InputLoader | None:
    """Choose the loader that reads the input file *path*.

    Called:
        Each time an input file is loaded without naming a loader, with every registered
        loader in *loaders* (in load order).

    Returns:
        One :class:`~epireport.io.InputLoader`, usually one of *loaders*, or ``None`` to let
        other plugins decide. The built-in fallback (``trylast``) picks the first loader whose
        suffixes match the file name and whose ``sniff`` (if any) accepts the content (that is
        how a DHIS2 ``.json`` payload and a report ``.json`` file are told apart).

    Results:
        Stops at the first non-None result.

    Example:
        @hookimpl
        def epireport_select_input_loader(path, loaders):
            if path.name.startswith("日报"):
                return next(l for l in loaders if l.code == "daily-form")
            return None

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called


# --------------------------------------------------------------------------------------------
# Narrative: writing the prose.
# --------------------------------------------------------------------------------------------


@hookspec
def epireport_prepare_environment(env: jinja2.Environment, institution: Institution | None) -> None:
    """Add filters, tests and globals to the Jinja2 environment templates are rendered in.

    Called:
        Once each time a template environment is built, after epireport's own filters are in
        place, with the institution whose report is being written (``None`` when the
        environment is built for no institution in particular, e.g. to check templates).

    Returns:
        Nothing: the implementation changes *env* in place (``env.filters``, ``env.tests``,
        ``env.globals``). It must not replace the loader.

    Results:
        Every implementation is called; return values are ignored. Later plugins run after
        earlier ones and may replace what those added.

    Example:
        @hookimpl
        def epireport_prepare_environment(env, institution):
            env.filters["户"] = lambda n: f"{n}户"

    """
    raise NotImplementedError  # pragma: no cover - a specification, never called
