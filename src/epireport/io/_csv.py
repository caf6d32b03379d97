"""Data values as CSV in long form: one row per indicator, unit and period.

Columns (the first row names them, in any order)::

    indicator,unit,period,value[,status,submitted_at,submitted_by,comment,options]

``options`` holds the category option codes of a disaggregated figure, joined by commas
(``"wuhan,teacher"``, CSV-quoted), checked against the indicator's categories when the
institution is known; empty for the indicator's total. A hedged ``value`` (``480余``,
``约500``, ``300多``) is an approximate figure: the number and its qualifier, written back as
they were stated.

Files are read as UTF-8 with or without a byte-order mark, and otherwise as GB18030 (what WPS
and Excel in Chinese locales save). Values are normalised by
:func:`~epireport.io._normalise.normalise_value`; every rejected cell is reported as
``data.csv: row 12, column D (value)``, the header being row 1.

Written files are UTF-8 with a byte-order mark (so that Excel shows the Chinese), and every
cell that a spreadsheet would read as a formula (one starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is neutralised with a leading single quote. The one exception,
decided on purpose: the ``value`` of a *numeric* value (an int or a Decimal, which epireport
writes as ``-12`` or ``3.5`` and nothing else) stays a number, so negative figures remain
figures; a text value is neutralised like any other cell. On reading, a single quote before
one of those characters is removed again, so an export reads back equal.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Final

from epireport.exceptions import InputError, Problem
from epireport.io._normalise import Batch, BatchBuilder, CodeMapping, read_cells
from epireport.model._institution import Institution
from epireport.model._values import DataValue, ValueStatus

__all__ = ["COLUMNS", "decode", "neutralise", "read_csv", "write_csv"]

#: The columns of the long form, in the order epireport writes them.
COLUMNS: Final = (
    "indicator",
    "unit",
    "period",
    "value",
    "status",
    "submitted_at",
    "submitted_by",
    "comment",
    "options",
)
_REQUIRED: Final = ("indicator", "unit", "period", "value")
_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")


def decode(data: bytes, name: str) -> str:
    """Decode CSV bytes: UTF-8 (BOM or not), else GB18030; InputError if neither fits."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(name, f"neither UTF-8 nor GB18030 text (byte {exc.start}); save as UTF-8")]
        ) from None


def _needs_quote(cell: str) -> bool:
    # A cell that already starts with quotes before a trigger gets one more, so that reading
    # removes exactly the one that writing added.
    stripped = cell.lstrip("'")
    return stripped.startswith(_TRIGGERS)


