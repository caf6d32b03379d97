"""The linter on the real-world seed documents in ../shared/seeds/."""

from __future__ import annotations

from pathlib import Path

import pytest

from epireport.lint._document import Finding
from epireport.lint._lint import lint_file

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

pytestmark = pytest.mark.skipif(
    not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")), reason=f"no seed documents in {SEEDS}"
)


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    result: list[Finding] = []
    for path in sorted(SEEDS.glob("*.txt")):
        result.extend(lint_file(path))
    return result


def messages(findings: list[Finding], rule: str) -> list[str]:
    return [f.message for f in findings if f.rule_id == rule]


def test_seed_placeholders(findings: list[Finding]) -> None:
    """The seeds' xx, x, xxapp, 某某 and 1月某日 placeholders are all found."""
    found = " ".join(messages(findings, "EPI101"))
    for placeholder in ("'xx'", "'x'", "'xxapp'", "'某某'", "'某'"):
        assert placeholder in found


def test_seed_stutter(findings: list[Finding]) -> None:
    """报道报道 is found."""
    assert any("报道报道" in m for m in messages(findings, "EPI301"))


def test_seed_doubled_unit(findings: list[Finding]) -> None:
    """万余万 is found."""
    assert any("万余万" in m for m in messages(findings, "EPI201"))


def test_seed_repeated_paragraph(findings: list[Finding]) -> None:
    """The property company's pasted paragraph (once numbered 1、, once not) is found."""
    assert messages(findings, "EPI302")
    repeated = [f for f in findings if f.rule_id == "EPI302"]
    assert any(f.line - int(f.message.rsplit(" ", 1)[1]) == 2 for f in repeated)


def test_seed_halfwidth_punctuation(findings: list[Finding]) -> None:
    """Half-width ; ( ) next to Chinese are found."""
    found = " ".join(messages(findings, "EPI401"))
    for mark in ("';'", "'('", "')'"):
        assert mark in found


def test_seed_correct_structure_is_not_reported(findings: list[Finding]) -> None:
    """The seeds' numbering has no gap and “四个三” matches its four blocks."""
    assert not messages(findings, "EPI501")
    assert not messages(findings, "EPI503")
