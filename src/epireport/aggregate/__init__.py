"""Aggregation across org units and time, completeness, comparisons and validation rules.

One engine-independent plan (:class:`AggregationPlan`) says what to compute; the pure-Python
engine here is the reference semantics that columnar engines must match.
"""

from typing import TYPE_CHECKING

from epireport._lazy import lazy_exports

if TYPE_CHECKING:
    from epireport.aggregate._compare import (
        Change,
        ChangeKind,
        Rank,
        compare,
        rank,
    )
    from epireport.aggregate._completeness import (
        Completeness,
        CompletenessSummary,
        ReportingCalendar,
        ReportStatus,
        completeness,
        coverage_phrase,
    )
    from epireport.aggregate._engine import (
        PythonEngine,
        aggregate,
    )
    from epireport.aggregate._expr import (
        Expression,
        parse_expression,
    )
    from epireport.aggregate._plan import (
        AggregationPlan,
        IndicatorPlan,
        Target,
        make_plan,
    )
    from epireport.aggregate._results import (
        Aggregate,
        AggregateSet,
        AggregateStatus,
        Coverage,
    )
    from epireport.aggregate._rules import (
        Importance,
        MissingStrategy,
        Operator,
        ValidationRule,
    )
    from epireport.aggregate._validate import (
        Violation,
        builtin_rules,
        check_rules,
        evaluate_rule,
        validate,
    )

__all__ = [
    "Aggregate",
    "AggregateSet",
    "AggregateStatus",
    "AggregationPlan",
    "Change",
    "ChangeKind",
    "Completeness",
    "CompletenessSummary",
    "Coverage",
    "Expression",
    "Importance",
    "IndicatorPlan",
    "MissingStrategy",
    "Operator",
    "PythonEngine",
    "Rank",
    "ReportStatus",
    "ReportingCalendar",
    "Target",
    "ValidationRule",
    "Violation",
    "aggregate",
    "builtin_rules",
    "check_rules",
    "compare",
    "completeness",
    "coverage_phrase",
    "evaluate_rule",
    "make_plan",
    "parse_expression",
    "rank",
    "validate",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Aggregate": "epireport.aggregate._results",
        "AggregateSet": "epireport.aggregate._results",
        "AggregateStatus": "epireport.aggregate._results",
        "AggregationPlan": "epireport.aggregate._plan",
        "Change": "epireport.aggregate._compare",
        "ChangeKind": "epireport.aggregate._compare",
        "Completeness": "epireport.aggregate._completeness",
        "CompletenessSummary": "epireport.aggregate._completeness",
        "Coverage": "epireport.aggregate._results",
        "Expression": "epireport.aggregate._expr",
        "Importance": "epireport.aggregate._rules",
        "IndicatorPlan": "epireport.aggregate._plan",
        "MissingStrategy": "epireport.aggregate._rules",
        "Operator": "epireport.aggregate._rules",
        "PythonEngine": "epireport.aggregate._engine",
        "Rank": "epireport.aggregate._compare",
        "ReportStatus": "epireport.aggregate._completeness",
        "ReportingCalendar": "epireport.aggregate._completeness",
        "Target": "epireport.aggregate._plan",
        "ValidationRule": "epireport.aggregate._rules",
        "Violation": "epireport.aggregate._validate",
        "aggregate": "epireport.aggregate._engine",
        "builtin_rules": "epireport.aggregate._validate",
        "check_rules": "epireport.aggregate._validate",
        "compare": "epireport.aggregate._compare",
        "completeness": "epireport.aggregate._completeness",
        "coverage_phrase": "epireport.aggregate._completeness",
        "evaluate_rule": "epireport.aggregate._validate",
        "make_plan": "epireport.aggregate._plan",
        "parse_expression": "epireport.aggregate._expr",
        "rank": "epireport.aggregate._compare",
        "validate": "epireport.aggregate._validate",
    },
)
