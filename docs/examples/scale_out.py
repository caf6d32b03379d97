"""Aggregate many values with the Ibis engine (DuckDB in-process) and check it against Python.

The aggregation plan says *what* to compute; an engine computes it. The pure-Python engine is
the reference (and keeps provenance); the Ibis engine runs the same plan as one columnar query,
on DuckDB by default or on any backend Ibis supports. Needs ``ibis-framework[duckdb]`` and
``pyarrow``.
"""

import random

from epireport import DataValue, Indicator, OrgTree, OrgUnit, Period, PeriodType
from epireport.aggregate import IbisEngine, PythonEngine, from_values, make_plan

# A district with 10 streets of 20 communities each, reporting daily for February 2020.
units = [OrgUnit("D", "某区")]
for s in range(10):
    units.append(OrgUnit(f"S{s}", f"街道{s}", parent="D"))
    units += [OrgUnit(f"S{s}C{c}", f"社区{c}", parent=f"S{s}") for c in range(20)]
tree = OrgTree(units, level_names=("区", "街道", "社区"))
indicators = [
    Indicator(code="leaflets", name="宣传单", classifier="张"),
    Indicator(code="masks_in_store", name="库存口罩", classifier="只", kind="stock"),
]
february = Period.parse("202002")
rng = random.Random(2020)
values = [
    DataValue.reported(indicator.code, unit.code, day, rng.randrange(0, 500))
    for unit in tree.leaves()
    for day in (Period.day(d) for d in february.iter_days())
    for indicator in indicators
    if rng.random() > 0.02  # about 2% of the reports never arrive
]
print(len(values), "values")

periods = (february, *february.split(PeriodType.TEN_DAYS))  # the month and its three 旬
targets = [(unit.code, period) for unit in tree for period in periods]
plan = make_plan(tree, indicators, targets)

python = PythonEngine(collect_sources=False).execute(plan, values)
ibis = IbisEngine().execute(plan, values)
same = all(python[key] == ibis[key] for key in python)
print("same figures, statuses and coverage:", same)

leaflets = ibis.get_aggregate("leaflets", "D", february)
print("leaflets:", leaflets.value, leaflets.coverage)
print("masks in store at the end of February:", ibis.value("masks_in_store", "D", february))

# The figures as an Arrow table, without building a Python object per aggregate (for very
# large runs); IbisEngine().expression(plan, table) is the query itself, to inspect.
table = from_values(values, plan)
arrow = IbisEngine().to_arrow(plan, table)
print(arrow.num_rows, "rows:", ", ".join(arrow.column_names))
