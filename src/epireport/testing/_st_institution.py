"""Hypothesis strategies for whole report inputs of a registered institution.

:func:`institution_inputs` answers "a valid input for the property company": an input that
loads, passes the institution's validation rules and renders in final mode. It starts from the
institution's packaged example (its tree, measures and narrative are what its template is
written for) and varies the data: a sub-range of the example's days, every reported count
jittered, some values turned into zero-reports (零报告), some whole reports missing or never
sent (gaps), optional narrative inputs left out and flags flipped.

Why start from the example rather than from nothing: a template requires the figures it
writes, and only the plugin knows which ones. The example is the plugin's own statement of an
input its template accepts, so every figure it has data for keeps at least one submitted value
here (a figure that is missing in final mode raises
:class:`~epireport.exceptions.MissingFigureError`, by design).

Rules stay satisfied by construction (see :func:`epireport.testing._examples.vary_input`):
no generated input breaks one of the institution's validation rules.

The same variation drives :func:`epireport.testing.example_report`, from a seeded
:class:`random.Random` instead of Hypothesis.
"""

from __future__ import annotations

import functools
import random
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from epireport.model._institution import Institution
from epireport.model._report import ReportInput
from epireport.testing._examples import (
    Variation,
    example_days,
    flag_narrative,
    optional_narrative,
    vary_input,
)

if TYPE_CHECKING:
    from epireport._plugins import Plugins

__all__ = ["institution_inputs"]


@functools.lru_cache(maxsize=16)
def _example(plugins: Plugins, name: str) -> tuple[Institution, ReportInput, tuple[Any, ...]]:
    # Loading the example and collecting the rules takes milliseconds; a strategy draws many
    # inputs, so do it once per (plugins, institution). Plugins objects hash by identity.
    from epireport._pipeline import example_input

    institution = plugins.institution(name)
    report = example_input(institution, plugins=plugins)
    return institution, report, plugins.validation_rules(institution)


def _rates() -> st.SearchStrategy[float]:
    # A few fixed rates shrink better than arbitrary floats and cover "never", "rare", "often".
    return st.sampled_from((0.0, 0.02, 0.1, 0.3))


@st.composite
def _variations(
    draw: st.DrawFn, report: ReportInput, institution: Institution, min_days: int
) -> Variation:
    days = len(example_days(report))
    spare = max(days - max(min_days, 1), 0)
    head = draw(st.integers(0, spare))
    tail = draw(st.integers(0, spare - head))
    optional = optional_narrative(report, institution)
    flags = flag_narrative(report, institution)
    return Variation(
        drop_head=head,
        drop_tail=tail,
        gap_rate=draw(_rates()),
        missing_rate=draw(_rates()),
        zero_rate=draw(_rates()),
        spread=draw(st.sampled_from((0.0, 0.1, 0.5, 1.0))),
        drop_narrative=frozenset(draw(st.sets(st.sampled_from(optional))))
        if optional
        else frozenset(),
        flip_flags=frozenset(draw(st.sets(st.sampled_from(flags)))) if flags else frozenset(),
    )


def institution_inputs(
    name: str, plugins: Plugins | None = None, *, min_days: int = 1
) -> st.SearchStrategy[ReportInput]:
    """Draw valid report inputs for the registered institution *name*.

    Each input renders in final mode with *plugins* (by default the installed plugins, built
    once when the strategy is made) and breaks none of the institution's validation rules. The
    data are the example's, varied: a sub-range of at least *min_days* of its days, counts
    jittered by up to ±100%, zero-reports, missing reports and gaps, optional narrative inputs
    left out and flags flipped. Shrinking leads back to the example itself.

    The institution must ship an example (``Institution.example``); its example must render.
    """
    if plugins is None:
        from epireport._plugins import Plugins

        plugins = Plugins.create()
    chosen = plugins

    @st.composite
    def inputs(draw: st.DrawFn) -> ReportInput:
        institution, report, rules = _example(chosen, name)
        variation = draw(_variations(report, institution, min_days))
        # One seed drives the per-value noise: hundreds of values per input would otherwise
        # overrun Hypothesis's buffer, and the structural choices above are what shrinks.
        seed = draw(st.integers(0, 2**32 - 1))
        return vary_input(report, institution, rules, variation, random.Random(seed))

    return inputs()
