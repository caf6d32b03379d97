"""Nothing leaves unchecked: every tampered figure of a reference summary is caught where it stands.

Each reference institution's example is rendered as text and as JSON; then each figure of the
text is changed, one at a time (every digit of it, to a digit that also occurs elsewhere in
the text, so that a search for the new figure finds dates and other figures too), and
``lint --data`` with the untampered JSON must report it at its own line and column, through
the API and through the CLI. The untampered text lints clean with its JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import epireport
from epireport.cli import main
from epireport.document import Document
from epireport.lint import claims_from_json, lint_text
from epireport.narrative._numbers import parse_number
from epireport.render._options import RenderOptions
from epireport.render._text import render_text

REFERENCE = ["district-publicity", "education-bureau", "property-company"]
FIGURE_RULES = {"EPI701", "EPI702"}


@pytest.fixture(scope="module")
def plugins() -> epireport.Plugins:
    return epireport.Plugins.create()


def _rendered(institution: str, plugins: epireport.Plugins) -> tuple[str, dict[str, Any]]:
    report = epireport.example_input(institution, plugins=plugins)
    text = epireport.render_report(report, plugins=plugins).output
    data = json.loads(epireport.render_report(report, format="json", plugins=plugins).output)
    assert isinstance(text, str)
    return text, data


def _figures(node: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], int]]:
    """The (sentence path, fact index) of every figure of a document's JSON."""
    if isinstance(node, dict):
        if isinstance(node.get("facts"), list) and isinstance(node.get("text"), str):
            for n, fact in enumerate(node["facts"]):
                if fact.get("value") is not None:
                    yield path, n
        for key, child in node.items():
            yield from _figures(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _figures(child, (*path, i))


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _tampers(text: str, figure: str, value: str) -> Iterator[str]:
    """*figure* with one digit changed, for each digit, to one found elsewhere in *text*.

    The replacement is the nearest digit up (2→3, 12→13, 9→0) that the text holds elsewhere
    and that makes the figure false: 5900多 → 5000多 still holds 5912 (a looser wording, not
    a contradiction), so 5900多 → 5800多 is taken instead. A whole number also loses its last
    digit to 0 (12→10).
    """
    elsewhere = [d for d in "0123456789" if d in text]
    number = Decimal(value)
    variants = []
    for i, char in enumerate(figure):
        if char.isdigit():
            others = sorted(
                (d for d in elsewhere if d != char), key=lambda d: (int(d) - int(char)) % 10
            )
            variants.append([figure[:i] + d + figure[i + 1 :] for d in others])
    if figure.isdigit() and len(figure) > 1 and figure[-1] != "0":
        variants.append([figure[:-1] + "0"])
    for candidates in variants:
        for candidate in candidates:
            if number not in parse_number(candidate):
                yield candidate
                break


def _cases(text: str, data: dict[str, Any]) -> Iterator[tuple[str, str, int, int]]:
    """Tampered texts: (what was changed, tampered text, line, column of the figure).

    The tampered text is the renderer's own output of the document with that one figure
    changed in its sentence (at the sentence's start and end offsets), so the place it is
    expected at comes from the renderer, not from the linter.
    """
    lines = text.splitlines()
    for path, n in _figures(data):
        sentence = _at(data, path)
        fact = sentence["facts"][n]
        start, end = fact["start"], fact["end"]
        assert sentence["text"][start:end] == fact["text"]
        tampers = list(_tampers(text, fact["text"], fact["value"]))
        assert tampers, fact  # every figure is tampered at least once
        for tampered in tampers:
            changed = json.loads(json.dumps(data))
            target = _at(changed, path)
            target["text"] = target["text"][:start] + tampered + target["text"][end:]
            output = render_text(Document.from_dict(changed), RenderOptions())
            new_lines = output.splitlines()
            assert len(new_lines) == len(lines)
            (line,) = [i for i, (a, b) in enumerate(zip(lines, new_lines, strict=True)) if a != b]
            column = next(
                i
                for i, (a, b) in enumerate(zip(lines[line], new_lines[line], strict=True))
                if a != b
            )
            # The figure starts where the tampered digit's run of digits and points starts.
            while column > 0 and (
                lines[line][column - 1].isdigit() or lines[line][column - 1] == "."
            ):
                column -= 1
            yield f"{fact['text']}→{tampered}", output, line + 1, column + 1


@pytest.mark.parametrize("institution", REFERENCE)
def test_untampered_text_lints_clean_with_its_json(
    institution: str, plugins: epireport.Plugins
) -> None:
    """The example's text, linted with its own JSON as --data, has no finding at all."""
    text, data = _rendered(institution, plugins)
    rules = list(plugins.lint_rules().values())
    claims = claims_from_json(data)
    assert len(claims) == sum(1 for _ in _figures(data))
    assert lint_text(text, data=claims, rules=rules) == []


@pytest.mark.parametrize("institution", REFERENCE)
def test_every_tampered_figure_is_caught_where_it_stands(
    institution: str, plugins: epireport.Plugins, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each figure changed (digits that occur elsewhere too) is an EPI701 at its line:column."""
    text, data = _rendered(institution, plugins)
    claims = claims_from_json(data)
    data_path = tmp_path / "summary.json"
    data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    cases = list(_cases(text, data))
    assert cases
    for what, tampered, line, column in cases:
        findings = [f for f in lint_text(tampered, data=claims) if f.rule_id in FIGURE_RULES]
        assert [(f.line, f.column) for f in findings] == [(line, column)], (what, findings)
        # Through the CLI too: the same finding, at the same place.
        summary = tmp_path / "summary.txt"
        summary.write_text(tampered, encoding="utf-8")
        capsys.readouterr()
        status = main(["lint", str(summary), "--data", str(data_path)])
        out = capsys.readouterr().out
        assert status == 1, (what, out)
        assert f"{summary}:{line}:{column}: EPI701" in out, (what, out)


@pytest.mark.parametrize("institution", REFERENCE)
def test_untampered_text_passes_the_cli(
    institution: str, plugins: epireport.Plugins, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``epireport lint summary.txt --data summary.json`` of an untouched render exits 0."""
    text, data = _rendered(institution, plugins)
    summary, data_path = tmp_path / "summary.txt", tmp_path / "summary.json"
    summary.write_text(text, encoding="utf-8")
    data_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["lint", str(summary), "--data", str(data_path)]) == 0, capsys.readouterr()
