"""lint --numbering / --institution: numbered items checked against the chosen style."""

from pathlib import Path

import pytest

from epireport.cli import main

TEXT = "测试工作总结\n　　一、工作情况\n　　1、开展消毒。\n　　2、发放口罩。\n"


def test_items_marked_otherwise_than_chosen_are_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1、 items pass as 1、 and are flagged when the files should use 1."""
    path = tmp_path / "summary.txt"
    path.write_text(TEXT, encoding="utf-8")
    assert main(["lint", str(path), "--numbering", "1、"]) == 0
    capsys.readouterr()
    main(["lint", str(path), "--numbering", "1."])
    assert "EPI502" in capsys.readouterr().out


def test_the_institution_says_which_style(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--institution takes the institution's item_numbering; a contradiction is refused."""
    pytest.importorskip("epireport_property_company")
    path = tmp_path / "summary.txt"
    path.write_text(TEXT, encoding="utf-8")
    main(["lint", str(path), "--institution", "property-company"])
    assert "EPI502" in capsys.readouterr().out  # the property company numbers items 1.
    argv = ["lint", str(path), "--institution", "property-company", "--numbering", "1、"]
    assert main(argv) == 2
    assert "contradicts" in capsys.readouterr().err
