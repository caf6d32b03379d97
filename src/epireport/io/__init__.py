"""Reading and writing epireport inputs: report files (YAML/JSON) and, later, forms and stores."""

from epireport.io._load import dump_report, dumps_report, load_report, loads_report

__all__ = ["dump_report", "dumps_report", "load_report", "loads_report"]
