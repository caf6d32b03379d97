"""Hypothesis strategies for every epireport value.

They are built explicitly (``st.builds`` and composites) so that they respect every validator;
inference from type hints would not.

Example::

    from hypothesis import given
    from epireport.testing import strategies as est

    @given(est.org_trees(), est.periods())
    def test_something(tree, period): ...

    @given(est.institution_inputs("property-company"))
    def test_renders(report): ...   # a valid input of that institution, final mode renders
"""

from epireport.testing._st_institution import institution_inputs
from epireport.testing._st_model import (
    ValueGrid,
    aggregations_for,
    categories,
    classifiers,
    codes,
    data_value_grids,
    data_values,
    frequencies,
    indicator_sets,
    indicators,
    measures,
    names,
    org_trees,
    values_for,
)
from epireport.testing._st_periods import (
    WEEK_STARTS,
    half_years,
    intervals,
    months,
    periods,
    quarters,
    stage_names,
    stages,
    ten_days,
    weeks,
)
from epireport.testing._st_periods import days as day_periods
from epireport.testing._st_periods import years as year_periods
from epireport.testing._st_report import report_inputs

__all__ = [
    "WEEK_STARTS",
    "ValueGrid",
    "aggregations_for",
    "categories",
    "classifiers",
    "codes",
    "data_value_grids",
    "data_values",
    "day_periods",
    "frequencies",
    "half_years",
    "indicator_sets",
    "indicators",
    "institution_inputs",
    "intervals",
    "measures",
    "months",
    "names",
    "org_trees",
    "periods",
    "quarters",
    "report_inputs",
    "stage_names",
    "stages",
    "ten_days",
    "values_for",
    "weeks",
    "year_periods",
]
