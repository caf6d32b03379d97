"""Write the 物业服务中心 example input: ``src/epireport_property_company/example.yaml``.

Deterministic (seeded): running it again writes the same file. The example is 阳光花园物业服务
中心 with two compounds (阳光花园小区, 翠湖苑小区), each with three teams (保洁组, 秩序维护组,
客服组) reporting every day from 2020-01-27 to 2020-02-16 (21 days). Before a measure starts
the teams send zero-reports (零报告) for its figures; a few reports are missing (null).

Usage: ``python3 plugins/epireport-property-company/scripts/make_example.py [OUTPUT]``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

import attrs
import yaml
from epireport_property_company._catalogue import MEASURES

from epireport.io import dump_report
from epireport.plugin import Period, ReportInput

HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parent / "src" / "epireport_property_company" / "example.yaml"

FIRST = dt.date(2020, 1, 27)
LAST = dt.date(2020, 2, 16)
ROOT = ("ygwy", "阳光花园物业服务中心")
COMPOUNDS = (("ygh", "阳光花园小区"), ("chy", "翠湖苑小区"))
TEAMS = (("bj", "保洁组"), ("zx", "秩序维护组"), ("kf", "客服组"))
#: employees on duty per team and compound (a few fewer on some days)
STAFF = {"ygh": {"bj": 8, "zx": 6, "kf": 3}, "chy": {"bj": 5, "zx": 4, "kf": 2}}
ELEVATORS = {"ygh": 8, "chy": 4}

#: Measure start dates of this report (the catalogue gives frequencies and wording).
STARTS = {
    "garbage": dt.date(2020, 1, 27),
    "disinfection": dt.date(2020, 1, 28),
    "mask_bins": dt.date(2020, 1, 30),
    "elevator_tissues": dt.date(2020, 2, 3),
    "household_tablets": dt.date(2020, 2, 6),
    "notices": dt.date(2020, 1, 27),
}
FLOW_CHARTS = (dt.date(2020, 2, 1), dt.date(2020, 2, 4))  # door to door, these days only

#: (unit, day, indicator or None for the whole report): reports that never came.
MISSING = {
    ("ygh-zx", dt.date(2020, 2, 2), None),
    ("chy-kf", dt.date(2020, 2, 9), "notices_posted"),
    ("chy-bj", dt.date(2020, 2, 10), "elevators_with_tissues"),
    ("ygh-kf", dt.date(2020, 2, 13), None),
}

SEED = 20200216


def days() -> list[dt.date]:
    """Every day of the example period, first to last."""
    return [FIRST + dt.timedelta(n) for n in range((LAST - FIRST).days + 1)]


def team_values(rng: random.Random, compound: str, team: str, day: dt.date) -> dict[str, Any]:
    """The figures one team reports for one day: a number, 零报告 or (later) null."""
    on_duty = STAFF[compound][team] - (1 if rng.random() < 0.2 else 0)
    values: dict[str, Any] = {"staff_on_duty": on_duty, "staff_masks": 2 * on_duty}
    if team == "bj":
        values["garbage_runs"] = 2 if day >= STARTS["garbage"] else 1
        values["disinfection_rounds"] = 3 if day >= STARTS["disinfection"] else 1
        values["elevators_with_tissues"] = (
            ELEVATORS[compound] if day >= STARTS["elevator_tissues"] else "零报告"
        )
        if day >= STARTS["household_tablets"]:
            households = rng.randint(15, 40)
            values["households_served"] = households
            values["household_tablets"] = sum(rng.randint(5, 15) for _ in range(households))
        else:
            values["households_served"] = "零报告"
            values["household_tablets"] = "零报告"
    elif team == "kf":
        if day < dt.date(2020, 2, 3):
            values["notices_posted"] = rng.randint(12, 30)
        else:
            values["notices_posted"] = rng.choice(["零报告", 2, 4, "零报告"])
        if FLOW_CHARTS[0] <= day <= FLOW_CHARTS[1]:
            values["flow_charts_posted"] = rng.randint(90, 160)
        else:
            values["flow_charts_posted"] = "零报告"
    return values


def build() -> dict[str, Any]:
    """Build the example input as a mapping ready for YAML."""
    rng = random.Random(SEED)
    org_units: list[dict[str, str]] = [{"code": ROOT[0], "name": ROOT[1]}]
    for code, name in COMPOUNDS:
        org_units.append({"code": code, "name": name, "parent": ROOT[0]})
        for team, team_name in TEAMS:
            org_units.append({"code": f"{code}-{team}", "name": team_name, "parent": code})
    rows: list[dict[str, Any]] = []
    for day in days():
        for compound, _ in COMPOUNDS:
            for team, _ in TEAMS:
                unit = f"{compound}-{team}"
                for indicator, value in team_values(rng, compound, team, day).items():
                    if (unit, day, None) in MISSING or (unit, day, indicator) in MISSING:
                        value = None
                    rows.append(
                        {
                            "indicator": indicator,
                            "unit": unit,
                            "period": day.strftime("%Y%m%d"),
                            "value": value,
                        }
                    )
    return {
        "institution": "property-company",
        "unit": ROOT[0],
        "title": "阳光花园物业服务中心新冠肺炎疫情防控工作总结",
        "period": f"{FIRST.isoformat()}/{LAST.isoformat()}",
        "level_names": ["服务中心", "小区", "班组"],
        "org_units": org_units,
        "values": rows,
        "measures": measures(),
        "narrative": {
            "owner_needs": [
                "根据业主电话反映因没有口罩不敢出门买菜，协调市城管局调拨一部分口罩，正在发放中",
                "目前有些业主因不出门不下楼，家里及楼道内堆积大量生活垃圾，出现异味，容易滋生"
                "细菌，为解决这一问题，我服务中心正在协调人员，准备安排专人清运业主门口的生活"
                "垃圾，保障业主足不出户也能正常生活",
            ]
        },
    }


def measures() -> list[dict[str, Any]]:
    """The catalogue's measures with this report's start dates, as a report file spells them.

    A report's measure replaces the catalogue's whole, so each one is written out in full, in
    the form :func:`epireport.io.dump_report` writes (fields left at their defaults left out).
    """
    report = ReportInput(
        institution="property-company",
        unit=ROOT[0],
        period=Period.interval(FIRST, LAST),
        measures=tuple(attrs.evolve(m, start=STARTS.get(m.code)) for m in MEASURES),
    )
    entries: list[dict[str, Any]] = dump_report(report)["measures"]
    return entries


def main(argv: list[str]) -> int:
    """Write the example (to *argv[0]* if given) and return 0."""
    target = Path(argv[0]) if argv else OUTPUT
    header = "# Generated by scripts/make_example.py (seeded); edit the script, not this file.\n"
    body = yaml.safe_dump(
        build(), allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
    )
    target.write_text(header + body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