def neutralise(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a single quote."""
    return "'" + cell if _needs_quote(cell) else cell


def _unneutralise(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _needs_quote(cell[1:]) else cell


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_csv(
    path: str | os.PathLike[str],
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
    name: str | None = None,
) -> Batch:
    """Read a long-form CSV file into a :class:`Batch` (values, or every problem located)."""
    p = Path(path)
    source = name or str(p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return Batch(source, problems=(Problem(source, f"cannot read: {exc.strerror or exc}"),))
    try:
        text = decode(data, source)
    except InputError as exc:
        return Batch(source, problems=exc.problems)
    del data  # the text alone from here: a large file is not held twice
    return read_csv_text(text, source, institution=institution, mapping=mapping)


# What str.splitlines ends a line at besides "\n" and "\r\n" (a bare "\r" is handled apart).
_OTHER_LINE_ENDS: Final = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_PIECE: Final = 1 << 20


def _lines(text: str) -> Iterator[str]:
    """The lines of *text* with their ends, as the csv module reads them.

    Not ``io.StringIO``: it copies the text into a buffer of four bytes a character (a 30 MB
    file would take 120 MB more).
    """
    if "\n" not in text or text.count("\r") != text.count("\r\n"):
        return iter(io.StringIO(text, newline=""))  # a bare \r ends a line: as the file says
    # Lists of lines chained in C: no Python code runs a line.
    return chain.from_iterable(_pieces(text))


def _pieces(text: str) -> Iterator[list[str]]:
    """The lines of *text*, a piece of about a megabyte at a time, each ending at a line end.

    A piece is split by str.splitlines (in C) unless it holds a character that splitlines
    also takes for a line end and the csv module does not: then at each line feed.
    """
    start, size = 0, len(text)
    while start < size:
        end = text.rfind("\n", start, start + _PIECE)
        if end < 0:
            end = text.find("\n", start + _PIECE)
            if end < 0:
                end = size - 1
        piece = text[start : end + 1]
        if _OTHER_LINE_ENDS.search(piece) is None:
            yield piece.splitlines(keepends=True)
        else:
            lines = piece.split("\n")
            last = lines.pop()
            yield [line + "\n" for line in lines] + ([last] if last else [])
        start = end + 1


def read_csv_text(
    text: str,
    source: str,
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
) -> Batch:
    """Read long-form CSV text (see :func:`read_csv`)."""
    builder = BatchBuilder(source, institution=institution, mapping=mapping)
    reader = csv.reader(_lines(text))
    header: list[str] | None = None
    for header_row in reader:
        if any(cell.strip() for cell in header_row):
            header = [cell.strip().lstrip("\ufeff").lower() for cell in header_row]
            break
    if header is None:
        builder.problem("", "the file is empty (expected a header: indicator,unit,period,value)")
        return builder.build()
    row_number = reader.line_num
    positions: dict[str, int] = {}
    for index, column in enumerate(header):
        where = f"row {row_number}, column {_letter(index)}"
        if column not in COLUMNS:
            builder.problem(where, f"unknown column {column!r} (expected: {', '.join(COLUMNS)})")
        elif column in positions:
            builder.problem(where, f"column {column!r} appears twice")
        else:
            positions[column] = index
    missing = [c for c in _REQUIRED if c not in positions]
    if missing:
        builder.problem(f"row {row_number}", f"missing columns: {', '.join(missing)}")
    if builder.has_problems:
        return builder.build()
    columns = {field: f"{_letter(i)} ({field})" for field, i in positions.items()}
    # Where each field stands in a row (None: no such column), looked up once for the file;
    # `got` below follows the order of COLUMNS.
    spots = [positions.get(field) for field in COLUMNS]
    width = len(header)
    record = row_number
    # A file of the four required columns (and options, perhaps) takes the quick way for each
    # sound row without options.
    optional = positions.get("options")
    plain = len(positions) - (optional is not None) == len(_REQUIRED) and len(positions) == width
    first, second, third, fourth = (positions.get(field, 0) for field in _REQUIRED)
    while True:
        if plain:
            # The plain rows in one go; back here for any other row, then on again.
            record, stopped = builder.quick_rows(
                reader, record, (first, second, third, fourth), width, optional
            )
            if stopped is None:
                break
            cells = stopped
        else:
            row = next(reader, None)
            if row is None:
                break
            cells = row
            record += 1
        if not any(cells) or not any(cell.strip() for cell in cells):
            continue
        location = f"row {record}"
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            builder.problem(location, f"{len(cells)} cells, but the header names {width} columns")
            continue
        if any(cell[:1] == "'" for cell in cells):
            cells = [_unneutralise(cell) for cell in cells]
        size = len(cells)
        got = [cells[i] if i is not None and i < size else None for i in spots]
        read_cells(
            builder,
            location,
            indicator=got[0],
            unit=got[1],
            period=got[2],
            value=got[3],
            status=got[4],
            submitted_at=got[5],
            submitted_by=got[6],
            comment=got[7],
            options=got[8],
            columns=columns,
        )
    return builder.build()


def _value_cell(value: DataValue) -> str:
    raw = value.value
    if value.status is not ValueStatus.REPORTED or raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if value.qualifier:
        return value.stated  # 480余, 约500: never a formula
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, Decimal):
        return f"{raw:f}"
    return neutralise(raw)


def write_csv(values: Iterable[DataValue]) -> str:
    """The values as long-form CSV text (with a BOM), formulas neutralised (see the module)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for value in values:
        writer.writerow(
            [
                neutralise(value.indicator),
                neutralise(value.unit),
                neutralise(str(value.period)),
                _value_cell(value),
                value.status.value,
                value.submitted_at.isoformat() if value.submitted_at is not None else "",
                neutralise(value.submitted_by),
                neutralise(value.comment),
                ",".join(value.options),
            ]
        )
    return "\ufeff" + out.getvalue()
