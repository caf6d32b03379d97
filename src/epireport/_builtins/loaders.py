"""Built-in input loaders: report files (YAML, JSON), Excel forms, long-form CSV, DHIS2 JSON.

Each is an ordinary :class:`~epireport.io.InputLoader`, registered like a third-party one; the
selection falls back to the first loader (in load order) whose suffixes and sniff accept the
file, so a plugin's loader for ``.xlsx`` or ``.csv`` can take over with its own
``epireport_select_input_loader``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from epireport._markers import hookimpl
from epireport.io._loaders import InputLoader, LoadContext

if TYPE_CHECKING:
    from epireport.io._normalise import Batch
    from epireport.model._report import ReportInput

__all__ = ["epireport_register_input_loaders", "epireport_select_input_loader"]


def _load_report_file(path: Path, context: LoadContext) -> ReportInput:
    # Imported on first use: listing plugins should not pay for YAML and cattrs.
    from epireport.exceptions import UsageError
    from epireport.io._convert import known_stages
    from epireport.io._load import load_report, read_mapping

    data = read_mapping(path)
    institution = context.institution
    declared = data.get("institution")
    if institution is None and isinstance(declared, str):
        try:
            institution = context.resolve(declared)
        except UsageError as exc:
            raise UsageError(f"{context.name}: $.institution: {exc}") from None
    with known_stages(context.stages):
        return load_report(data, institution=institution, name=context.name)


def _is_dhis2(path: Path) -> bool:
    from epireport.io._dhis2 import looks_like_dhis2

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # the report loader then says what is wrong, with its location
    return looks_like_dhis2(data)


def _load_dhis2(path: Path, context: LoadContext) -> Batch:
    from epireport.io._dhis2 import read_dhis2

    mapping = context.mapping
    return read_dhis2(
        path,
        institution=context.institution,
        mapping=mapping,
        name=context.name,
        category_combos=mapping.category_combos if mapping is not None else None,
    )


def _load_csv(path: Path, context: LoadContext) -> Batch:
    from epireport.io._csv import read_csv

    return read_csv(
        path, institution=context.institution, mapping=context.mapping, name=context.name
    )


def _load_form(path: Path, context: LoadContext) -> Batch:
    from epireport.io._excel import read_form

    batch = read_form(
        path, institution=context.institution, mapping=context.mapping, name=context.name
    )
    if context.institution is None and batch.institution is not None:
        # The form names its institution in its hidden sheet: read it again, checked.
        declared = context.resolve(batch.institution)
        batch = read_form(path, institution=declared, mapping=context.mapping, name=context.name)
    return batch


@hookimpl
def epireport_register_input_loaders() -> list[InputLoader]:
    """Register the report file, DHIS2, CSV and Excel form loaders."""
    return [
        InputLoader(
            code="dhis2",
            suffixes=(".json",),
            load=_load_dhis2,
            sniff=_is_dhis2,
            description="DHIS2 dataValueSets JSON (data values; ingest with --mapping)",
        ),
        InputLoader(
            code="yaml",
            suffixes=(".yaml", ".yml"),
            load=_load_report_file,
            description="report input in YAML (docs/reference/input-schema.md)",
        ),
        InputLoader(
            code="json",
            suffixes=(".json",),
            load=_load_report_file,
            description="report input in JSON, same schema as YAML",
        ),
        InputLoader(
            code="csv",
            suffixes=(".csv",),
            load=_load_csv,
            description="long-form CSV: indicator, unit, period, value (data values)",
        ),
        InputLoader(
            code="form",
            suffixes=(".xlsx", ".xlsm"),
            load=_load_form,
            description="a filled-in daily-report form (epireport form; data values)",
        ),
    ]


@hookimpl(trylast=True)
def epireport_select_input_loader(path: Path, loaders: Sequence[InputLoader]) -> InputLoader | None:
    """Fall back to the first loader whose suffixes (and sniff, if any) accept the file."""
    for loader in loaders:
        if loader.reads(path):
            return loader
    return None
