"""example_report: deterministic, realistic example inputs and their rendered summaries."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import epireport
from epireport.exceptions import UsageError
from epireport.lint import lint_text
from epireport.testing import ExampleReport, example_report
from epireport.testing._examples import example_days

REFERENCE = ["district-publicity", "education-bureau", "property-company"]


@pytest.fixture(scope="module")
def plugins() -> epireport.Plugins:
    """The installed plugins, strictly loaded."""
    return epireport.Plugins.create(strict=True)


@pytest.mark.parametrize("institution", REFERENCE)
def test_seed_zero_is_the_packaged_example(institution: str, plugins: epireport.Plugins) -> None:
    """Seed 0 gives the institution's packaged example and its final text."""
    example = example_report(institution, plugins=plugins)
    assert isinstance(example, ExampleReport)
    assert example.input == epireport.example_input(institution, plugins=plugins)
    assert example.output == epireport.render_report(example.input, plugins=plugins).output
    assert example.output is example.rendered.output


@pytest.mark.parametrize("institution", REFERENCE)
def test_same_seed_same_bytes(institution: str, plugins: epireport.Plugins) -> None:
    """The same seed gives the same input and the same text, even with a fresh plugin manager."""
    first = example_report(institution, seed=7, plugins=plugins)
    again = example_report(institution, seed=7, plugins=epireport.Plugins.create(strict=True))
    assert first.input == again.input
    assert first.output == again.output


def test_same_seed_same_docx_bytes(plugins: epireport.Plugins) -> None:
    """Binary formats are deterministic too: two DOCX renderings of one seed are identical."""
    first = example_report("property-company", seed=3, format="docx", plugins=plugins)
    again = example_report("property-company", seed=3, format="docx", plugins=plugins)
    assert isinstance(first.output, bytes)
    assert first.output == again.output


def test_other_seeds_vary_the_data(plugins: epireport.Plugins) -> None:
    """Different non-zero seeds give different data, and differ from the example."""
    inputs = [example_report("education-bureau", seed=s, plugins=plugins).input for s in range(4)]
    values = [i.values for i in inputs]
    assert len({tuple(map(repr, v)) for v in values}) == 4


@pytest.mark.parametrize("institution", REFERENCE)
@settings(max_examples=5, deadline=None)
@given(seed=st.integers(1, 2**31))
def test_seeded_examples_are_realistic_and_lint_clean(
    institution: str, plugins: epireport.Plugins, seed: int
) -> None:
    """A seeded example keeps most of the example's days, renders in final mode and lints clean."""
    example = epireport.example_input(institution, plugins=plugins)
    varied = example_report(institution, seed=seed, plugins=plugins)
    days, kept = example_days(example), example_days(varied.input)
    assert len(kept) >= len(days) // 2
    assert example.period.contains(varied.input.period)
    assert varied.rendered.facts.violations == ()
    assert isinstance(varied.output, str)
    rules = list(plugins.lint_rules().values())
    assert lint_text(varied.output, rules=rules) == []


def test_format_is_honoured(plugins: epireport.Plugins) -> None:
    """format= chooses the rendering, here Markdown."""
    example = example_report("property-company", seed=2, format="markdown", plugins=plugins)
    assert example.rendered.format.code == "markdown"
    assert isinstance(example.output, str)
    assert example.output.startswith("# ")


@pytest.mark.parametrize("seed", [1.5, "1", True, None])
def test_seed_must_be_an_integer(seed: object, plugins: epireport.Plugins) -> None:
    """A seed that is not an integer is a usage error, not a silent hash of something."""
    with pytest.raises(UsageError, match="seed"):
        example_report("property-company", seed=seed, plugins=plugins)  # type: ignore[arg-type]


def test_unknown_institution_is_a_usage_error(plugins: epireport.Plugins) -> None:
    """An institution nobody registered is refused with the known ones listed."""
    with pytest.raises(UsageError, match="property-company"):
        example_report("no-such-institution", plugins=plugins)
