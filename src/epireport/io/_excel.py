"""Fillable daily-report workbooks (.xlsx): writing the form, reading it back.

A form has an instructions sheet (填表说明), one sheet per indicator set of the institution and a
hidden sheet ``_epireport`` holding the institution, the period and the org units. Each report
sheet has Chinese headers in row 1 (``户外广告牌（块）``) and the codes in hidden row 2
(``unit``, ``period``, ``indicator:billboards``, ``zero_report`` ...): ingest reads the codes,
so renamed headers, moved sheets or renamed sheets do not break it. Data starts at row 3, one
row per unit and day; cells carry validation (non-negative whole numbers for counts, 是/否
lists for flags and for the 零报告 column).

Reading rules (every rejected cell is a :class:`~epireport.exceptions.Problem` located as
``daily.xlsx: sheet 社会宣传, row 12, column C``):

- an empty figure cell is not reported (missing), never zero; a row with nothing filled in
  (a pre-filled row nobody used) is skipped;
- 零报告 = 是 makes every numeric figure of the row an explicit zero-report; a figure other
  than 0 in such a row is a contradiction and is refused;
- figures are normalised by :func:`~epireport.io._normalise.normalise_value`;
- 填报人 and 备注 apply to every value of their row.

openpyxl (the ``epireport[excel]`` extra) is imported only inside these functions.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from epireport.exceptions import ModelError, Problem, UsageError
from epireport.io._normalise import (
    Batch,
    BatchBuilder,
    CodeMapping,
    normalise_period,
    normalise_value,
)
from epireport.model._indicators import Indicator, IndicatorKind, IndicatorSet, ValueType
from epireport.model._institution import Institution
from epireport.model._periods import Period
from epireport.model._units import OrgTree, OrgUnit
from epireport.model._values import DataValue, ValueStatus

__all__ = ["FORM_VERSION", "META_SHEET", "form_rows", "read_form", "write_form"]

#: The name of the hidden sheet that marks a workbook as an epireport form.
META_SHEET: Final = "_epireport"
#: The version of the form layout written in the hidden sheet.
FORM_VERSION: Final = 1
_INSTRUCTIONS: Final = "填表说明"
_FIRST_ROW: Final = 3
_BLANK_ROWS: Final = 1000
_FIXED_BEFORE: Final = (("unit", "单位编码"), ("unit_name", "单位名称"), ("period", "日期"))
_FIXED_AFTER: Final = (("zero_report", "零报告"), ("submitted_by", "填报人"), ("comment", "备注"))
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
    is pre-filled with the unit's code, name and the date.
    """
    openpyxl = _require_openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    tree = OrgTree(tuple(units)) if units is not None else None
    sets = [s for s in institution.indicator_sets if _form_indicators(s)]
    if not sets:
        raise UsageError(f"institution {institution.name!r} has no indicator to report in a form")
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
    meta.append(["institution", institution.name])
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


