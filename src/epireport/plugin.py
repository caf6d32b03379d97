"""Everything a plugin module imports: the :data:`hookimpl` marker and the records hooks return.

A plugin needs nothing else from epireport, and nothing from pluggy::

    from epireport.plugin import IndicatorSet, Indicator, Institution, hookimpl

    @hookimpl
    def epireport_register_indicator_sets():
        return [IndicatorSet(code="screening", title="排查", indicators=(...))]

What is here, by the hook that returns it (see :mod:`epireport.hookspecs`):

- ``epireport_register_institutions``: :class:`Institution`, :class:`NarrativeInput`,
  :class:`NarrativeKind`, and the measure catalogue's :class:`Measure`, :class:`Frequency`,
  :class:`FrequencyUnit`;
- ``epireport_register_indicator_sets``: :class:`IndicatorSet`, :class:`Indicator`,
  :class:`Category`, :class:`CategoryOption`,
  :class:`IndicatorSection`, :class:`IndicatorKind`, :class:`ValueType`,
  :class:`Aggregation`, :class:`NumberStyle`, :class:`ZeroPolicy`;
- ``epireport_register_stages``: :class:`Period` (and :class:`PeriodType`);
- ``epireport_register_input_loaders``: :class:`InputLoader`, the :class:`LoadContext` its
  function receives, and what it returns: :class:`ReportInput`, :class:`OrgTree`,
  :class:`OrgUnit`, :class:`DataValue`, :class:`ValueStatus`;
- ``epireport_register_templates``: :class:`TemplateSource`;
- ``epireport_prepare_environment``: :func:`render_mode` (a :class:`RenderMode`), for template
  helpers that write a draft's placeholder;
- ``epireport_register_formats``: :class:`ReportFormat`;
- ``epireport_register_validation_rules``: :class:`ValidationRule`, :class:`Importance`,
  :class:`MissingStrategy`, :class:`Operator`;
- ``epireport_register_lint_rules``: :class:`LintRule`, :class:`Severity`, and what its check
  reads and yields: :class:`LintDocument`, :class:`Hit`, :class:`Finding`.

Cost
----
``import epireport.plugin`` imports nothing but this module's package, and ``hookimpl`` costs
pluggy (``benchmarks/bench_startup.py`` holds it to at most twice ``import pluggy``). Each record
type loads its module on first use (PEP 562): the model's records cost attrs and
:mod:`epireport.model`; :class:`InputLoader` and :class:`LoadContext` load :mod:`epireport.io`
and with it cattrs. Jinja2 is imported when templates are loaded, not when a
:class:`TemplateSource` is built.
"""

from epireport._lazy import lazy_reexports

# Declared once: type checkers read these imports; at run time they record where each name lives
# and become __all__ and the lazy __getattr__ (see epireport._lazy).
with lazy_reexports(globals()):
    # isort would split each 'name as name' into a statement of its own: sorted by hand instead.
    from epireport._markers import hookimpl as hookimpl  # noqa: I001
    from epireport.aggregate import (
        Importance as Importance,
        MissingStrategy as MissingStrategy,
        Operator as Operator,
        ValidationRule as ValidationRule,
    )
    from epireport.io import InputLoader as InputLoader
    from epireport.io._loaders import LoadContext as LoadContext
    from epireport.lint import (
        Finding as Finding,
        Hit as Hit,
        LintDocument as LintDocument,
        LintRule as LintRule,
        Severity as Severity,
    )
    from epireport.model import (
        Aggregation as Aggregation,
        Category as Category,
        CategoryOption as CategoryOption,
        DataValue as DataValue,
        Frequency as Frequency,
        FrequencyUnit as FrequencyUnit,
        Indicator as Indicator,
        IndicatorKind as IndicatorKind,
        IndicatorSection as IndicatorSection,
        IndicatorSet as IndicatorSet,
        Institution as Institution,
        Measure as Measure,
        NarrativeInput as NarrativeInput,
        NarrativeKind as NarrativeKind,
        NumberStyle as NumberStyle,
        OrgTree as OrgTree,
        OrgUnit as OrgUnit,
        Period as Period,
        PeriodType as PeriodType,
        ReportInput as ReportInput,
        ValueStatus as ValueStatus,
        ValueType as ValueType,
        ZeroPolicy as ZeroPolicy,
    )
    from epireport.narrative import (
        RenderMode as RenderMode,
        TemplateSource as TemplateSource,
        render_mode as render_mode,
    )
    from epireport.render import ReportFormat as ReportFormat
