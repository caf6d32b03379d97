"""Write the 区委宣传部 example input: ``src/epireport_district_publicity/example.yaml``.

Deterministic (seeded): running it again writes the same file. The example is 城关区 (level 区)
with two streets and two towns (东关街道, 西关街道, 南湖镇, 北山镇) and two member units of
the publicity working group (区融媒体中心, 区委网信办), all at level 街道, reporting every day
from 2020-01-23 to 2020-02-07 (16 days, the last before the
disease was renamed 新型冠状病毒肺炎 on 8 February, so the seed's wording stays correct):

- the streets and towns report the 社会宣传 figures (the streets have no village broadcast
  network, so they do not report broadcast hours);
- 区融媒体中心 reports news items, city media reports and netizen participation;
- 区委网信办 reports the online opinion figures;
- the district itself reports the working group's meetings.

On days with nothing to report a unit sends a zero-report (零报告); a few reports never came
(whole days missing, and single figures sent as null).

Usage: ``python3 plugins/epireport-district-publicity/scripts/make_example.py [OUTPUT]``.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parent / "src" / "epireport_district_publicity" / "example.yaml"

FIRST = dt.date(2020, 1, 23)
LAST = dt.date(2020, 2, 7)
SEED = 20200207
ROOT = ("cgq", "城关区")
STREETS = (("dgjd", "东关街道"), ("xgjd", "西关街道"))
TOWNS = (("nhz", "南湖镇"), ("bsz", "北山镇"))
MEDIA = ("rmt", "区融媒体中心")
CYBER = ("wxb", "区委网信办")

#: (unit, day): daily reports that never came.
MISSING_DAYS = {("xgjd", dt.date(2020, 1, 29)), ("bsz", dt.date(2020, 2, 7))}
#: (unit, day, indicator): single figures sent as null (missing).
MISSING_VALUES = {
    ("dgjd", dt.date(2020, 2, 3), "leaflets"),
    ("wxb", dt.date(2020, 2, 5), "opinion_items"),
}
#: Days the working group met.
MEETINGS = {dt.date(2020, 1, 24), dt.date(2020, 1, 27), dt.date(2020, 1, 31), dt.date(2020, 2, 7)}


def days() -> list[dt.date]:
    """Every day of the example period, first to last."""
    return [FIRST + dt.timedelta(n) for n in range((LAST - FIRST).days + 1)]


def social(rng: random.Random, unit: str, index: int, is_town: bool) -> dict[str, Any]:
    """One street's or town's 社会宣传 figures on the *index*-th day (0 = 2020-01-23)."""
    ramp = min(1.0, 0.25 + index / 8)  # the campaign takes a week to reach full strength
    figures: dict[str, Any] = {
        # billboards and banners go up in the first fortnight, then hardly any more
        "billboards": rng.randint(2, 6) if index < 14 and index % 2 == 1 else 0,
        "screens": 6 + index + (4 if is_town else 0),  # screens in use (a stock)
        "banners": rng.randint(8, 30) if index < 12 else rng.choice([0, 0, 3]),
        "leaflets": round(rng.randint(600, 1200) * ramp),
        "home_visits": round(rng.randint(150, 320) * ramp),
        "messages": round(rng.randint(300, 700) * ramp),
        "vehicle_trips": rng.randint(3, 9) if index else 0,
        "loudspeakers": 10 + min(index, 10) * 3 + (20 if is_town else 0),
        "guides_printed": rng.choice([500, 800, 1000]) if index in (3, 10) else 0,
    }
    if is_town:
        figures["broadcast_hours"] = rng.randint(20, 40) if index else 0
    return figures


def media(rng: random.Random, index: int) -> dict[str, Any]:
    """区融媒体中心's figures on the *index*-th day."""
    return {
        "news_items": rng.randint(18, 40),
        "city_media_reports": rng.choice([0, 1, 2, 3, 4]),
        "netizen_participation": rng.randint(2000, 4000) if index >= 5 else 0,
    }


