"""Hypothesis strategies for whole report inputs (a tree, its values, measures, narrative)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from epireport.model._periods import Period
from epireport.model._report import ReportInput
from epireport.testing._st_model import (
    data_value_grids,
    indicator_sets,
    measures,
    names,
    org_trees,
)

__all__ = ["report_inputs"]


def _narrative_values() -> st.SearchStrategy[Any]:
    return st.one_of(names(), st.lists(names(), max_size=3), st.booleans())


@st.composite
def report_inputs(draw: st.DrawFn, institution: str = "test-institution") -> ReportInput:
    """Draw a valid report input: one reporting unit at the root of a tree, daily values of 2020.

    Values cover the tree's leaves (with zero-reports, n/a, missing values and gaps), measures
    refer to the drawn indicators, narrative inputs are text, lists of text or flags. The
    report period is the year 2020, so every value lies inside it.
    """
    tree = draw(org_trees(max_units=8, max_roots=1))
    indicator_set = draw(indicator_sets(max_indicators=4))
    grid = draw(data_value_grids(tree=tree, indicator_set=indicator_set))
    codes = [i.code for i in indicator_set]
    drawn_measures = draw(
        st.lists(measures(indicator_codes=codes), max_size=3, unique_by=lambda m: m.code)
    )
    narrative = draw(
        st.dictionaries(
            st.sampled_from(["plans", "leader", "meetings", "held"]),
            _narrative_values(),
            max_size=3,
        )
    )
    return ReportInput(
        institution=institution,
        unit=tree.roots[0].code,
        period=Period.year(2020),
        tree=tree,
        values=grid.values,
        measures=tuple(drawn_measures),
        narrative=narrative,
    )
