"""Fillable daily-report workbooks (.xlsx): writing the form, reading it back.

A form has an instructions sheet (填表说明), one sheet per indicator set of the institution and a
hidden sheet ``_epireport`` holding the institution, the period and the org units. Each report
sheet has Chinese headers in row 1 (``户外广告牌（块）``) and the codes in hidden row 2
(``unit``, ``period``, ``indicator:billboards``, ``zero_report``, ``submitted_at`` ...): ingest
reads the codes, so renamed headers, moved sheets or renamed sheets do not break it. Data
starts at row 3, one row per unit and day; cells carry validation (non-negative whole numbers
for counts, 是/否 lists for flags and for the 零报告 column, a date and time for 填报时间).

Reading rules (every rejected cell is a :class:`~epireport.exceptions.Problem` located as
``daily.xlsx: sheet 社会宣传, row 12, column C``):

- a form is checked against itself: a row's unit must be in the form's own unit list (when it
  has one) and its date must be a single day (``2020-02-01``, ``2020/2/1``, ``2020年2月1日``
  or a date cell) within the form's period (when it has one);
- an empty figure cell is not reported (missing), never zero; a row without figures, 零报告
  or 备注 is an empty row: nothing reported, and no error;
- every row naming a valid unit and day, filled or not, puts all the indicator cells of its
  sheet in :attr:`Batch.scope <epireport.io._normalise.Batch.scope>` (a cell cleared in a
  re-sent form withdraws the value stored for it), provided its unit has anything typed in
  some row of the file: each unit's copy of a shared workbook speaks for that unit alone;
- 零报告 = 是 makes every numeric figure of the row an explicit zero-report; a figure other
  than 0 in such a row is a contradiction and is refused;
- figures are normalised by :func:`~epireport.io._normalise.normalise_value`;
- 填报人, 填报时间 (each value's ``submitted_at``) and 备注 apply to every value of their row;
  a 填报时间 before the day reported or in the future is refused, since it decides which of
  two copies of a report wins;
- nothing is read silently as empty: a formula without a saved result (written by a program,
  never opened and saved in Excel or WPS) and merged cells over the data are refused.

Forms hold totals only: an institution with an indicator split by categories (返乡人员 by
来源地) gets no form (:func:`write_form` says which indicators and what to use instead: a CSV
with an ``options`` column, DHIS2 JSON or a report file), since a form would lose the
breakdown without a word.

openpyxl (the ``epireport[excel]`` extra) is imported only inside these functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from epireport.exceptions import ModelError, Problem, UsageError
from epireport.io._columns import State
from epireport.io._normalise import (
    Batch,
    BatchBuilder,
    CodeMapping,
    _remembered,
    normalise_period,
    normalise_timestamp,
)
from epireport.model._indicators import Indicator, IndicatorKind, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period, PeriodType
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus

__all__ = ["FORM_VERSION", "META_SHEET", "form_rows", "read_form", "write_form"]

#: The name of the hidden sheet that marks a workbook as an epireport form.
META_SHEET: Final = "_epireport"
#: The version of the form layout written in the hidden sheet.
FORM_VERSION: Final = 2
_INSTRUCTIONS: Final = "填表说明"
_FIRST_ROW: Final = 3
_BLANK_ROWS: Final = 1000
_FIXED_BEFORE: Final = (("unit", "单位编码"), ("unit_name", "单位名称"), ("period", "日期"))
_FIXED_AFTER: Final = (
    ("zero_report", "零报告"),
    ("submitted_by", "填报人"),
    ("submitted_at", "填报时间"),
    ("comment", "备注"),
)
_STAMP_FORMAT: Final = "yyyy-mm-dd hh:mm"
_PREFIX: Final = "indicator:"
_YES: Final = frozenset({"是", "yes", "y", "true", "1"})
_NO: Final = frozenset({"否", "no", "n", "false", "0"})
_BAD_SHEET_CHARS: Final = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _require_openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise UsageError("Excel forms need openpyxl: pip install 'epireport[excel]'") from None
    return openpyxl


@functools.cache
def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _header(indicator: Indicator) -> str:
    return f"{indicator.name}（{indicator.classifier}）" if indicator.classifier else indicator.name


def _form_indicators(indicator_set: IndicatorSet) -> tuple[Indicator, ...]:
    # Rates and ratios are computed from their numerator and denominator, never typed in.
    return tuple(i for i in indicator_set.indicators if not i.is_computed)


def form_rows(
    tree: OrgTree | None, period: Period | None
) -> list[tuple[OrgUnit | None, dt.date | None]]:
    """The pre-filled rows: every reporting unit (the leaves) for every day it is open.

    Without units there are no rows; without a period, one row per unit with an empty date.
    """
    if tree is None:
        return []
    units = tree.leaves()
    if period is None:
        return [(unit, None) for unit in units]
    return [(unit, day) for day in period.iter_days() for unit in units if unit.is_open_on(day)]


def _sheet_titles(sets: Sequence[IndicatorSet]) -> list[str]:
    titles: list[str] = []
    for indicator_set in sets:
        base = indicator_set.title.translate(_BAD_SHEET_CHARS).strip("'")[:28] or "报表"
        title, n = base, 2
        while title in titles or title in (_INSTRUCTIONS, META_SHEET):
            title, n = f"{base}{n}", n + 1
        titles.append(title)
    return titles


def write_form(
    institution: Institution,
    *,
    units: Iterable[OrgUnit] | None = None,
    period: Period | None = None,
) -> bytes:
    """The fillable workbook for *institution* as .xlsx bytes (see the module docstring).

    With *units* (they must form a tree) one row per reporting unit (leaf) and day of *period*
    is pre-filled with the unit's code, name and the date. Raises :class:`UsageError` when an
    indicator of the form is split by categories: a form has no cells for category options.
    """
    split = [
        f"{indicator.code} ({indicator.name}, by "
        f"{'/'.join(category.name for category in indicator.categories)})"
        for indicator_set in institution.indicator_sets
        for indicator in _form_indicators(indicator_set)
        if indicator.categories
    ]
    if split:
        raise UsageError(
            f"institution {institution.code!r} splits {', '.join(split)} by categories, and a "
            "form has cells for totals only: the breakdown would be lost; collect these "
            "figures as CSV with an options column (indicator,unit,period,value,options), "
            "DHIS2 JSON or report files"
        )
    openpyxl = _require_openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    tree = OrgTree(tuple(units)) if units is not None else None
    sets = [s for s in institution.indicator_sets if _form_indicators(s)]
    if not sets:
        raise UsageError(f"institution {institution.code!r} has no indicator to report in a form")
    rows = form_rows(tree, period)
    last_row = _FIRST_ROW - 1 + (len(rows) if rows else _BLANK_ROWS)

    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = _INSTRUCTIONS
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    titles = _sheet_titles(sets)
    _write_instructions(guide, institution, sets, titles, period, bold)

    for indicator_set, title in zip(sets, titles, strict=True):
        ws = wb.create_sheet(title)
        indicators = _form_indicators(indicator_set)
        columns: list[tuple[str, str]] = [
            *_FIXED_BEFORE,
            *((f"{_PREFIX}{i.code}", _header(i)) for i in indicators),
            *_FIXED_AFTER,
        ]
        for col, (code, header) in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=col, value=header)
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            ws.cell(row=2, column=col, value=code)
            ws.column_dimensions[_letter(col)].width = max(10, 2 * len(header) + 2)
        ws.row_dimensions[2].hidden = True
        ws.freeze_panes = ws.cell(row=_FIRST_ROW, column=len(_FIXED_BEFORE) + 1)
        for offset, (unit, day) in enumerate(rows):
            r = _FIRST_ROW + offset
            if unit is not None:
                ws.cell(row=r, column=1, value=unit.code).number_format = "@"
                ws.cell(row=r, column=2, value=unit.name)
            if day is not None:
                ws.cell(row=r, column=3, value=day).number_format = "yyyy-mm-dd"
        yes_no = DataValidation(
            type="list",
            formula1='"是,否"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请选择",
            error="请选择“是”或“否”",
        )
        ws.add_data_validation(yes_no)
        zero_col = len(_FIXED_BEFORE) + len(indicators) + 1
        yes_no.add(f"{_letter(zero_col)}{_FIRST_ROW}:{_letter(zero_col)}{last_row}")
        stamp_col = zero_col + 2
        stamp = _letter(stamp_col)
        when = DataValidation(
            type="date",
            operator="greaterThanOrEqual",
            formula1="DATE(2000,1,1)",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="填报时间有误",
            error="请填写日期和时间，如 2020-02-02 08:30",
            showInputMessage=True,
            promptTitle="填报时间",
            prompt="如 2020-02-02 08:30；改正数据后请改为改正的时间",
        )
        ws.add_data_validation(when)
        when.add(f"{stamp}{_FIRST_ROW}:{stamp}{last_row}")
        # The column style covers rows typed by hand; pre-filled rows get the format as well,
        # since a cell's own format is what Excel and WPS apply first.
        ws.column_dimensions[stamp].number_format = _STAMP_FORMAT
        ws.column_dimensions[stamp].width = 18
        for offset in range(len(rows)):
            ws.cell(row=_FIRST_ROW + offset, column=stamp_col).number_format = _STAMP_FORMAT
        for offset, indicator in enumerate(indicators):
            letter = _letter(len(_FIXED_BEFORE) + 1 + offset)
            target = f"{letter}{_FIRST_ROW}:{letter}{last_row}"
            if indicator.value_type is ValueType.BOOLEAN:
                yes_no.add(target)
                continue
            rule = _validation(indicator)
            if rule is not None:
                ws.add_data_validation(rule)
                rule.add(target)
        if not rows:
            ws.cell(row=_FIRST_ROW, column=1).number_format = "@"

    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append(["format", "epireport-form"])
    meta.append(["version", FORM_VERSION])
    meta.append(["institution", institution.code])
    meta.append(["period", str(period) if period is not None else ""])
    meta.append(["units", "code", "name", "parent", "level", "opening", "closing"])
    for unit in tree or ():
        meta.append(
            [
                "unit",
                unit.code,
                unit.name,
                unit.parent or "",
                unit.level or "",
                unit.opening.isoformat() if unit.opening else "",
                unit.closing.isoformat() if unit.closing else "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _validation(indicator: Indicator) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    counts = indicator.kind in (IndicatorKind.FLOW, IndicatorKind.STOCK)
    if indicator.value_type is ValueType.INTEGER:
        kind, message = "whole", "请填写整数"
    elif indicator.value_type in (ValueType.DECIMAL, ValueType.PERCENTAGE):
        kind, message = "decimal", "请填写数字"
    else:
        return None
    if counts:
        message = "请填写非负整数，不加单位" if kind == "whole" else "请填写非负数，不加单位"
        return DataValidation(
            type=kind,
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="数据有误",
            error=message,
        )
    return DataValidation(
        type=kind,
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="数据有误",
        error=message,
    )


def _write_instructions(
    ws: Any,
    institution: Institution,
    sets: Sequence[IndicatorSet],
    titles: Sequence[str],
    period: Period | None,
    bold: Any,
) -> None:
    when = f"（{period.label()}）" if period is not None else ""
    ws.append([f"{institution.title}日报表填表说明{when}"])
    ws["A1"].font = bold
    lines = [
        "1. 每个工作表是一张报表，每行填写一个单位一天的数据；单位编码和日期已预填的，请勿修改。",
        "2. 数量请填阿拉伯数字，不加单位、不写“余”“约”“近”等字，如填 120，不填“120块”或“1万余”。",
        "3. 某单位当天确无工作量的，请在“零报告”列选择“是”，该行数量留空；不要用 0 代替未报。",
        "4. 留空的单元格视为未报送，不视为 0；确不适用的填“不适用”。",
        "5. 表头文字可以修改，但请勿删除隐藏的第 2 行和隐藏的工作表，否则无法导入。",
        "6. 填报人、备注可选填，备注适用于该行的全部数据。",
        "7. 填报时间请填写本行数据填好的时间，如 2020-02-02 08:30。改正数据后重新报送的，请把该行的"
        "填报时间改为改正的时间：同一数据以填报时间较晚的为准，较早的副本再次报送不会改动数据。",
        "8. 要撤回已报送的数据，清空该单元格（整行撤回的，清空该行的全部数量）后重新报送整个文件。",
        "9. 单位编码只能填本表所列的单位；日期只能填本表期间内的某一天（如 2020-02-01），"
        "不能填月份或年份。",
        "10. 请勿合并单元格；数量请直接填写数字，用了公式的，请在 Excel 或 WPS 中"
        "打开并保存后再报送。",
        "",
    ]
    for line in lines:
        ws.append([line])
    ws.append(["报表", "指标", "编码", "计量单位", "填写要求"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for indicator_set, title in zip(sets, titles, strict=True):
        for indicator in _form_indicators(indicator_set):
            ws.append(
                [title, indicator.name, indicator.code, indicator.classifier, _rule_text(indicator)]
            )
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["E"].width = 24


def _rule_text(indicator: Indicator) -> str:
    vt = indicator.value_type
    counts = indicator.kind in (IndicatorKind.FLOW, IndicatorKind.STOCK)
    if vt is ValueType.INTEGER:
        return "非负整数" if counts else "整数"
    if vt is ValueType.DECIMAL:
        return "数字，可有小数"
    if vt is ValueType.PERCENTAGE:
        return "百分数（0-100）"
    if vt is ValueType.BOOLEAN:
        return "是/否"
    return "文字"


# ------------------------------------------------------------------------------------ reading


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # a code typed as digits: Excel made it a number
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@attrs.frozen
class _Uncomputed:
    """A formula cell without a saved result: openpyxl reads it as empty, we must not."""

    formula: str


@attrs.define
class _FormMeta:
    """What the hidden sheet says about the form itself."""

    institution: str | None = None
    period: Period | None = None
    #: The form's own unit list, code -> name (empty: the form has none, any code is read).
    units: dict[str, str] = attrs.Factory(dict)


@attrs.define
class _Scope:
    """The cells a form speaks for: every row of the units that speak in it, filled or not.

    A unit speaks in a file when one of its rows there has anything typed in it beyond its
    code and date (a figure, 零报告, 填报人, 填报时间 or 备注). A workbook shared by several
    units comes back once from each of them, every copy with the other units' rows empty;
    those copies must not withdraw the other units' figures.
    """

    rows: dict[tuple[str, Period], list[str]] = attrs.Factory(dict)
    speaking: set[str] = attrs.Factory(set)

    def add(self, unit: str, period: Period, indicators: Iterable[str], speaks: bool) -> None:
        codes = self.rows.setdefault((unit, period), [])
        codes.extend(code for code in indicators if code not in codes)
        if speaks:
            self.speaking.add(unit)

    def cells(self) -> list[tuple[str, str, Period]]:
        return [
            (code, unit, period)
            for (unit, period), codes in self.rows.items()
            if unit in self.speaking
            for code in codes
        ]


_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A formula element in a worksheet part, with or without a namespace prefix.
_FORMULA_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_MERGE_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell[\s>/]")
_MAX_LISTED: Final = 30


def read_form(
    path: str | os.PathLike[str],
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
    name: str | None = None,
) -> Batch:
    """Read a filled-in form into a :class:`Batch` (values, or every problem located).

    The form names its institution in its hidden sheet; given *institution* it must be the
    same one, and figures are checked against it. Rows are checked against the form's own
    unit list and period, and every row naming a unit and a day puts its sheet's indicator
    cells in the batch's ``scope`` (see the module docstring).
    """
    openpyxl = _require_openpyxl()
    p = Path(path)
    source = name or str(p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        return Batch(source, problems=(Problem(source, f"cannot read the file: {exc.strerror}"),))
    has_formulas, has_merges = _features(data)
    # A workbook without formulas or merged cells (a form as epireport writes it, filled in)
    # is streamed row by row: a tenth of the memory and half the time of building every
    # cell. The others are read whole, which their checks need (see _uncomputed_formulas).
    streamed = not (has_formulas or has_merges)
    try:
        # A stream, not the path: openpyxl would refuse a workbook by its file name alone.
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=streamed)
    except Exception:  # openpyxl raises a zoo of exceptions for a non-workbook
        return Batch(source, problems=(Problem(source, _not_a_workbook(p.name, data)),))
    if streamed:
        for ws in wb.worksheets:
            # The size a sheet declares may be stale (some tools never update it): streamed
            # rows would stop there, and the cells after it would be lost without a word.
            ws.reset_dimensions()
    builder = BatchBuilder(source, institution=institution, mapping=mapping)
    if META_SHEET not in wb.sheetnames:
        builder.problem(
            "",
            f"not an epireport form (no hidden sheet {META_SHEET!r}); "
            "make one with: epireport form INSTITUTION",
        )
        return builder.build()
    meta = _read_meta(wb[META_SHEET], builder)
    if institution is not None and meta.institution not in (None, institution.code):
        builder.problem(
            f"sheet {META_SHEET}",
            f"this form is for {meta.institution!r}, not {institution.code!r}",
        )
        return builder.build()
    builder.declared_institution = meta.institution
    formulas = _uncomputed_formulas(openpyxl, data, wb) if has_formulas else {}
    scope = _Scope()
    found = False
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        codes = list(next(ws.iter_rows(min_row=2, max_row=2, values_only=True), ()))
        if "unit" not in codes or "period" not in codes:
            continue
        found = True
        _SheetReader(builder, meta, ws, codes, formulas.get(ws.title, {}), scope).read()
    if not found:
        builder.problem("", "no report sheet found (the hidden code row 2 was removed?)")
    builder.scope.extend(scope.cells())
    wb.close()
    return builder.build()


def _not_a_workbook(name: str, data: bytes) -> str:
    if data.startswith(_OLE_MAGIC):
        return (
            f"{name} is an old-style Excel workbook (.xls): open it in Excel or WPS and save it "
            "as an Excel workbook (.xlsx)"
        )
    if data.startswith(b"PK"):
        return (
            f"{name} is damaged or is not an Excel workbook (.xlsx): open it in Excel or WPS "
            "and save it as .xlsx again"
        )
    return f"{name} is not an Excel workbook (.xlsx): save it from Excel or WPS as .xlsx"


def _features(data: bytes) -> tuple[bool, bool]:
    """Whether any worksheet of the workbook holds a formula, and any merged cells.

    Read from the worksheets' XML (a scan of bytes) before openpyxl reads the workbook;
    a file that cannot be scanned is taken to hold both (openpyxl then says what it is).
    """
    formulas = merges = False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                    xml = archive.read(member)
                    # A substring test first (memchr-fast): the regular expressions only when
                    # such a tag may be there at all (a filled-in form has neither).
                    formulas = formulas or (
                        (b"<f" in xml or b":f" in xml) and _FORMULA_TAG.search(xml) is not None
                    )
                    merges = merges or (b"mergeCell" in xml and _MERGE_TAG.search(xml) is not None)
    except (zipfile.BadZipFile, OSError, ValueError):
        return True, True
    return formulas, merges


def _uncomputed_formulas(openpyxl: Any, data: bytes, values: Any) -> dict[str, dict[Any, str]]:
    """Formula cells whose saved result is missing: ``{sheet: {(row, column): formula}}``.

    openpyxl reads the saved result of a formula (``data_only``), and ``None`` when there is
    none, which is indistinguishable from an empty cell. The workbook is read a second time,
    with formulas, only when some worksheet holds one (:func:`_features`): most forms have
    none.
    """
    found: dict[str, dict[Any, str]] = {}
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    try:
        for ws in wb.worksheets:
            if ws.title == META_SHEET:
                continue
            computed = values[ws.title]
            for row in ws.iter_rows(min_row=_FIRST_ROW):
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    if computed.cell(row=cell.row, column=cell.column).value is None:
                        text = getattr(cell.value, "text", cell.value)
                        formula = str(text or "")
                        if not formula.startswith("="):
                            formula = f"={formula}"
                        found.setdefault(ws.title, {})[(cell.row, cell.column)] = formula
    finally:
        wb.close()
    return found


def _read_meta(ws: Any, builder: BatchBuilder) -> _FormMeta:
    meta = _FormMeta()
    for index, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if not row or row[0] is None:
            continue
        key = row[0]
        if key == "institution" and len(row) > 1 and isinstance(row[1], str):
            meta.institution = row[1]
        elif key == "period" and len(row) > 1 and not _blank(row[1]):
            try:
                meta.period = Period.parse(str(row[1]))
            except ModelError as exc:
                builder.problem(f"sheet {META_SHEET}, row {index}", f"bad form period: {exc}")
        elif key == "unit":
            cells = [*row[1:7], *[None] * 6][:6]
            code, unit_name, parent, level, opening, closing = cells
            where = f"sheet {META_SHEET}, row {index}"
            try:
                unit = OrgUnit(
                    str(code),
                    str(unit_name),
                    str(parent) if not _blank(parent) else None,
                    _meta_level(level),
                    _meta_day(opening, "opening"),
                    _meta_day(closing, "closing"),
                )
            except ModelError as exc:
                builder.problem(where, f"bad org unit (the form's hidden unit list): {exc}")
                continue
            builder.units.append(unit)
            meta.units[unit.code] = unit.name
    return meta


def _meta_level(raw: object) -> int | None:
    """A unit's level in the hidden sheet: a whole number from 1, or empty."""
    if _blank(raw):
        return None
    text = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text.isdecimal() or int(text) < 1:
        raise ModelError(f"level (column E): expected a whole number from 1, got {text!r}")
    return int(text)