def cyber(rng: random.Random, index: int) -> dict[str, Any]:
    """区委网信办's figures on the *index*-th day (people counts stay small and often zero)."""
    opinion = rng.randint(6, 20)
    verified = rng.choice([0, 0, 1, 2])
    return {
        "opinion_items": opinion,
        "admonished": rng.choice([0, 0, 0, 1]),
        "reports_verified": verified,
        "educated": min(verified, rng.choice([0, 1])),
        "harmful_deleted": rng.randint(0, min(opinion, 5)),
        "weibo_handled": rng.randint(0, min(opinion, 3)),
        "price_leads": rng.choice([0, 0, 1]),
        "rumour_rebuttals": rng.choice([0, 1, 1, 2]),
    }


def rows() -> list[dict[str, Any]]:
    """The long-form value rows, day by day, unit by unit, indicator by indicator."""
    rng = random.Random(SEED)
    out: list[dict[str, Any]] = []

    def add(unit: str, day: dt.date, figures: dict[str, Any]) -> None:
        if (unit, day) in MISSING_DAYS:
            return
        for code, value in figures.items():
            if (unit, day, code) in MISSING_VALUES:
                written: Any = None
            else:
                written = "零报告" if value == 0 else value
            out.append(
                {
                    "indicator": code,
                    "unit": unit,
                    "period": day.strftime("%Y%m%d"),
                    "value": written,
                }
            )

    for index, day in enumerate(days()):
        add(ROOT[0], day, {"group_meetings": 1 if day in MEETINGS else 0})
        for code, _ in STREETS:
            add(code, day, social(rng, code, index, is_town=False))
        for code, _ in TOWNS:
            add(code, day, social(rng, code, index, is_town=True))
        add(MEDIA[0], day, media(rng, index))
        add(CYBER[0], day, cyber(rng, index))
    return out


NARRATIVE: dict[str, Any] = {
    "leading_group": "区委常委、宣传部部长",
    "convener": "李明常委",
    "plans": [
        "城关区新型冠状病毒感染的肺炎疫情防控宣传工作方案",
        "城关区新型冠状病毒感染网络舆情导控工作预案",
    ],
    "city_media": ["江城日报", "江城网", "江城新闻"],
    "press_conference": True,
    "first_case": True,
    "self_media": ["爱城关APP"],
    "h5_title": "防控疫情城关在行动——我们承诺",
    "proposal_title": "@城关区广大网民朋友、各类网站、自媒体",
    "platforms": ["爱城关论坛", "微信群", "QQ群", "微信朋友圈", "微博"],
    "major_incident": False,
}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'


def render() -> str:
    """The example file's text: a commented header, the tree, the narrative, then one row a line."""
    lines = [
        "# 城关区委宣传部：疫情防控宣传工作 example input (district-publicity).",
        "# Generated by scripts/make_example.py (seeded); edit the script, not this file.",
        "institution: district-publicity",
        f"unit: {ROOT[0]}",
        f"period: {FIRST.isoformat()}/{LAST.isoformat()}",
        "level_names: [区, 街道]",
        "org_units:",
        f"  - {{code: {ROOT[0]}, name: {ROOT[1]}}}",
    ]
    for code, name in (*STREETS, *TOWNS, MEDIA, CYBER):
        lines.append(f"  - {{code: {code}, name: {name}, parent: {ROOT[0]}}}")
    lines.append("narrative:")
    for key, value in NARRATIVE.items():
        if isinstance(value, list):
            lines.append(f"  {key}:")
            lines.extend(f"    - {_scalar(item)}" for item in value)
        else:
            lines.append(f"  {key}: {_scalar(value)}")
    lines.append("values:")
    for row in rows():
        lines.append(
            f"  - {{indicator: {row['indicator']}, unit: {row['unit']}, "
            f"period: '{row['period']}', value: {_scalar(row['value'])}}}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    """Write the example to ``argv[1]`` (default: the packaged ``example.yaml``)."""
    target = Path(argv[1]) if len(argv) > 1 else OUTPUT
    target.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
