"""Load a report input file, render it as text and as DOCX, and trace a figure to its data."""

import json
from pathlib import Path

import epireport

HERE = Path(__file__).parent
report = epireport.load_input(HERE / "data" / "lotus.yaml")  # checked against its institution
print(report.institution, report.unit, report.period)

text = epireport.render_report(report, format="text")
print(text.output)

docx = epireport.render_report(report, format="docx")
Path("lotus.docx").write_bytes(docx.output)
print("lotus.docx starts with", docx.output[:2])  # a DOCX file is a zip archive: b'PK'

# The JSON format is the document tree with, on every sentence, the facts its figures come from.
tree = json.loads(epireport.render_report(report, format="json").output)


def sentences(node):
    """Yield every sentence of the JSON document tree."""
    if isinstance(node, dict):
        if "text" in node and "facts" in node:
            yield node
        for child in node.values():
            yield from sentences(child)
    elif isinstance(node, list):
        for child in node:
            yield from sentences(child)


for sentence in sentences(tree):
    for ref in sentence["facts"]:
        if ref["indicator"] == "household_tablets":
            print(ref["text"], "=", ref["value"], "from", ref["sources"])
