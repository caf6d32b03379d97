"""Random inputs of every reference institution, valid and corrupted, through the whole pipeline.

Valid inputs come from :func:`epireport.testing.strategies.institution_inputs`: each renders in
final mode in every format, breaks no validation rule and lints clean, figures included.
Corrupted inputs (a valid input, dumped, then damaged in one place) are refused with an
:class:`~epireport.exceptions.InputError` whose problems say where (``$.values[3].period``),
never with another exception.
"""

import copy
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import epireport
from epireport.exceptions import InputError
from epireport.io import dump_report, load_report
from epireport.lint import claims_from_json, lint_file, lint_text
from epireport.render import RenderOptions
from epireport.testing.strategies import institution_inputs

REFERENCE = ["district-publicity", "education-bureau", "property-company"]
TEXT_FORMATS = ["text", "markdown", "html"]

Corruption = Callable[[dict[str, Any]], str]


@pytest.fixture(scope="module")
def plugins() -> epireport.Plugins:
    """The installed plugins, strictly loaded: the three reference institutions among them."""
    return epireport.Plugins.create(strict=True)


def _claims(rendered: epireport.Rendered, plugins: epireport.Plugins) -> list[Any] | None:
    tree = plugins.format("json").render(rendered.document, RenderOptions())
    assert isinstance(tree, str)
    data = json.loads(tree)
    try:
        return claims_from_json(data)
    except InputError:  # every figure of this input dropped out (zeros): nothing to check
        return None


@pytest.mark.parametrize("institution", REFERENCE)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_random_valid_inputs_render_in_every_format_and_lint_clean(
    institution: str, plugins: epireport.Plugins, data: st.DataObject
) -> None:
    """A random valid input renders in final mode as text, Markdown, HTML, JSON and DOCX, clean."""
    report = data.draw(institution_inputs(institution, plugins), label="report")
    rendered = epireport.render_report(report, plugins=plugins)
    assert rendered.facts.violations == ()
    claims = _claims(rendered, plugins)
    rules = list(plugins.lint_rules().values())
    for fmt in TEXT_FORMATS:
        output = plugins.format(fmt).render(rendered.document, RenderOptions())
        assert isinstance(output, str)
        assert output.strip()
        assert lint_text(output, format=fmt, rules=rules, data=claims) == [], fmt
    docx = plugins.format("docx").render(rendered.document, RenderOptions())
    assert isinstance(docx, bytes)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "summary.docx"
        path.write_bytes(docx)
        assert lint_file(path, rules=rules, data=claims) == []


# ------------------------------------------------------------------------------ corruptions


def _row(draw: st.DrawFn, data: dict[str, Any]) -> int:
    return draw(st.integers(0, len(data["values"]) - 1), label="row")


@st.composite
def _corruptions(draw: st.DrawFn, data: dict[str, Any]) -> tuple[str, str]:
    """Damage *data* in place in one drawn way; return (what was done, the path to blame)."""
    kind = draw(
        st.sampled_from(
            [
                "unknown top-level key",
                "unknown value key",
                "unknown unit key",
                "wrong value type",
                "wrong top-level type",
                "bad value period",
                "bad report period",
                "unknown unit",
                "unknown indicator",
                "negative count",
                "unknown narrative input",
                "unknown status",
            ]
        ),
        label="kind",
    )
    bogus_key = draw(st.sampled_from(["colour", "remarks", "Value", "unit_code"]))
    if kind == "unknown top-level key":
        data[bogus_key] = draw(st.integers() | st.text(max_size=5))
        return kind, f"$.{bogus_key}"
    if kind == "unknown unit key":
        i = draw(st.integers(0, len(data["org_units"]) - 1))
        data["org_units"][i][bogus_key] = "x"
        return kind, f"$.org_units[{i}].{bogus_key}"
    if kind == "wrong top-level type":
        key = draw(st.sampled_from(["institution", "unit", "period", "values", "narrative"]))
        data[key] = draw(
            st.sampled_from([12, [1, 2], {"a": {"b": 1}}]).filter(
                lambda v: not (key == "narrative" and isinstance(v, dict))
            )
        )
        return kind, f"$.{key}"
    if kind == "bad report period":
        data["period"] = draw(st.sampled_from(["2020-13", "2020W99", "20200230", "", "不是日期"]))
        return kind, "$.period"
    if kind == "unknown narrative input":
        data.setdefault("narrative", {})["no_such_input"] = "x"
        return kind, "$.narrative.no_such_input"
    i = _row(draw, data)
    row = data["values"][i]
    if kind == "unknown value key":
        row[bogus_key] = 1
        return kind, f"$.values[{i}].{bogus_key}"
    if kind == "wrong value type":
        row["value"] = draw(st.sampled_from([[1], {"n": 1}, "十二", 1.5, True]))
        row.pop("status", None)  # a dumped zero-report says so; a new value must not contradict it
        return kind, f"$.values[{i}].value"
    if kind == "bad value period":
        row["period"] = draw(st.sampled_from(["2020W99", "20201345", "", None, 12, "2020-02-30"]))
        return kind, f"$.values[{i}].period"
    if kind == "unknown unit":
        row["unit"] = "no-such-unit"
        return kind, f"$.values[{i}].unit"
    if kind == "unknown indicator":
        row["indicator"] = "no_such_indicator"
        return kind, f"$.values[{i}].indicator"
    if kind == "unknown status":
        row["status"] = "bogus"
        return kind, f"$.values[{i}].status"
    row["value"] = draw(st.integers(max_value=-1), label="negative")
    row.pop("status", None)
    return kind, f"$.values[{i}].value"


@pytest.mark.parametrize("institution", REFERENCE)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_random_corruptions_are_input_errors_with_a_path(
    institution: str, plugins: epireport.Plugins, data: st.DataObject
) -> None:
    """A valid input damaged in one place is an InputError pointing there, never another error."""
    inst = plugins.institution(institution)
    report = data.draw(institution_inputs(institution, plugins), label="report")
    mapping = copy.deepcopy(dump_report(report))
    kind, path = data.draw(_corruptions(mapping), label="corruption")
    with pytest.raises(InputError) as caught:
        load_report(mapping, institution=inst, name="report.yaml")
    problems = caught.value.problems
    assert problems, kind
    assert all("$" in p.location for p in problems), problems
    assert any(path in p.location for p in problems), (kind, path, problems)


@pytest.mark.parametrize("institution", REFERENCE)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_corrupted_files_fail_to_render_with_an_input_error(
    institution: str, plugins: epireport.Plugins, data: st.DataObject
) -> None:
    """Rendering a corrupted report file raises InputError naming the file and the path."""
    report = data.draw(institution_inputs(institution, plugins), label="report")
    mapping = dump_report(report)
    _, path = data.draw(_corruptions(mapping), label="corruption")
    with tempfile.TemporaryDirectory() as directory:
        file = Path(directory) / "report.yaml"
        file.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
        with pytest.raises((InputError, epireport.UsageError)) as caught:
            epireport.render_report(file, plugins=plugins)
    if isinstance(caught.value, InputError):
        assert any(
            path in p.location and "report.yaml" in p.location for p in caught.value.problems
        )
    else:  # a damaged institution name is a usage error naming the file and the key
        assert "$.institution" in str(caught.value)
