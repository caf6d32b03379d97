"""Fixtures for the education-bureau tests: plugins with this plugin only, the example, helpers."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from epireport_education_bureau import plugin

from epireport import Plugins, build_document, example_input
from epireport.document import Document, RenderedParagraph, RenderedTitle, numbered
from epireport.io import loads_report
from epireport.lint import Finding, lint_file, lint_text
from epireport.model import Institution, ReportInput
from epireport.render import RenderOptions, render_docx, render_html, render_markdown, render_text
from epireport.testing import registered


@pytest.fixture(scope="session")
def plugins() -> Iterator[Plugins]:
    """Plugins with the built-ins and this plugin, and no other entry point."""
    with registered(plugin) as found:
        yield found


@pytest.fixture(scope="session")
def institution(plugins: Plugins) -> Institution:
    """The 县科教局 institution as registered."""
    return plugins.institution("education-bureau")


@pytest.fixture(scope="session")
def example(plugins: Plugins) -> ReportInput:
    """The packaged example input, loaded and checked against the institution."""
    return example_input("education-bureau", plugins=plugins)


@pytest.fixture(scope="session")
def final(plugins: Plugins, example: ReportInput) -> Document:
    """The example's final-mode document."""
    document, _ = build_document(example, plugins=plugins)
    return document


def _texts(document: Document) -> list[str]:
    found = []
    for event in numbered(document):
        if isinstance(event, (RenderedTitle, RenderedParagraph)):
            found.append(event.text)
    return found


@pytest.fixture(scope="session")
def texts() -> Callable[[Document], list[str]]:
    """Return ``texts(document)``: its title and paragraphs, markers included, in order."""
    return _texts


def _lint_all(plugins: Plugins, document: Document) -> dict[str, list[Finding]]:
    rules = list(plugins.lint_rules().values())
    options = RenderOptions()
    draft = document.meta.draft  # a draft's 【草稿】 banner is expected, not a leftover
    found = {
        name: lint_text(render(document, options), format=name, rules=rules, draft=draft)
        for name, render in (
            ("text", render_text),
            ("markdown", render_markdown),
            ("html", render_html),
        )
    }
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "report.docx"
        path.write_bytes(render_docx(document, options))
        found["docx"] = lint_file(path, rules=rules, draft=draft)
    return found


Lint = Callable[[Document], dict[str, list[Finding]]]


@pytest.fixture(scope="session")
def lint(plugins: Plugins) -> Lint:
    """Return ``lint(document)``: findings by format (text, markdown, html, docx)."""
    return lambda document: _lint_all(plugins, document)


Compose = Callable[..., Document]


@pytest.fixture
def compose_yaml(plugins: Plugins, institution: Institution) -> Compose:
    """Return ``make(yaml_text, draft=False)``: load an input written in a test and compose it."""

    def make(text: str, *, draft: bool = False) -> Document:
        report = loads_report(text, institution=institution)
        document, _ = build_document(report, plugins=plugins, draft=draft)
        return document

    return make
