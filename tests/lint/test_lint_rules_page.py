"""docs/reference/lint-rules.md is written from the built-in rule registry and kept in step.

Run ``python tests/lint/test_lint_rules_page.py`` to rewrite the page after changing a rule.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from epireport._builtins.lint_rules import BUILTIN_LINT_RULES, BUILTIN_RULE_DOCS, RuleDoc
from epireport.cli import main
from epireport.lint._lint import lint_text

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "lint-rules.md"

HEADER = """\
# Lint rules

<!-- Written by tests/lint/test_lint_rules_page.py from epireport._builtins.lint_rules;
     run `python tests/lint/test_lint_rules_page.py` to rewrite it after changing a rule. -->

`epireport lint` checks rendered summaries (text, Markdown, HTML, DOCX) with every rule below
and every rule a plugin registers; `epireport lint --list-rules` lists them, and
`--ignore EPI401` skips one. Ids are grouped by hundreds: 1xx placeholders and leftovers,
2xx numbers and dates, 3xx repetition, 4xx punctuation and spacing, 5xx numbering and counts,
6xx terminology, 7xx figures against `--data`. An `error` makes `epireport lint` exit with
status 1.

The rules are written to stay silent on good official prose: each pattern is anchored on a
context only a slip produces. Everything epireport renders, and the correct sentences of the
real documents it was built from, lint clean.
"""

_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")


def _details(rule_doc: RuleDoc) -> str:
    doc = rule_doc.rule.check.__doc__ or ""
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
    lines = [line.strip() for line in body.strip().splitlines()]
    text = "\n".join(lines)
    return _ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)


def render_page() -> str:
    """The page as the registry says it should be."""
    rows = [
        f"| [{d.rule.id}](#{d.rule.id.lower()}-{d.rule.name}) | {d.rule.name} "
        f"| {d.rule.severity.value} | {d.rule.description.replace('|', '/')} |"
        for d in BUILTIN_RULE_DOCS
    ]
    parts = [
        HEADER,
        "| Id | Name | Severity | What it catches |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
    ]
    for d in BUILTIN_RULE_DOCS:
        parts += [
            f"## {d.rule.id} {d.rule.name}",
            "",
            f"Severity: **{d.rule.severity.value}**. Catches {d.rule.description}.",
            "",
            "Example (reported):",
            "",
            "```text",
            d.example,
            "```",
            "",
            f"**Why:** {d.rationale}",
            "",
        ]
        details = _details(d)
        if details:
            parts += [details, ""]
    return "\n".join(parts)


def test_page_lists_every_rule_as_the_registry_says() -> None:
    """The lint-rules page is exactly what the registry renders (rewrite it with this module)."""
    assert PAGE.read_text(encoding="utf-8") == render_page(), (
        "docs/reference/lint-rules.md is out of date: run python tests/lint/test_lint_rules_page.py"
    )


def test_every_rule_has_a_section() -> None:
    """Every built-in rule has its own heading on the page."""
    page = PAGE.read_text(encoding="utf-8")
    for rule in BUILTIN_LINT_RULES:
        assert f"\n## {rule.id} {rule.name}\n" in page


@pytest.mark.parametrize(
    "rule_doc", [d for d in BUILTIN_RULE_DOCS if not d.rule.id.startswith("EPI7")], ids=str
)
def test_each_example_is_reported_by_its_rule(rule_doc: RuleDoc) -> None:
    """A rule's documented example is a text that rule reports (figure rules need --data)."""
    found = lint_text(rule_doc.example, rules=[rule_doc.rule])
    assert found, rule_doc.example


def test_list_rules_shows_every_builtin_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`epireport lint --list-rules` lists each built-in rule with its severity."""
    assert main(["lint", "--list-rules"]) == 0
    output = capsys.readouterr().out
    for rule in BUILTIN_LINT_RULES:
        assert f"{rule.label} [{rule.severity.value}] {rule.description}" in output


if __name__ == "__main__":
    PAGE.write_text(render_page(), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE}\n")
