"""Built-in input loaders: report input files in YAML and JSON (one schema, see ``io._load``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from epireport._plugins import hookimpl
from epireport.io._loaders import InputLoader

if TYPE_CHECKING:
    from epireport.model._institution import Institution
    from epireport.model._report import ReportInput

__all__ = ["epireport_register_input_loaders", "epireport_select_input_loader"]


def _load_report_file(path: Path, institution: Institution | None) -> ReportInput:
    # Imported on first use: listing plugins should not pay for YAML and cattrs.
    from epireport.io._load import load_report

    return load_report(path, institution=institution)


@hookimpl
def epireport_register_input_loaders() -> list[InputLoader]:
    """Register the YAML and JSON report input loaders."""
    return [
        InputLoader(
            name="yaml",
            suffixes=(".yaml", ".yml"),
            load=_load_report_file,
            description="report input in YAML (docs/reference/input-schema.md)",
        ),
        InputLoader(
            name="json",
            suffixes=(".json",),
            load=_load_report_file,
            description="report input in JSON, same schema as YAML",
        ),
    ]


@hookimpl(trylast=True)
def epireport_select_input_loader(path: Path, loaders: Sequence[InputLoader]) -> InputLoader | None:
    """Fall back to the first loader whose suffixes match the file name."""
    for loader in loaders:
        if loader.reads(path):
            return loader
    return None
