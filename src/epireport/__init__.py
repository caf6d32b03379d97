"""epireport: narrative Chinese work summaries (工作总结) from epidemic-prevention data.

The public API lives here; everything else is an implementation detail in ``_``-prefixed
modules. Plugin authors import :data:`hookimpl` from this package and nothing from pluggy.
"""

from epireport._pipeline import (
    Rendered,
    build_document,
    demo_input,
    example_input,
    input_from_store,
    load_input,
    render_report,
    skeleton_input,
)
from epireport._plugins import (
    PluginDescription,
    PluginKind,
    PluginOrigin,
    Plugins,
    hookimpl,
    make_plugin_manager,
)
from epireport._version import __version__
from epireport.aggregate._rules import Importance, MissingStrategy, Operator, ValidationRule
from epireport.document import Document
from epireport.exceptions import (
    EpireportError,
    EpireportPluginWarning,
    InputError,
    MissingFigureError,
    ModelError,
    PluginError,
    Problem,
    RenderError,
    TemplateError,
    UsageError,
)
from epireport.facts import Fact, FactSet, compute_facts
from epireport.io import dump_report, dumps_report, load_report, loads_report
from epireport.io._loaders import InputLoader
from epireport.lint._rules import LintRule, Severity
from epireport.model import (
    Aggregation,
    DataValue,
    Frequency,
    FrequencyUnit,
    Indicator,
    IndicatorKind,
    IndicatorSection,
    IndicatorSet,
    Institution,
    Measure,
    NarrativeInput,
    NarrativeKind,
    NumberStyle,
    OrgTree,
    OrgUnit,
    Period,
    PeriodType,
    ReportInput,
    ValueStatus,
    ValueType,
    ZeroPolicy,
)
from epireport.narrative._templates import TemplateSource
from epireport.render._formats import ReportFormat

__all__ = [
    "Aggregation",
    "DataValue",
    "Document",
    "EpireportError",
    "EpireportPluginWarning",
    "Fact",
    "FactSet",
    "Frequency",
    "FrequencyUnit",
    "Importance",
    "Indicator",
    "IndicatorKind",
    "IndicatorSection",
    "IndicatorSet",
    "InputError",
    "InputLoader",
    "Institution",
    "LintRule",
    "Measure",
    "MissingFigureError",
    "MissingStrategy",
    "ModelError",
    "NarrativeInput",
    "NarrativeKind",
    "NumberStyle",
    "Operator",
    "OrgTree",
    "OrgUnit",
    "Period",
    "PeriodType",
    "PluginDescription",
    "PluginError",
    "PluginKind",
    "PluginOrigin",
    "Plugins",
    "Problem",
    "RenderError",
    "Rendered",
    "ReportFormat",
    "ReportInput",
    "Severity",
    "TemplateError",
    "TemplateSource",
    "UsageError",
    "ValidationRule",
    "ValueStatus",
    "ValueType",
    "ZeroPolicy",
    "__version__",
    "build_document",
    "compute_facts",
    "demo_input",
    "dump_report",
    "dumps_report",
    "example_input",
    "hookimpl",
    "input_from_store",
    "load_input",
    "load_report",
    "loads_report",
    "make_plugin_manager",
    "render_report",
    "skeleton_input",
]
