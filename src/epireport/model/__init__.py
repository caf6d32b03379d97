"""The domain model: org units, indicators, measures, periods, data values, institutions.

Every class is a frozen attrs class whose validators run however it is built: in code, by a
plugin, by Hypothesis or from a file.
"""

from epireport.model._indicators import (
    Aggregation,
    Category,
    CategoryOption,
    Indicator,
    IndicatorKind,
    IndicatorSection,
    IndicatorSet,
    NumberStyle,
    ValueType,
    ZeroPolicy,
    default_aggregations,
)
from epireport.model._institution import Institution, NarrativeInput, NarrativeKind
from epireport.model._measures import Frequency, FrequencyUnit, Measure
from epireport.model._periods import Period, PeriodType, parse_period
from epireport.model._report import ReportInput
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import QUALIFIERS, DataValue, Value, ValueStatus

__all__ = [
    "QUALIFIERS",
    "Aggregation",
    "Category",
    "CategoryOption",
    "DataValue",
    "Frequency",
    "FrequencyUnit",
    "Indicator",
    "IndicatorKind",
    "IndicatorSection",
    "IndicatorSet",
    "Institution",
    "Measure",
    "NarrativeInput",
    "NarrativeKind",
    "NumberStyle",
    "OrgTree",
    "OrgUnit",
    "Period",
    "PeriodType",
    "ReportInput",
    "Value",
    "ValueStatus",
    "ValueType",
    "ZeroPolicy",
    "default_aggregations",
    "parse_period",
]