def read_form(
    path: str | os.PathLike[str],
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
    name: str | None = None,
) -> Batch:
    """Read a filled-in form into a :class:`Batch` (values, or every problem located).

    The form names its institution in its hidden sheet; given *institution* it must be the
    same one, and figures are checked against it.
    """
    openpyxl = _require_openpyxl()
    p = Path(path)
    source = name or str(p)
    try:
        wb = openpyxl.load_workbook(p, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises a zoo of exceptions for a non-workbook
        return Batch(source, problems=(Problem(source, f"cannot read the workbook: {exc}"),))
    builder = BatchBuilder(source, institution=institution, mapping=mapping)
    if META_SHEET not in wb.sheetnames:
        builder.problem(
            "",
            f"not an epireport form (no hidden sheet {META_SHEET!r}); "
            "make one with: epireport form INSTITUTION",
        )
        return builder.build()
    declared = _read_meta(wb[META_SHEET], builder)
    if institution is not None and declared is not None and declared != institution.name:
        builder.problem(
            f"sheet {META_SHEET}", f"this form is for {declared!r}, not {institution.name!r}"
        )
        return builder.build()
    builder.declared_institution = declared
    found = False
    for ws in wb.worksheets:
        if ws.title in (META_SHEET,):
            continue
        codes = [cell.value for cell in ws[2]] if ws.max_row >= 2 else []
        if "unit" not in codes or "period" not in codes:
            continue
        found = True
        _read_sheet(ws, codes, builder)
    if not found:
        builder.problem("", "no report sheet found (the hidden code row 2 was removed?)")
    wb.close()
    return builder.build()


def _read_meta(ws: Any, builder: BatchBuilder) -> str | None:
    institution: str | None = None
    for index, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if not row or row[0] is None:
            continue
        key = row[0]
        if key == "institution" and len(row) > 1 and isinstance(row[1], str):
            institution = row[1]
        elif key == "unit":
            cells = [*row[1:7], *[None] * 6][:6]
            code, unit_name, parent, level, opening, closing = cells
            try:
                builder.units.append(
                    OrgUnit(
                        str(code),
                        str(unit_name),
                        str(parent) if not _blank(parent) else None,
                        int(str(level)) if not _blank(level) else None,
                        dt.date.fromisoformat(str(opening)) if not _blank(opening) else None,
                        dt.date.fromisoformat(str(closing)) if not _blank(closing) else None,
                    )
                )
            except (ModelError, ValueError, TypeError) as exc:
                builder.problem(f"sheet {META_SHEET}, row {index}", f"bad org unit: {exc}")
    return institution


def _read_sheet(ws: Any, codes: list[Any], builder: BatchBuilder) -> None:
    sheet = f"sheet {ws.title}"
    columns: dict[str, int] = {}
    indicator_cols: list[tuple[int, str, Indicator | None]] = []
    for index, code in enumerate(codes):
        if not isinstance(code, str) or not code:
            continue
        if code.startswith(_PREFIX):
            try:
                mapped, found = builder.indicator(code[len(_PREFIX) :])
            except ModelError as exc:
                builder.problem(f"{sheet}, row 2, column {_letter(index + 1)}", str(exc))
                continue
            indicator_cols.append((index, mapped, found))
        else:
            columns[code] = index
    for row_index, row in enumerate(
        ws.iter_rows(min_row=_FIRST_ROW, values_only=True), start=_FIRST_ROW
    ):
        _read_row(builder, sheet, row_index, row, columns, indicator_cols)


def _read_row(
    builder: BatchBuilder,
    sheet: str,
    row_index: int,
    row: Sequence[Any],
    columns: dict[str, int],
    indicator_cols: list[tuple[int, str, Indicator | None]],
) -> None:
    def cell(code: str) -> Any:
        index = columns.get(code)
        return row[index] if index is not None and index < len(row) else None

    def at(index: int) -> str:
        return f"{sheet}, row {row_index}, column {_letter(index + 1)}"

    figures = [(i, code, ind, row[i] if i < len(row) else None) for i, code, ind in indicator_cols]
    zero_raw = cell("zero_report")
    filled = [f for f in figures if not _blank(f[3])]
    if not filled and _blank(zero_raw) and _blank(cell("comment")):
        return  # a pre-filled row nobody used: nothing was reported
    location = f"{sheet}, row {row_index}"
    ok = True
    unit = _text(cell("unit"))
    try:
        if unit is None:
            raise ModelError("expected the unit's code, got an empty cell")
        unit = builder.unit(unit)
    except ModelError as exc:
        builder.problem(at(columns["unit"]), str(exc))
        ok = False
    period: Period | None = None
    try:
        period = normalise_period(cell("period"))
    except ModelError as exc:
        builder.problem(at(columns["period"]), str(exc))
        ok = False
    zero = False
    if not _blank(zero_raw):
        word = str(zero_raw).strip().lower()
        if word in _YES:
            zero = True
        elif word not in _NO:
            builder.problem(at(columns["zero_report"]), f"expected 是 or 否, got {zero_raw!r}")
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
                status, value = normalise_value(raw, indicator)
            except ModelError as exc:
                builder.problem(at(index), str(exc))
                ok = False
                continue
            if status is not ValueStatus.REPORTED or value != 0:
                builder.problem(
                    at(index),
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
            status, value = normalise_value(raw, indicator)
        except ModelError as exc:
            builder.problem(at(index), str(exc))
            ok = False
            continue
        parsed.append((index, code, indicator, status, value))
    if not ok or unit is None or period is None:
        return
    for index, code, indicator, status, value in parsed:
        try:
            data_value = DataValue(
                code,
                unit,
                period,
                status,
                value,
                submitted_by=texts["submitted_by"],
                comment=texts["comment"],
            )
        except ModelError as exc:
            builder.problem(at(index), str(exc))
            continue
        builder.add(data_value, f"{location}, column {_letter(index + 1)}", indicator)
