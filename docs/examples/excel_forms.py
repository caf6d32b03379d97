"""Collect daily reports with an Excel form, store them, and render the week's summary.

The shell equivalent of the three ``main([...])`` calls::

    epireport form property-company --units lotus-units.yaml --period 2020W7 -o form.xlsx
    epireport ingest filled.xlsx --db reports.db --institution property-company
    epireport export --db reports.db --format csv --institution property-company
"""

import datetime
from pathlib import Path

import openpyxl

import epireport
from epireport.cli import main
from epireport.store import Store

UNITS = Path(__file__).parent / "data" / "lotus-units.yaml"

# 1. The office writes one workbook: a row per compound (the leaves of the tree) and day.
main(["form", "property-company", "--units", str(UNITS), "--period", "2020W7", "-o", "form.xlsx"])

# 2. The compounds fill it in. Row 2 (hidden) holds the codes ingest reads, so headers may be
#    renamed freely; an empty cell is "not reported", never 0.
workbook = openpyxl.load_workbook("form.xlsx")
sheet = workbook["物业疫情防控"]
column = {code: index for index, code in enumerate(next(sheet.iter_rows(2, 2, values_only=True)))}
for row in sheet.iter_rows(min_row=3):
    unit, day = row[column["unit"]].value, row[column["period"]].value
    if unit is None:
        break
    if unit == "lhy-b" and day.date() == datetime.date(2020, 2, 15):
        continue  # this report never arrives: it stays missing, never 0
    staff = 6 if unit == "lhy-a" else 4
    row[column["indicator:staff_on_duty"]].value = staff
    row[column["indicator:staff_masks"]].value = 2 * staff
    row[column["indicator:disinfection_rounds"]].value = 3
    row[column["indicator:garbage_runs"]].value = 2
    # A stock: the week's figure is each compound's last value, summed (5 + 3).
    row[column["indicator:elevators_with_tissues"]].value = 5 if unit == "lhy-a" else 3
    row[column["indicator:households_served"]].value = 31
    row[column["indicator:household_tablets"]].value = 298
    row[column["indicator:notices_posted"]].value = 9
    row[column["indicator:flow_charts_posted"]].value = 40
    row[column["zero_report"]].value = "否"
    row[column["submitted_by"]].value = "张三" if unit == "lhy-a" else "李四"
workbook.save("filled.xlsx")

# 3. Ingest: the whole file or nothing; re-ingesting it changes nothing.
main(["ingest", "filled.xlsx", "--db", "reports.db", "--institution", "property-company"])
main(["ingest", "filled.xlsx", "--db", "reports.db", "--institution", "property-company"])

# 4. Build the week's report input from the store and render it.
plugins = epireport.Plugins.create()
institution = plugins.institution("property-company")
with Store.open("reports.db") as store:
    report = store.report_input(institution, "lhy", "2020W7")
print(len(report.values), "values for", [u.name for u in report.tree.children("lhy")])

rendered = epireport.render_report(report, plugins=plugins)
print(rendered.facts.coverage_phrase())  # who reported: 1 of the 2 compounds missed a day
tablets = rendered.facts.get("household_tablets")
print(tablets.value, tablets.coverage)
print(rendered.output)
