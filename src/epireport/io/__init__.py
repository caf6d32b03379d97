"""Reading and writing epireport inputs: report files, daily-report forms, CSV and DHIS2.

- report input files (YAML or JSON, one schema): :func:`load_report`, :func:`dump_report`;
- fillable Excel forms for sub-units and reading them back: :func:`write_form`, :func:`read_form`
  (openpyxl, the ``excel`` extra, is imported only when called);
- CSV in long form and DHIS2 dataValueSets JSON: :func:`read_csv`, :func:`write_csv`,
  :func:`read_dhis2`, :func:`write_dhis2`;
- value normalisation that rejects anything doubtful: :func:`normalise_value`.
"""

from epireport.io._csv import read_csv, write_csv
from epireport.io._dhis2 import read_dhis2, write_dhis2
from epireport.io._excel import read_form, write_form
from epireport.io._load import dump_report, dumps_report, load_report, loads_report
from epireport.io._loaders import InputLoader
from epireport.io._normalise import (
    Batch,
    CodeMapping,
    load_mapping,
    load_units,
    normalise_number,
    normalise_value,
)

__all__ = [
    "Batch",
    "CodeMapping",
    "InputLoader",
    "dump_report",
    "dumps_report",
    "load_mapping",
    "load_report",
    "load_units",
    "loads_report",
    "normalise_number",
    "normalise_value",
    "read_csv",
    "read_dhis2",
    "read_form",
    "write_csv",
    "write_dhis2",
    "write_form",
]
