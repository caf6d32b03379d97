"""DHIS2 dataValueSets JSON: reading what DHIS2 exports, writing what DHIS2 imports.

Read (every key of DHIS2's DataValueSet and DataValue; any other key is an error, because a
misspelt ``completedDate`` silently loses data)::

    {"dataSet": ..., "completeDate": ..., "period": ..., "orgUnit": ...,
     "attributeOptionCombo": ...,
     "dataValues": [{"dataElement", "period", "orgUnit", "categoryOptionCombo",
                     "attributeOptionCombo", "value", "storedBy", "created", "lastUpdated",
                     "comment", "followup", "deleted"}]}

``period`` and ``orgUnit`` at the top are the defaults of the values. ``dataElement`` and
``orgUnit`` go through the :class:`~epireport.io._normalise.CodeMapping` (identity when not
mapped), then are checked against the institution. A ``categoryOptionCombo`` or
``attributeOptionCombo`` must be mapped or declared a default combo: disaggregations are never
summed or chosen between silently. For a data element whose indicator is split by categories,
the ``categoryOptionCombo`` is read as the value's category options instead (through
``category_combos``; see :func:`read_dhis2_data`), and written back the same way.
``storedBy`` becomes ``submitted_by``, ``lastUpdated`` (else ``created``) ``submitted_at``;
``followup`` is accepted and not kept; ``deleted: true`` is refused (the store keeps history
instead of deleting).

Written: ``{"dataValues": [...]}`` with ``dataElement``, ``period``, ``orgUnit``, ``value`` (a
string, as DHIS2 writes it) and, when known, ``categoryOptionCombo``, ``storedBy``,
``lastUpdated`` and ``comment``. DHIS2 has no zero-report, not-applicable or missing state: a
zero-report is written as ``"0"`` (zero is significant), the other two are left out, and
:func:`write_dhis2` says how many. Periods DHIS2 has no id for (intervals, stages, 旬) are
refused.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from epireport.exceptions import ModelError, Problem, UsageError
from epireport.io._normalise import (
    Batch,
    BatchBuilder,
    CodeMapping,
    normalise_period,
    normalise_timestamp,
    read_cells,
)
from epireport.model._institution import Institution
from epireport.model._periods import PeriodType
from epireport.model._values import DataValue, ValueStatus

__all__ = ["looks_like_dhis2", "read_dhis2", "write_dhis2"]

_SET_KEYS: Final = (
    "dataSet",
    "completeDate",
    "period",
    "orgUnit",
    "attributeOptionCombo",
    "dataValues",
)
_VALUE_KEYS: Final = (
    "dataElement",
    "period",
    "orgUnit",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "value",
    "storedBy",
    "created",
    "lastUpdated",
    "comment",
    "followup",
    "deleted",
)
_NO_DHIS2_ID: Final = (PeriodType.INTERVAL, PeriodType.STAGE, PeriodType.TEN_DAYS)


def looks_like_dhis2(data: object) -> bool:
    """Whether parsed JSON is a dataValueSet (a mapping with ``dataValues``)."""
    return isinstance(data, Mapping) and "dataValues" in data


def _unknown(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {key!r} (not a DHIS2 dataValueSets field{hint})"


def read_dhis2(
    path: str | os.PathLike[str],
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
    name: str | None = None,
    category_combos: Mapping[str, Sequence[str]] | None = None,
) -> Batch:
    """Read a dataValueSets JSON file into a :class:`Batch` (values, or every problem).

    *category_combos* maps a ``categoryOptionCombo`` to the category options it stands for
    (see :func:`read_dhis2_data`).
    """
    p = Path(path)
    source = name or str(p)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        return Batch(source, problems=(Problem(source, f"cannot read: {exc.strerror or exc}"),))
    except UnicodeDecodeError as exc:
        return Batch(source, problems=(Problem(source, f"not UTF-8 (byte {exc.start})"),))
    except json.JSONDecodeError as exc:
        where = f"{source}: line {exc.lineno}, column {exc.colno}"
        return Batch(source, problems=(Problem(where, f"invalid JSON: {exc.msg}"),))
    return read_dhis2_data(
        data, source, institution=institution, mapping=mapping, category_combos=category_combos
    )


def read_dhis2_data(
    data: Any,
    source: str,
    *,
    institution: Institution | None = None,
    mapping: CodeMapping | None = None,
    category_combos: Mapping[str, Sequence[str]] | None = None,
) -> Batch:
    """Read an already parsed dataValueSet (see :func:`read_dhis2`).

    A ``categoryOptionCombo`` of a data element whose indicator is split by categories becomes
    the value's category options: *category_combos* maps the combo's uid to its option codes
    (one per category), and a combo not listed there is read as option codes itself
    (``wuhan``, or ``wuhan,teacher``). A default combo (or one the mapping maps with its
    element to an indicator) is read as before.
    """
    builder = BatchBuilder(source, institution=institution, mapping=mapping)
    combos = {k: tuple(v) for k, v in (category_combos or {}).items()}
    if not looks_like_dhis2(data):
        builder.problem("$", "expected a DHIS2 dataValueSet: a JSON object with dataValues")
        return builder.build()
    for key in data:
        if key not in _SET_KEYS:
            builder.problem(f"$.{key}", _unknown(key, _SET_KEYS))
    bad_defaults: set[str] = set()
    for key in ("dataSet", "orgUnit", "attributeOptionCombo"):
        if key in data and not isinstance(data[key], str):
            builder.problem(f"$.{key}", f"expected an id (text), got {data[key]!r}")
            bad_defaults.add(key)
    if "period" in data:
        try:
            normalise_period(data["period"])
        except ModelError as exc:
            builder.problem("$.period", str(exc))
            bad_defaults.add("period")
    if "completeDate" in data:
        complete = data["completeDate"]
        try:
            if not isinstance(complete, str):
                raise ValueError
            dt.datetime.fromisoformat(complete)
        except ValueError:
            builder.problem(
                "$.completeDate", f"expected a date such as 2014-02-03, got {complete!r}"
            )
    top_combo = data.get("attributeOptionCombo")
    if isinstance(top_combo, str) and top_combo not in builder.mapping.default_combos:
        builder.problem(
            "$.attributeOptionCombo",
            f"attribute option combo {top_combo!r} is not a declared default combo "
            "(list it under default_combos in the mapping if it means no disaggregation)",
        )
    values = data["dataValues"]
    if not isinstance(values, list):
        builder.problem("$.dataValues", f"expected a list of data values, got {values!r}")
        return builder.build()
    for index, item in enumerate(values):
        _read_value(builder, index, item, data, bad_defaults, combos)
    return builder.build()


def _read_value(
    builder: BatchBuilder,
    index: int,
    item: Any,
    defaults: Mapping[str, Any],
    bad_defaults: set[str],
    combos: Mapping[str, tuple[str, ...]],
) -> None:
    row = f"$.dataValues[{index}]"
    if not isinstance(item, Mapping):
        builder.problem(row, f"expected a data value object, got {item!r}")
        return
    ok = True
    for key in item:
        if key not in _VALUE_KEYS:
            builder.problem(f"{row}.{key}", _unknown(key, _VALUE_KEYS))
            ok = False
    fields: dict[str, Any] = {}
    for key in ("dataElement", "period", "orgUnit", "value"):
        if key in item:
            fields[key] = item[key]
        elif key in ("period", "orgUnit") and key in defaults:
            if key in bad_defaults:
                ok = False  # already reported once, at $.period or $.orgUnit
            fields[key] = defaults[key]
        else:
            builder.problem(f"{row}.{key}", "required key is missing")
            ok = False
    for key in ("categoryOptionCombo", "attributeOptionCombo", "storedBy", "comment"):
        if item.get(key) is not None and not isinstance(item[key], str):
            builder.problem(f"{row}.{key}", f"expected text, got {item[key]!r}")
            ok = False
    for key in ("followup", "deleted"):
        if key in item and not isinstance(item[key], bool):
            builder.problem(f"{row}.{key}", f"expected true or false, got {item[key]!r}")
            ok = False
    if item.get("deleted") is True:
        builder.problem(
            f"{row}.deleted",
            "a deleted value is not imported: the store keeps corrections, not deletions",
        )
        ok = False
    value_combo = item.get("attributeOptionCombo")
    if isinstance(value_combo, str) and value_combo not in builder.mapping.default_combos:
        builder.problem(
            f"{row}.attributeOptionCombo",
            f"attribute option combo {value_combo!r} is not a declared default combo",
        )
        ok = False
    if "value" in fields and not isinstance(fields["value"], str | int | float | bool):
        builder.problem(f"{row}.value", f"expected a value (text), got {fields['value']!r}")
        ok = False
    if not ok:
        return
    combo = item.get("categoryOptionCombo")
    if isinstance(combo, str) and _read_split(builder, row, fields, item, combo, combos):
        return
    read_cells(
        builder,
        row,
        indicator=fields["dataElement"],
        unit=fields["orgUnit"],
        period=fields["period"],
        value=fields["value"],
        submitted_at=item.get("lastUpdated") or item.get("created"),
        submitted_by=item.get("storedBy"),
        comment=item.get("comment"),
        columns=lambda field: f"{row}.{_DHIS2_FIELD.get(field, field)}",
        combo=combo if isinstance(combo, str) else None,
    )


def _read_split(
    builder: BatchBuilder,
    row: str,
    fields: Mapping[str, Any],
    item: Mapping[str, Any],
    combo: str,
    combos: Mapping[str, tuple[str, ...]],
) -> bool:
    """Read a value of a split indicator whose combo names category options; False if not one.

    A default combo, a combo mapped with its element to an indicator, or an element whose
    indicator is not split (or unknown: no institution) is left to :func:`read_cells`.
    """
    element = fields["dataElement"]
    mapping = builder.mapping
    if (
        not isinstance(element, str)
        or combo in mapping.default_combos
        or f"{element}.{combo}" in mapping.data_elements
    ):
        return False
    try:
        code, indicator = builder.indicator(element.strip(), None)
    except ModelError:
        return False  # read_cells reports it
    if indicator is None or not indicator.categories:
        return False
    options = combos.get(combo) or tuple(o.strip() for o in combo.split(","))
    ok = True
    try:
        if indicator.canonical_options(options) != options:
            raise ModelError(
                f"category option combo {combo!r} names options {list(options)} out of the "
                f"order of {code!r}'s categories; map it to "
                f"{list(indicator.canonical_options(options))}"
            )
    except ModelError as exc:
        hint = "" if combo in combos else " (map the combo to its options in category_combos)"
        builder.problem(f"{row}.categoryOptionCombo", f"{exc}{hint}")
        ok = False
    unit = ""
    try:
        unit = builder.unit(str(fields["orgUnit"]).strip())
    except ModelError as exc:
        builder.problem(f"{row}.orgUnit", str(exc))
        ok = False
    period = None
    try:
        period = builder.period(fields["period"])
    except ModelError as exc:
        builder.problem(f"{row}.period", str(exc))
        ok = False
    status, value = ValueStatus.MISSING, None
    try:
        status, value = builder.value(fields["value"], indicator)
    except ModelError as exc:
        builder.problem(f"{row}.value", str(exc))
        ok = False
    submitted_at = None
    try:
        submitted_at = normalise_timestamp(item.get("lastUpdated") or item.get("created"))
    except ModelError as exc:
        builder.problem(f"{row}.lastUpdated", str(exc))
        ok = False
    if ok and period is not None:
        builder.add(
            DataValue(
                code,
                unit,
                period,
                status,
                value,
                submitted_at=submitted_at,
                submitted_by=item.get("storedBy") or "",
                comment=item.get("comment") or "",
                options=options,
            ),
            row,
            indicator,
            checked=True,
        )
    return True


_DHIS2_FIELD: Final = {
    "indicator": "dataElement",
    "unit": "orgUnit",
    "period": "period",
    "value": "value",
    "submitted_at": "lastUpdated",
    "submitted_by": "storedBy",
    "comment": "comment",
}


def _value_text(value: DataValue) -> str | None:
    if value.status is ValueStatus.ZERO_REPORT:
        return "0"
    raw = value.value
    if value.status is not ValueStatus.REPORTED or raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, Decimal):
        return f"{raw:f}"
    return str(raw)


def write_dhis2(
    values: Iterable[DataValue],
    mapping: CodeMapping | None = None,
    *,
    category_combos: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, int]:
    """The values as dataValueSets JSON, and how many were left out (not applicable, missing).

    Codes go back through *mapping* (indicator to ``dataElement`` and ``categoryOptionCombo``,
    unit to ``orgUnit``); a value's category options go back through *category_combos* (the
    combo mapped to them, else the option codes joined by commas). Raises
    :class:`UsageError` when a period has no DHIS2 id.
    """
    mapping = mapping or CodeMapping()
    by_options = {tuple(v): k for k, v in (category_combos or {}).items()}
    rows: list[dict[str, str]] = []
    skipped = 0
    no_id: list[str] = []
    for value in values:
        text = _value_text(value)
        if text is None:
            skipped += 1
            continue
        if value.period.type in _NO_DHIS2_ID:
            no_id.append(str(value.period))
            continue
        element, combo = mapping.foreign_element(value.indicator)
        if value.options:
            combo = by_options.get(value.options) or ",".join(value.options)
        row = {
            "dataElement": element,
            "period": str(value.period),
            "orgUnit": mapping.foreign_unit(value.unit),
        }
        if combo is not None:
            row["categoryOptionCombo"] = combo
        row["value"] = text
        if value.submitted_by:
            row["storedBy"] = value.submitted_by
        if value.submitted_at is not None:
            row["lastUpdated"] = value.submitted_at.isoformat()
        if value.comment:
            row["comment"] = value.comment
        rows.append(row)
    if no_id:
        shown = ", ".join(sorted(set(no_id))[:3])
        raise UsageError(
            f"DHIS2 has no period id for {len(no_id)} value(s) (e.g. {shown}): intervals, "
            "stages and 旬 cannot be exported to DHIS2; export them as CSV"
        )
    return json.dumps({"dataValues": rows}, ensure_ascii=False, indent=2) + "\n", skipped