def _meta_day(raw: object, field: str) -> dt.date | None:
    """A unit's opening or closing day in the hidden sheet: a date, YYYY-MM-DD, or empty."""
    if _blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    column = "F" if field == "opening" else "G"
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ModelError(
            f"{field} (column {column}): expected a date (YYYY-MM-DD), got {str(raw)!r}"
        ) from None


def _span(period: Period) -> str:
    first, last = period.start.isoformat(), period.last_day.isoformat()
    return first if first == last else f"{first}/{last}"


def _shown(raw: object) -> str:
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return repr(raw) if isinstance(raw, str) else str(raw)


class _SheetReader:
    """Reads the rows of one report sheet into the builder."""

    def __init__(
        self,
        builder: BatchBuilder,
        meta: _FormMeta,
        ws: Any,
        codes: list[Any],
        formulas: dict[Any, str],
        scope: _Scope,
    ) -> None:
        self.builder = builder
        self.scope = scope
        self.meta = meta
        self.ws = ws
        self.sheet = f"sheet {ws.title}"
        self.formulas = formulas
        self.columns: dict[str, int] = {}
        self.indicator_cols: list[tuple[int, str, Indicator | None]] = []
        self.now = dt.datetime.now()
        # Each distinct unit and day cell read once (a refusal remembered as its message).
        self._units: dict[str, tuple[str] | str] = {}
        self._days: dict[tuple[type, object], Period | str] = {}
        for index, code in enumerate(codes):
            if not isinstance(code, str) or not code:
                continue
            if code.startswith(_PREFIX):
                try:
                    mapped, found = builder.indicator(code[len(_PREFIX) :])
                except ModelError as exc:
                    builder.problem(f"{self.sheet}, row 2, column {_letter(index + 1)}", str(exc))
                    continue
                self.indicator_cols.append((index, mapped, found))
            else:
                self.columns[code] = index

    def at(self, row: int, index: int) -> str:
        return f"{self.sheet}, row {row}, column {_letter(index + 1)}"

    def read(self) -> None:
        merged = self._merged_rows()
        for row_index, row in enumerate(
            self.ws.iter_rows(min_row=_FIRST_ROW, values_only=True), start=_FIRST_ROW
        ):
            if row_index in merged:
                continue  # already refused: its cells are not what the clerk sees
            if self.formulas:
                row = tuple(
                    _Uncomputed(self.formulas[(row_index, i + 1)])
                    if value is None and (row_index, i + 1) in self.formulas
                    else value
                    for i, value in enumerate(row)
                )
            self._read_row(row_index, row)

    def _merged_rows(self) -> set[int]:
        """Refuse merged cells over the data; return the rows they cover."""
        covered: set[int] = set()
        if not hasattr(self.ws, "merged_cells"):
            return covered  # a streamed sheet: the workbook has no merged cells (_features)
        figure_cols = {index + 1 for index, _, _ in self.indicator_cols}
        data_cols = figure_cols | {index + 1 for index in self.columns.values()}
        for cell_range in sorted(self.ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            if cell_range.max_row < _FIRST_ROW:
                continue  # headers may be merged
            cols = set(range(cell_range.min_col, cell_range.max_col + 1))
            if not cols & data_cols:
                continue
            if cols & figure_cols:
                advice = "unmerge them and write each day's figure in its own cell"
            else:
                advice = "unmerge them and fill in every cell: each row is one unit and one day"
            first_row = max(cell_range.min_row, _FIRST_ROW)
            self.builder.problem(
                f"{self.sheet}, row {first_row}, column {_letter(cell_range.min_col)}",
                f"merged cells {cell_range.coord}: {advice}",
            )
            covered.update(range(first_row, cell_range.max_row + 1))
        return covered

    def _unit(self, raw: object) -> str:
        if type(raw) is not str:
            return self._read_unit(raw)
        # A tuple, since a remembered str is a refusal.
        return _remembered(self._units, raw, lambda: (self._read_unit(raw),))[0]

    def _read_unit(self, raw: object) -> str:
        text = _text(raw)
        if text is None:
            raise ModelError("expected the unit's code, got an empty cell")
        code = self.builder.unit(text)
        known = self.meta.units
        if known and code not in known:
            raise ModelError(_unknown_unit(text, known))
        return code

    def _day(self, raw: object) -> Period:
        if type(raw) not in (str, dt.datetime, dt.date, int):
            return self._read_day(raw)
        return _remembered(self._days, (type(raw), raw), lambda: self._read_day(raw))

    def _read_day(self, raw: object) -> Period:
        if _blank(raw):
            raise ModelError("expected a day such as 2020-02-01, got an empty cell")
        try:
            period = normalise_period(raw)
        except ModelError as exc:
            raise ModelError(
                f"expected a day such as 2020-02-01 (or 2020/2/1, 2020年2月1日), "
                f"got {_shown(raw)}: {exc}"
            ) from None
        if period.type is not PeriodType.DAY:
            raise ModelError(
                f"expected a day such as 2020-02-01, got {_shown(raw)} ({period.label()}): "
                "each row of a form is one unit's report for one day"
            )
        form_period = self.meta.period
        if form_period is not None and not form_period.contains(period.start):
            raise ModelError(
                f"{period.start.isoformat()} is outside this form's period {_span(form_period)}"
            )
        return period

    def _submitted_at(self, raw: object, day: Period | None) -> dt.datetime | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raise ModelError(
                f"expected a date and time such as 2020-02-02 08:30, got the number {raw!r} "
                "(format the cell as a date, or type the date and time)"
            )
        when = normalise_timestamp(raw)
        if when is None:
            return None
        if day is not None and when.date() < day.start:
            raise ModelError(
                f"填报时间 {when:%Y-%m-%d %H:%M} is before the day this row reports "
                f"({day.start.isoformat()}): a report is filled in on or after its day"
            )
        now = self.now if when.tzinfo is None else self.now.astimezone()
        # A day of slack for clocks and time zones; a mistyped year would otherwise make this
        # copy win over every later correction.
        if when > now + dt.timedelta(days=1):
            raise ModelError(f"填报时间 {when:%Y-%m-%d %H:%M} is in the future")
        return when

    def _add_scope(self, unit: str, period: Period, speaks: bool) -> None:
        self.scope.add(unit, period, (code for _, code, _ in self.indicator_cols), speaks)

    def _read_row(self, row_index: int, row: Sequence[Any]) -> None:
        builder, columns = self.builder, self.columns

        def cell(code: str) -> Any:
            index = columns.get(code)
            return row[index] if index is not None and index < len(row) else None

        uncomputed = (
            [(i, v) for i, v in enumerate(row) if isinstance(v, _Uncomputed)]
            if self.formulas  # only a sheet with formulas has such cells (read())
            else ()
        )
        for index, formula in uncomputed:
            builder.problem(
                self.at(row_index, index),
                f"a formula ({formula.formula}) without a saved result: open the file in Excel "
                "or WPS and save it, then send it again",
            )
        if uncomputed:
            return
        figures = [
            (i, code, ind, row[i] if i < len(row) else None) for i, code, ind in self.indicator_cols
        ]
        zero_raw = cell("zero_report")
        filled = [f for f in figures if not _blank(f[3])]
        if not filled and _blank(zero_raw) and _blank(cell("comment")):
            # An empty row: nothing reported, but a valid unit and day put its cells in scope,
            # so a value sent earlier for one of them and cleared since is withdrawn.
            # Without a valid unit and day the row speaks for no cell.
            speaks = not (_blank(cell("submitted_by")) and _blank(cell("submitted_at")))
            with contextlib.suppress(ModelError):
                self._add_scope(self._unit(cell("unit")), self._day(cell("period")), speaks)
            return
        ok = True
        unit: str | None = None
        try:
            unit = self._unit(cell("unit"))
        except ModelError as exc:
            builder.problem(self.at(row_index, columns["unit"]), str(exc))
            ok = False
        period: Period | None = None
        try:
            period = self._day(cell("period"))
        except ModelError as exc:
            builder.problem(self.at(row_index, columns["period"]), str(exc))
            ok = False
        if unit is not None and period is not None:
            self._add_scope(unit, period, True)
        zero = False
        if not _blank(zero_raw):
            word = str(zero_raw).strip().lower()
            if word in _YES:
                zero = True
            elif word not in _NO:
                builder.problem(
                    self.at(row_index, columns["zero_report"]),
                    f"expected 是 or 否, got {zero_raw!r}",
                )
                ok = False
        when: dt.datetime | None = None
        if "submitted_at" in columns:
            try:
                when = self._submitted_at(cell("submitted_at"), period)
            except ModelError as exc:
                builder.problem(self.at(row_index, columns["submitted_at"]), str(exc))
                ok = False
        texts = {}
        for code in ("submitted_by", "comment"):
            raw = cell(code)
            texts[code] = "" if _blank(raw) else str(raw).strip()
        if zero:
            for index, _code, indicator, raw in filled:
                numeric = indicator is None or indicator.is_numeric
                if not numeric:
                    continue
                try:
                    status, value = builder.value(raw, indicator)
                except ModelError as exc:
                    builder.problem(self.at(row_index, index), str(exc))
                    ok = False
                    continue
                if status is not ValueStatus.REPORTED or value != 0:
                    builder.problem(
                        self.at(row_index, index),
                        f"零报告 is 是, but this figure is {raw!r}: a zero-report has no figures "
                        "(clear the figure or set 零报告 to 否)",
                    )
                    ok = False
        parsed: list[tuple[int, str, Indicator | None, ValueStatus, Any]] = []
        for index, code, indicator, raw in figures:
            numeric = indicator is None or indicator.is_numeric
            if zero and numeric:
                parsed.append((index, code, indicator, ValueStatus.ZERO_REPORT, None))
                continue
            if _blank(raw):
                continue
            try:
                # Read and checked against the indicator once per distinct cell.
                status, value = builder.value(raw, indicator)
            except ModelError as exc:
                builder.problem(self.at(row_index, index), str(exc))
                ok = False
                continue
            parsed.append((index, code, indicator, status, value))
        if not ok or unit is None or period is None:
            return
        read: list[tuple[str, State, tuple[str, int, str]]] = []
        for index, code, indicator, status, value in parsed:
            if indicator is None:  # no institution to check against: every check, here
                try:
                    data_value = DataValue(
                        code,
                        unit,
                        period,
                        status,
                        value,
                        submitted_at=when,
                        submitted_by=texts["submitted_by"],
                        comment=texts["comment"],
                    )
                except ModelError as exc:
                    builder.problem(self.at(row_index, index), str(exc))
                    continue
                builder.add(data_value, self.at(row_index, index), indicator)
                continue
            # Every part was read and checked above (the figure against its indicator by
            # builder.value; a zero-report only for numeric ones): no value object is built.
            read.append(
                (
                    code,
                    (status, value, "", when, texts["submitted_by"], texts["comment"]),
                    (f"{self.sheet}, row ", row_index, f", column {_letter(index + 1)}"),
                )
            )
        if read:
            builder.add_read_row(unit, period, read)


def _unknown_unit(text: str, known: dict[str, str]) -> str:
    by_name = [code for code, unit_name in known.items() if unit_name == text]
    if by_name:
        hint = f"; {text} is the name of unit {by_name[0]!r}: write its code"
    else:
        folded = {code.casefold(): code for code in known}
        same = folded.get(text.casefold())
        close = [same] if same else difflib.get_close_matches(text, known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    codes = list(known)
    listed = ", ".join(codes[:_MAX_LISTED])
    if len(codes) > _MAX_LISTED:
        listed += f" and {len(codes) - _MAX_LISTED} more (see the hidden sheet {META_SHEET})"
    return f"unit {text!r} is not in this form's unit list{hint} (known: {listed})"
