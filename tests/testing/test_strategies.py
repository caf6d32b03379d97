"""institution_inputs and the variation behind it: valid inputs of a registered institution."""

import random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import epireport
from epireport.exceptions import ModelError, UsageError
from epireport.facts import compute_facts
from epireport.io import dump_report, load_report
from epireport.model._values import DataValue, ValueStatus
from epireport.testing import strategies as est
from epireport.testing._examples import Variation, example_days, vary_input

REFERENCE = ["district-publicity", "education-bureau", "property-company"]


@pytest.fixture(scope="module")
def plugins() -> epireport.Plugins:
    """The installed plugins, strictly loaded."""
    return epireport.Plugins.create(strict=True)


def _submitted(values: tuple[DataValue, ...]) -> set[str]:
    return {v.indicator for v in values if v.status.is_submitted}


def test_institution_inputs_is_exported() -> None:
    """The strategy is part of epireport.testing.strategies."""
    assert est.institution_inputs is not None
    assert "institution_inputs" in est.__all__


@pytest.mark.parametrize("institution", REFERENCE)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_drawn_inputs_are_valid_inputs_of_the_institution(
    institution: str, plugins: epireport.Plugins, data: st.DataObject
) -> None:
    """A drawn input loads back equal against its institution and keeps every rule."""
    inst = plugins.institution(institution)
    report = data.draw(est.institution_inputs(institution, plugins))
    assert report.institution == institution
    assert load_report(dump_report(report), institution=inst) == report
    facts = compute_facts(report, inst, rules=plugins.validation_rules(inst))
    assert facts.violations == ()


@pytest.mark.parametrize("institution", REFERENCE)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_drawn_inputs_stay_inside_the_example(
    institution: str, plugins: epireport.Plugins, data: st.DataObject
) -> None:
    """The period is a sub-range of the example's; every figure the example has keeps a value."""
    example = epireport.example_input(institution, plugins=plugins)
    report = data.draw(est.institution_inputs(institution, plugins))
    assert example.period.start <= report.period.start
    assert report.period.end <= example.period.end
    assert report.tree == example.tree
    assert report.measures == example.measures
    assert all(report.period.contains(v.period) for v in report.values)
    assert _submitted(report.values) == _submitted(example.values)
    assert set(report.narrative) <= set(example.narrative)


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_min_days_is_respected(plugins: epireport.Plugins, data: st.DataObject) -> None:
    """With min_days, the drawn report period covers at least that many days of data."""
    report = data.draw(est.institution_inputs("property-company", plugins, min_days=10))
    assert len(example_days(report)) >= 10


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_unknown_institution_is_a_usage_error(
    plugins: epireport.Plugins, data: st.DataObject
) -> None:
    """Drawing for an institution nobody registered raises UsageError naming the known ones."""
    with pytest.raises(UsageError, match="property-company"):
        data.draw(est.institution_inputs("no-such-institution", plugins))


def test_no_variation_is_the_example(plugins: epireport.Plugins) -> None:
    """Variation() leaves the example as it is, whatever the random state."""
    inst = plugins.institution("district-publicity")
    example = epireport.example_input(inst, plugins=plugins)
    rules = plugins.validation_rules(inst)
    assert vary_input(example, inst, rules, Variation(), random.Random(5)) == example


@pytest.mark.parametrize("institution", REFERENCE)
def test_every_report_lost_still_leaves_every_figure(
    institution: str, plugins: epireport.Plugins
) -> None:
    """Even when every report is a gap, each indicator keeps one report: no figure goes missing."""
    inst = plugins.institution(institution)
    example = epireport.example_input(inst, plugins=plugins)
    rules = plugins.validation_rules(inst)
    varied = vary_input(example, inst, rules, Variation(gap_rate=1.0), random.Random(0))
    assert _submitted(varied.values) == _submitted(example.values)
    assert len(varied.values) < len(example.values)
    epireport.render_report(varied, plugins=plugins)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_heavy_jitter_never_breaks_a_rule(plugins: epireport.Plugins, seed: int) -> None:
    """Counts jittered by ±100% and zeroed often still satisfy every rule, report by report."""
    inst = plugins.institution("property-company")
    example = epireport.example_input(inst, plugins=plugins)
    rules = plugins.validation_rules(inst)
    variation = Variation(spread=1.0, zero_rate=0.3)
    varied = vary_input(example, inst, rules, variation, random.Random(seed))
    assert varied.values != example.values
    facts = compute_facts(varied, inst, rules=rules)
    assert facts.violations == ()


def test_whole_reports_go_missing_together(plugins: epireport.Plugins) -> None:
    """A missing report marks every value of that unit and day missing, not single values."""
    inst = plugins.institution("property-company")
    example = epireport.example_input(inst, plugins=plugins)
    varied = vary_input(example, inst, (), Variation(missing_rate=0.5), random.Random(1))
    by_record: dict[tuple[str, object], set[ValueStatus]] = {}
    for value in varied.values:
        by_record.setdefault((value.unit, value.period), set()).add(value.status)
    missing_records = [s for s in by_record.values() if ValueStatus.MISSING in s]
    assert missing_records
    # The example's own missing rows are single values; a varied one covers the whole report.
    assert sum(s == {ValueStatus.MISSING} for s in missing_records) > len(missing_records) // 2


def test_flags_flip_and_optional_inputs_drop(plugins: epireport.Plugins) -> None:
    """Flag inputs named in flip_flags are negated; optional inputs in drop_narrative vanish."""
    inst = plugins.institution("district-publicity")
    example = epireport.example_input(inst, plugins=plugins)
    variation = Variation(
        drop_narrative=frozenset({"plans", "h5_title"}),
        flip_flags=frozenset({"press_conference"}),
    )
    varied = vary_input(example, inst, (), variation, random.Random(0))
    assert "plans" not in varied.narrative
    assert "h5_title" not in varied.narrative
    assert varied.narrative["press_conference"] is not example.narrative["press_conference"]
    assert attrs.evolve(varied, narrative=example.narrative) == example
    epireport.render_report(varied, plugins=plugins)


def test_dropping_days_shrinks_the_period_to_the_days_kept(plugins: epireport.Plugins) -> None:
    """drop_head and drop_tail remove days at the ends; the period becomes the days left."""
    inst = plugins.institution("property-company")
    example = epireport.example_input(inst, plugins=plugins)
    days = example_days(example)
    varied = vary_input(example, inst, (), Variation(drop_head=2, drop_tail=3), random.Random(0))
    assert example_days(varied) == days[2:-3]
    assert varied.period == epireport.Period.interval(days[2], days[-4])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("drop_head", -1),
        ("drop_tail", 1.5),
        ("gap_rate", 1.2),
        ("spread", -0.1),
        ("zero_rate", True),
    ],
)
def test_variation_refuses_impossible_settings(field: str, value: object) -> None:
    """Negative day counts and shares outside 0-1 are ModelErrors naming the field."""
    with pytest.raises(ModelError, match=f"Variation.{field}"):
        Variation(**{field: value})  # type: ignore[arg-type]
