"""epireport: narrative Chinese work summaries (工作总结) from epidemic-prevention data.

The public API lives here; everything else is an implementation detail in ``_``-prefixed
modules. Plugin authors import from :mod:`epireport.plugin` (or :data:`hookimpl` from this
package) and nothing from pluggy.
"""

from epireport._lazy import lazy_reexports

# The public API, declared once: these statements are what type checkers read, and at run time
# they only record where each name lives. ``__all__`` and the PEP 562 ``__getattr__`` come from
# them, so each name loads on first use: ``import epireport`` (and the pytest plugin that comes
# with it) stays cheap, and ``from epireport import hookimpl`` pays only for pluggy.
with lazy_reexports(globals()):
    # isort would split each 'name as name' into a statement of its own: sorted by hand instead.
    from epireport._each import EachResult as EachResult, render_each as render_each  # noqa: I001
    from epireport._markers import hookimpl as hookimpl
    from epireport._pipeline import (
        Rendered as Rendered,
        build_document as build_document,
        demo_input as demo_input,
        example_input as example_input,
        input_from_store as input_from_store,
        load_input as load_input,
        render_report as render_report,
        skeleton_input as skeleton_input,
    )
    from epireport._plugins import (
        PluginDescription as PluginDescription,
        PluginKind as PluginKind,
        PluginOrigin as PluginOrigin,
        Plugins as Plugins,
        make_plugin_manager as make_plugin_manager,
    )
    from epireport._version import __version__ as __version__
    from epireport.aggregate import (
        Importance as Importance,
        MissingStrategy as MissingStrategy,
        Operator as Operator,
        ValidationRule as ValidationRule,
    )
    from epireport.document import Document as Document
    from epireport.exceptions import (
        EpireportError as EpireportError,
        EpireportPluginWarning as EpireportPluginWarning,
        InputError as InputError,
        MissingFigureError as MissingFigureError,
        ModelError as ModelError,
        PluginError as PluginError,
        Problem as Problem,
        RenderError as RenderError,
        TemplateError as TemplateError,
        UsageError as UsageError,
    )
    from epireport.facts import (
        Fact as Fact,
        FactSet as FactSet,
        compute_facts as compute_facts,
    )
    from epireport.io import (
        InputLoader as InputLoader,
        dump_report as dump_report,
        dumps_report as dumps_report,
        load_report as load_report,
        loads_report as loads_report,
    )
    from epireport.lint import (
        LintRule as LintRule,
        Severity as Severity,
    )
    from epireport.model import (
        Aggregation as Aggregation,
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
    from epireport.narrative import TemplateSource as TemplateSource
    from epireport.render import ReportFormat as ReportFormat
