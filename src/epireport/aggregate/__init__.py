"""Aggregation across org units and time, completeness, comparisons and validation rules.

One engine-independent plan (:class:`AggregationPlan`) says what to compute; the pure-Python
engine here is the reference semantics that columnar engines must match.
"""

from typing import TYPE_CHECKING

from epireport._lazy import lazy_exports

if TYPE_CHECKING:
    from epireport.aggregate._choose import (
        ENGINE_ENV,
        PYTHON_LIMIT,
        EngineChoice,
        choose_engine,
        run_plan,
    )
    from epireport.aggregate._columns import (
        ValueTable,
        from_file,
        from_store,
        from_values,
    )
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
        completeness_of,
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
    from epireport.aggregate._ibis import (
        IbisEngine,
        delegated,
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
    "ENGINE_ENV",
    "PYTHON_LIMIT",
    "Aggregate",
    "AggregateSet",
    "AggregateStatus",
    "AggregationPlan",
    "Change",
    "ChangeKind",
    "Completeness",
    "CompletenessSummary",
    "Coverage",
    "EngineChoice",
    "Expression",
    "IbisEngine",
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
    "ValueTable",
    "Violation",
    "aggregate",
    "builtin_rules",
    "check_rules",
    "choose_engine",
    "compare",
    "completeness",
    "completeness_of",
    "coverage_phrase",
    "delegated",
    "evaluate_rule",
    "from_file",
    "from_store",
    "from_values",
    "make_plan",
    "parse_expression",
    "rank",
    "run_plan",
    "validate",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ENGINE_ENV": "epireport.aggregate._choose",
        "PYTHON_LIMIT": "epireport.aggregate._choose",
        "Aggregate": "epireport.aggregate._results",
        "AggregateSet": "epireport.aggregate._results",
        "AggregateStatus": "epireport.aggregate._results",
        "AggregationPlan": "epireport.aggregate._plan",
        "Change": "epireport.aggregate._compare",
        "ChangeKind": "epireport.aggregate._compare",
        "Completeness": "epireport.aggregate._completeness",
        "CompletenessSummary": "epireport.aggregate._completeness",
        "Coverage": "epireport.aggregate._results",
        "EngineChoice": "epireport.aggregate._choose",
        "Expression": "epireport.aggregate._expr",
        "IbisEngine": "epireport.aggregate._ibis",
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
        "ValueTable": "epireport.aggregate._columns",
        "Violation": "epireport.aggregate._validate",
        "aggregate": "epireport.aggregate._engine",
        "builtin_rules": "epireport.aggregate._validate",
        "check_rules": "epireport.aggregate._validate",
        "choose_engine": "epireport.aggregate._choose",
        "compare": "epireport.aggregate._compare",
        "completeness": "epireport.aggregate._completeness",
        "completeness_of": "epireport.aggregate._completeness",
        "coverage_phrase": "epireport.aggregate._completeness",
        "delegated": "epireport.aggregate._ibis",
        "evaluate_rule": "epireport.aggregate._validate",
        "from_file": "epireport.aggregate._columns",
        "from_store": "epireport.aggregate._columns",
        "from_values": "epireport.aggregate._columns",
        "make_plan": "epireport.aggregate._plan",
        "parse_expression": "epireport.aggregate._expr",
        "rank": "epireport.aggregate._compare",
        "run_plan": "epireport.aggregate._choose",
        "validate": "epireport.aggregate._validate",
    },
)
