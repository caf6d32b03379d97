"""Write the education bureau's example input: 6 schools, 18 classes, 14 days of daily screening.

Run from anywhere; it rewrites ``src/epireport_education_bureau/example.yaml`` next to this
script's package and checks that the result loads against the institution::

    python3 plugins/epireport-education-bureau/scripts/make_example.py

The output is deterministic (a seeded generator for the screening counts; the abnormal
temperatures and the missing reports are listed below by hand), so running it again changes
nothing. What the data holds, for the tests to check against:

- classes report every day from 2020-01-27 to 2020-02-09 (14 days): people screened, people
  found with an abnormal temperature, people put under observation;
- on a day without abnormal temperature a class sends a zero-report (零报告) for both;
- 城南小学 (both its classes) sent nothing on 2020-02-02, 县第一中学八年级一班 reported its
  figures as missing (null) on 2020-01-30, and 城关小学六年级一班 sent nothing on 2020-02-05.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "src" / "epireport_education_bureau" / "example.yaml"

SEED = 20200127
FIRST_DAY = dt.date(2020, 1, 27)
DAYS = 14
BUREAU = ("KJJ", "县科教局")

#: (school code, school name, [(class code suffix, class name)])
SCHOOLS = (
    ("S01", "县第一中学", ("七年级一班", "七年级二班", "八年级一班", "九年级一班")),
    ("S02", "县第二中学", ("七年级一班", "八年级一班", "九年级一班")),
    ("S03", "城关小学", ("三年级一班", "四年级一班", "五年级一班", "六年级一班")),
    ("S04", "实验小学", ("一年级一班", "二年级一班", "三年级一班")),
    ("S05", "城南小学", ("四年级一班", "五年级一班")),
    ("S06", "县职业中学", ("高一一班", "高二一班")),
)

#: (class, day) → (abnormal temperatures, isolated): every other class-day is a zero-report.
EVENTS = {
    ("S01C02", "20200129"): (1, 1),
    ("S03C01", "20200131"): (1, 0),
    ("S02C03", "20200203"): (2, 1),
    ("S04C02", "20200206"): (1, 1),
    ("S06C01", "20200208"): (1, 0),
}

#: class-days with no report at all (no rows)
ABSENT = {("S05C01", "20200202"), ("S05C02", "20200202"), ("S03C04", "20200205")}
#: class-days reported explicitly as missing (value: null)
NULL = {("S01C03", "20200130")}

INDICATORS = ("screened", "fever", "isolated")


def _classes() -> list[tuple[str, str, str]]:
    """Return (class code, class name, school code) for every class, in tree order."""
    return [
        (f"{school}C{n:02d}", name, school)
        for school, _, names in SCHOOLS
        for n, name in enumerate(names, 1)
    ]


def _row(indicator: str, unit: str, day: str, value: object, at: str = "") -> str:
    when = f", submitted_at: '{at}'" if at else ""
    return f"  - {{indicator: {indicator}, unit: {unit}, period: {day}, value: {value}{when}}}"


def _sent(index: int, day: str) -> str:
    """When a class teacher sent the day's report: between 17:00 and 20:45 that evening.

    Without a submission time the summary could not say the schools reported on time
    (按时报送); the time follows the class's place in the tree, so no random draw moves.
    """
    hour, quarter = 17 + index % 4, (index // 4) % 4
    return f"{day[:4]}-{day[4:6]}-{day[6:]}T{hour:02d}:{quarter * 15:02d}:00"


def build() -> str:
    """Return the example input as YAML text."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from epireport_education_bureau.plugin import MEASURES

    rng = random.Random(SEED)
    lines = [
        "# The 县科教局 example input, written by scripts/make_example.py: do not edit by hand.",
        "# 6 schools, 18 classes, daily screening from 2020-01-27 to 2020-02-09; a class-day",
        "# without abnormal temperature is a zero-report (零报告); a few reports are missing.",
        "institution: education-bureau",
        f"unit: {BUREAU[0]}",
        f"period: {FIRST_DAY.isoformat()}/{(FIRST_DAY + dt.timedelta(DAYS - 1)).isoformat()}",
        "level_names: [县, 学校, 班级]",
        "org_units:",
        f"  - {{code: {BUREAU[0]}, name: {BUREAU[1]}}}",
    ]
    for school, name, _ in SCHOOLS:
        lines.append(f"  - {{code: {school}, name: {name}, parent: {BUREAU[0]}}}")
        for code, class_name, parent in _classes():
            if parent == school:
                lines.append(f"  - {{code: {code}, name: {class_name}, parent: {school}}}")
    lines.append("measures:")
    for measure in MEASURES:
        fields = [f"code: {measure.code}", f"title: {measure.title}"]
        if measure.category:
            fields.append(f"category: {measure.category}")
        if measure.frequency is not None:
            fields.append(f"frequency: {measure.frequency}")
        if measure.places:
            fields.append(f"places: [{', '.join(measure.places)}]")
        lines.append(f"  - {{{', '.join(fields)}}}")
    lines += [
        "narrative:",
        "  superiors: 县委、县政府和市教育局",
        "values:",
    ]
    # Class sizes (students and their teachers) are drawn once; each day a few may be away.
    sizes = {code: rng.randint(36, 52) for code, _, _ in _classes()}
    for offset in range(DAYS):
        day = (FIRST_DAY + dt.timedelta(offset)).strftime("%Y%m%d")
        for index, (code, _, _) in enumerate(_classes()):
            absent_today = rng.choice((0, 0, 0, 1, 2))
            if (code, day) in ABSENT:
                continue
            if (code, day) in NULL:
                lines.extend(_row(i, code, day, "null") for i in INDICATORS)
                continue
            fever, isolated = EVENTS.get((code, day), (0, 0))
            at = _sent(index, day)
            lines.append(_row("screened", code, day, sizes[code] - absent_today, at))
            lines.append(_row("fever", code, day, fever or "零报告", at))
            lines.append(_row("isolated", code, day, isolated or "零报告", at))
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write the example and check that it loads against the institution."""
    text = build()
    TARGET.write_text(text, encoding="utf-8")
    from epireport_education_bureau.plugin import INSTITUTION

    import epireport

    report = epireport.loads_report(text, institution=INSTITUTION, name=str(TARGET))
    print(f"wrote {TARGET} ({len(report.values)} values)")


if __name__ == "__main__":
    main()
