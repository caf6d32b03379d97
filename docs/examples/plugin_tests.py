"""Tests for an institution plugin (here the property-company reference plugin).

Run with ``pytest plugin_tests.py``. ``plugin_manager`` loads the built-ins and the plugin
module you pass, never the other installed plugins, and turns a broken plugin into an error.
"""

import datetime

import attrs
import pytest
from epireport_property_company import plugin
from hypothesis import given, settings
from hypothesis import strategies as st

import epireport
from epireport.lint import lint_text
from epireport.narrative import check_template_references, environment_for
from epireport.testing import plugin_manager, registered
from epireport.testing import strategies as est


@pytest.fixture
def plugins() -> epireport.Plugins:
    """The built-ins and the plugin under test, nothing else."""
    return epireport.Plugins(plugin_manager(plugin))


def test_the_example_renders_its_figures(plugins: epireport.Plugins) -> None:
    """The packaged example renders, with its hedged figures written as the seed writes them."""
    report = epireport.example_input("property-company", plugins=plugins)
    text = epireport.render_report(report, plugins=plugins).output
    assert "共发放600多户，5900多片" in text


def test_the_template_names_only_known_indicators(plugins: epireport.Plugins) -> None:
    """Every indicator code and narrative input the template names exists in the institution."""
    institution = plugins.institution("property-company")
    check_template_references(environment_for(plugins, institution), institution)


def test_the_rendered_text_lints_clean(plugins: epireport.Plugins) -> None:
    """No placeholder, malformed number or slip in the final text."""
    report = epireport.example_input("property-company", plugins=plugins)
    text = epireport.render_report(report, plugins=plugins).output
    assert lint_text(text, rules=plugins.lint_rules().values()) == []


@settings(max_examples=20, deadline=None)
@given(st.dates(datetime.date(2020, 1, 1), datetime.date(2022, 12, 31)))
def test_a_draft_renders_for_any_period(first_day: datetime.date) -> None:
    """The skeleton (no data at all) renders for any two-week period, with xx placeholders."""
    with registered(plugin) as plugins:
        example = epireport.example_input("property-company", plugins=plugins)
        last_day = first_day + datetime.timedelta(days=13)
        report = attrs.evolve(
            epireport.skeleton_input(example),  # the example without its data values
            period=epireport.Period.interval(first_day, last_day),
        )
        text = epireport.render_report(report, plugins=plugins, draft=True).output
        assert text.startswith("【草稿】")


@settings(max_examples=25, deadline=None)
@given(est.report_inputs(institution="property-company"))
def test_any_report_input_survives_a_round_trip_through_yaml(report: epireport.ReportInput) -> None:
    """Strategies draw valid inputs: written as YAML and read back, each is unchanged."""
    assert epireport.loads_report(epireport.dumps_report(report)) == report
