"""title: "" in a report file: a summary without a title, in every format and through --db."""

from pathlib import Path

import attrs
import pytest
import yaml

import epireport
from epireport.cli import main
from epireport.io._load import dump_report, load_report

pytest.importorskip("epireport_property_company")


def _file(tmp_path: Path, **changes: object) -> Path:
    report = attrs.evolve(epireport.example_input("property-company"), **changes)
    path = tmp_path / "report.yaml"
    path.write_text(epireport.dumps_report(report), encoding="utf-8")
    return path


def test_an_empty_title_in_the_file_writes_no_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text starts with the body; a file that leaves title out keeps its title."""
    data = yaml.safe_load(_file(tmp_path).read_text(encoding="utf-8"))
    data["title"] = ""
    untitled = tmp_path / "untitled.yaml"
    untitled.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["render", str(untitled), "-f", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## 一、")  # the first heading; no "# title" line
    assert "工作总结" not in out.splitlines()[0]
    data.pop("title")
    titled = tmp_path / "titled.yaml"
    titled.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["render", str(titled), "-f", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("# ")


def test_no_title_round_trips_through_the_file_format() -> None:
    """A report without a title dumps title: "" and loads back without one."""
    report = attrs.evolve(epireport.example_input("property-company"), title=None)
    dumped = dump_report(report)
    assert dumped["title"] == ""
    assert load_report(dumped).title is None
    assert load_report({**dumped, "title": "夏季工作总结"}).title == "夏季工作总结"
    assert load_report({k: v for k, v in dumped.items() if k != "title"}).title == ""
