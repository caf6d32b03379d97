"""The example input: a 县 → 学校 → 班级 tree, 14 days of class reports, zero and missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from epireport_education_bureau import plugin

from epireport.model import Institution, PeriodType, ReportInput, ValueStatus

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_example.py"


def load_script() -> ModuleType:
    """Import scripts/make_example.py without running it."""
    spec = importlib.util.spec_from_file_location("make_example", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_committed_file(institution: Institution) -> None:
    """The script is deterministic and the packaged example is its current output."""
    assert institution.example is not None
    text = load_script().build()
    assert text == load_script().build()
    assert institution.example.read_text(encoding="utf-8") == text


def test_tree_has_three_levels(example: ReportInput) -> None:
    """The bureau has six schools of two to four classes each."""
    tree = example.tree
    assert tree is not None
    schools = tree.children(example.unit)
    assert tree.get(example.unit).name == "县科教局"
    assert len(schools) == 6
    assert all(2 <= len(tree.children(s.code)) <= 4 for s in schools)
    assert all(tree.is_leaf(c.code) for s in schools for c in tree.children(s.code))


def test_values_are_daily_class_reports(example: ReportInput) -> None:
    """Every value is a class's figure for one day, over at least 14 days of the period."""
    assert example.tree is not None
    days = {v.period for v in example.values}
    assert len(days) >= 14
    assert all(v.period.type is PeriodType.DAY for v in example.values)
    assert all(example.period.contains(v.period) for v in example.values)
    assert all(example.tree.is_leaf(v.unit) for v in example.values)


def test_zero_and_missing_reports(example: ReportInput) -> None:
    """Most class-days are zero-reports; a few reports are missing, stated or absent."""
    statuses = [v.status for v in example.values]
    assert statuses.count(ValueStatus.ZERO_REPORT) > 400
    assert statuses.count(ValueStatus.MISSING) == 3  # one class-day, its three indicators
    assert len(example.values) == 18 * 14 * 3 - 3 * 3  # three class-days sent nothing


def test_example_measures_are_the_catalogue(example: ReportInput) -> None:
    """The example's measures are the catalogue's, code and title."""
    assert [(m.code, m.title) for m in example.measures] == [
        (m.code, m.title) for m in plugin.MEASURES
    ]
