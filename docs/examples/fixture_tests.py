"""Plugin tests written with the fixtures of epireport's pytest plugin (no imports needed)."""

from hypothesis import given, settings

from epireport.testing import example_report
from epireport.testing.strategies import institution_inputs


def test_example_lints_clean_in_every_format(render_report, lint_clean):
    """The packaged example renders in final mode and lints clean, figures checked."""
    for fmt in ("text", "markdown", "html", "docx"):
        lint_clean(render_report("property-company", format=fmt))


def test_seeded_examples_are_deterministic():
    """example_report gives the same bytes for the same seed, and other data for another."""
    first = example_report("property-company", seed=7)
    assert first.output == example_report("property-company", seed=7).output
    assert first.input != example_report("property-company", seed=8).input


@settings(max_examples=5, deadline=None)
@given(institution_inputs("property-company"))
def test_random_valid_inputs_render(report):
    """Any valid input the strategy draws renders in final mode."""
    from epireport import render_report

    assert render_report(report).output
