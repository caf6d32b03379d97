"""Every reference institution renders its example in every format, and it all lints clean.

This is the promise of the output-formats issue: whatever epireport renders in final mode
passes epireport's own linter, figures included (checked against the JSON output's facts).
"""

import json
from pathlib import Path

import pytest

import epireport
from epireport.cli import main
from epireport.lint import claims_from_json, lint_file, lint_text

REFERENCE = ["district-publicity", "education-bureau", "property-company"]
FORMATS = {"text": ".txt", "markdown": ".md", "html": ".html", "docx": ".docx"}


@pytest.fixture(scope="module")
def plugins() -> epireport.Plugins:
    return epireport.Plugins.create()


@pytest.mark.parametrize("institution", REFERENCE)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_final_render_lints_clean(
    institution: str, fmt: str, plugins: epireport.Plugins, tmp_path: Path
) -> None:
    """The example, rendered in final mode, has no lint finding at all in any format."""
    report = epireport.example_input(institution, plugins=plugins)
    rendered = epireport.render_report(report, format=fmt, plugins=plugins)
    path = tmp_path / f"{institution}{FORMATS[fmt]}"
    if isinstance(rendered.output, bytes):
        path.write_bytes(rendered.output)
    else:
        path.write_text(rendered.output, encoding="utf-8")
    rules = list(plugins.lint_rules().values())
    assert lint_file(path, rules=rules) == []


@pytest.mark.parametrize("institution", REFERENCE)
def test_figures_match_their_facts(institution: str, plugins: epireport.Plugins) -> None:
    """Every figure the JSON output records lies in the interval its wording allows."""
    report = epireport.example_input(institution, plugins=plugins)
    text = epireport.render_report(report, plugins=plugins).output
    tree = epireport.render_report(report, format="json", plugins=plugins).output
    assert isinstance(text, str)
    assert isinstance(tree, str)
    claims = claims_from_json(json.loads(tree))
    assert claims, "the example states no figure at all"
    rules = list(plugins.lint_rules().values())
    assert lint_text(text, rules=rules, data=claims) == []


@pytest.mark.parametrize("institution", REFERENCE)
def test_draft_skeleton_has_placeholders_and_no_figures(
    institution: str, plugins: epireport.Plugins
) -> None:
    """The draft skeleton (demo --draft, no data) writes xx where every figure goes."""
    report = epireport.skeleton_input(epireport.example_input(institution, plugins=plugins))
    rendered = epireport.render_report(report, plugins=plugins, draft=True)
    assert isinstance(rendered.output, str)
    # The education bureau's seed states no figure, so neither does its skeleton.
    if institution != "education-bureau":
        assert "xx" in rendered.output
    assert not rendered.facts or all(
        fact.value is None for fact in rendered.facts if fact.unit == report.unit
    )


def test_demo_renders_every_institution(capsys: pytest.CaptureFixture[str]) -> None:
    """`epireport demo` renders all three reference institutions on the embedded default."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "区委宣传部" in out or "宣传" in out
    assert "科教局" in out or "四个三" in out
    assert "物业服务中心" in out


def test_demo_writes_a_docx_per_institution(tmp_path: Path) -> None:
    """With -o DIR and a binary format, demo writes one file per institution atomically."""
    assert main(["demo", "--format", "docx", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n}.docx" for n in REFERENCE]


def test_demo_refuses_binary_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    """A DOCX cannot go to the terminal: exit 2 with a one-line message."""
    assert main(["demo", "property-company", "--format", "docx"]) == 2
    assert "-o PATH" in capsys.readouterr().err
