"""Compute the facts of a report and trace a figure back to the data values behind it."""

import datetime

import epireport
from epireport import DataValue, Indicator, IndicatorSet, Institution, OrgTree, OrgUnit, Period

PUBLICITY = IndicatorSet(
    code="publicity",
    title="社会宣传",
    indicators=(Indicator(code="leaflets", name="宣传单", classifier="张"),),
)
DISTRICT = Institution(
    code="district",
    title="区委宣传部",
    indicator_sets=(PUBLICITY,),
    level_names=("区", "街道"),
)
TREE = OrgTree(
    [
        OrgUnit("D", "某区"),
        OrgUnit("S1", "东街道", parent="D"),
        OrgUnit("S2", "西街道", parent="D"),
    ],
    level_names=("区", "街道"),
)

values = []
for day in (1, 2, 3):
    period = Period.day(datetime.date(2020, 2, day))
    values.append(DataValue.reported("leaflets", "S1", period, 100 * day))
    # 西街道 reports nothing on 2 February: a zero-report (零报告), not a missing value.
    if day == 2:
        values.append(DataValue.zero_report("leaflets", "S2", period))
    else:
        values.append(DataValue.reported("leaflets", "S2", period, 50))

report = epireport.ReportInput(
    institution="district",
    unit="D",
    period=Period.parse("2020-02-01/2020-02-03"),
    tree=TREE,
    values=tuple(values),
)

facts = epireport.compute_facts(report, DISTRICT)
fact = facts.get("leaflets")  # the reporting unit over the report period
print(fact.id, "=", fact.value, fact.classifier)
print(
    "coverage:",
    fact.coverage.submitted,
    "of",
    fact.coverage.expected,
    "reports,",
    fact.coverage.zero_reports,
    "zero-report",
)
print("sources:")
for source_id in fact.source_ids:
    print("  ", source_id)
for street in ("S1", "S2"):
    print(street, facts.get("leaflets", street).value, "rank", facts.get("leaflets", street).rank)
print(facts.coverage_phrase())
