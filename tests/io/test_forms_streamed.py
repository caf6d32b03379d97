"""A form without formulas or merged cells is streamed, and reads exactly as one read whole."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.io.test_forms_integrity import FEBRUARY, INSTITUTION, SHEET, UNITS

from epireport.io import _excel
from epireport.io._excel import read_form, write_form

openpyxl = pytest.importorskip("openpyxl")

# Good rows and every kind of bad one: a unit not on the form, a day outside it, a figure
# that does not read, a zero-report with a figure, a text in a boolean, a future time.
CELLS: dict[str, Any] = {
    "D3": 5,
    "E3": "1,200",
    "F3": "是",
    "D4": 3.0,
    "E4": "十二",
    "A5": "S09",
    "D5": 1,
    "C6": "2020-03-01",
    "D6": 2,
    "G7": "是",
    "D7": 4,
    "F8": "也许",
    "D9": 7,
    "H9": "王伟",
    "I9": dt.datetime(2020, 2, 6, 9, 30),
    "J9": "补报",
    "D10": 2,
    "I10": dt.datetime(2999, 1, 1),
    "D11": -1,
    "G12": "是",
}


def _filled(tmp_path: Path) -> Path:
    form = tmp_path / "form.xlsx"
    form.write_bytes(write_form(INSTITUTION, units=UNITS, period=FEBRUARY))
    wb = openpyxl.load_workbook(form)
    for ref, value in CELLS.items():
        wb[SHEET][ref] = value
    out = tmp_path / "filled.xlsx"
    wb.save(out)
    return out


def _batch_facts(batch: Any) -> tuple[Any, ...]:
    return (
        tuple(batch.values),
        tuple(batch.rows),
        tuple((p.location, p.message) for p in batch.problems),
        tuple(batch.scope),
        tuple(batch.units),
        batch.institution,
    )


def test_a_streamed_form_reads_as_one_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _filled(tmp_path)
    assert _excel._features(path.read_bytes()) == (False, False)  # so it is streamed
    streamed = read_form(path, institution=INSTITUTION)
    monkeypatch.setattr(_excel, "_features", lambda data: (False, True))
    whole = read_form(path, institution=INSTITUTION)
    assert _batch_facts(streamed) == _batch_facts(whole)
    assert len(streamed.values) >= 5
    assert len(streamed.problems) >= 5


def test_rows_past_a_stale_declared_size_are_read(tmp_path: Path) -> None:
    """Some tools never update a sheet's <dimension>: streamed rows must not stop there."""
    path = _filled(tmp_path)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stale, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:C3"', data)
            target.writestr(item, data)
    assert _batch_facts(read_form(stale, institution=INSTITUTION, name=str(path))) == (
        _batch_facts(read_form(path, institution=INSTITUTION))
    )
