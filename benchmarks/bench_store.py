"""The store at office scale: ingest, re-ingest, one changed row, one-unit reads, every county.

Every case runs in a child process (so its peak memory is its own; the store a case starts
from is made by another child first), several times; the table gives medians with their
spread. The baseline of an ingest is the best simple alternative: the
CSV read with the csv module, codes mapped to ids once, and one ``executemany`` upsert into the
same schema with the same indexes (the store's own, created by ``Store.open``), in one
transaction, same pragmas. epireport's ingest does what ``epireport ingest`` does: read and
check every row against the institution, refuse unknown units, overlaps and rule violations,
order corrections, keep history.

A summary for every county (``render --each``) is measured against a floor: one DuckDB
group-by over the same CSV and a Jinja2 template per county, each written to a file (not the
same text: no checks, no completeness, no lint; the least such a batch could cost).

    python benchmarks/bench_store.py                 # 300k values, 3 runs
    python benchmarks/bench_store.py --values 1e6    # the issue's size
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

INDICATORS = ("screened", "fever", "isolated")


def institution():
    from epireport.plugin import Indicator, IndicatorSet, Institution

    indicators = tuple(Indicator(code=c, name=c, classifier="人") for c in INDICATORS)
    return Institution(
        code="bench",
        title="基准",
        indicator_sets=(IndicatorSet(code="s", title="集", indicators=indicators),),
    )


DAYS = 11
PERIOD = "2020-02-01/2020-02-11"
TEMPLATE = """# {{ unit }}疫情防控工作总结
{{ unit }}认真落实各项防控措施，现将{{ period_label }}工作情况总结如下。
## 主要工作
::: shi
- 严格排查。累计排查{{ figure("screened") }}，发现发热{{ figure("fever") }}。
- 落实隔离。隔离{{ figure("isolated") }}。
:::
"""
FLOOR_TEMPLATE = """{{ name }}疫情防控工作总结
　　{{ name }}认真落实各项防控措施，现将2020年2月1日至2月11日工作情况总结如下。
　　一、主要工作
　　一是严格排查。累计排查{{ screened }}人，发现发热{{ fever }}人。
　　二是落实隔离。隔离{{ isolated }}人。
"""


def shape(values: int) -> tuple[int, int, int]:
    """(counties, schools per county, days) giving about *values* values (1M: 1,010 counties)."""
    schools, days = 30, DAYS
    counties = max(1, round(values / (len(INDICATORS) * schools * days)))
    return counties, schools, days


def generate_form(values: int, folder: Path) -> tuple[Path, Path]:
    """A filled-in form (``epireport form``'s workbook) of about *values* figures, and its units.

    Counties of 30 schools reporting the 3 indicators for 11 days, one row per school and day,
    as a clerk would fill it in (every figure a number).
    """
    import io

    import openpyxl

    from epireport.io._excel import write_form
    from epireport.io._normalise import load_units
    from epireport.model._periods import Period

    counties, schools, _ = shape(values)
    units = folder / "form-units.yaml"
    lines = ["org_units:", "  - {code: P, name: 省}"]
    for c in range(counties):
        lines.append(f"  - {{code: C{c:04d}, name: 县{c}, parent: P}}")
        lines.extend(
            f"  - {{code: C{c:04d}S{s:02d}, name: 校{s}, parent: C{c:04d}}}" for s in range(schools)
        )
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    blank = write_form(institution(), units=load_units(units), period=Period.parse(PERIOD))
    wb = openpyxl.load_workbook(io.BytesIO(blank))
    rng = random.Random(1)
    for ws in wb.worksheets:
        codes = [cell.value for cell in ws[2]]
        columns = [i + 1 for i, c in enumerate(codes) if str(c).startswith("indicator:")]
        for row in range(3, ws.max_row + 1 if columns else 3):
            for column in columns:
                ws.cell(row=row, column=column, value=rng.randint(0, 60))
    form = folder / "form.xlsx"
    wb.save(form)
    return form, units


def case_xlsx_baseline(form: Path, units: Path, db: Path) -> int:
    """The best simple reading of a form: openpyxl's streaming reader, then executemany."""
    import openpyxl

    connection, unit_ids, indicator_ids, now = _baseline_start(units, db)
    rows = []
    wb = openpyxl.load_workbook(form, read_only=True, data_only=True)
    for ws in wb.worksheets:
        codes = next(ws.iter_rows(min_row=2, max_row=2, values_only=True), ())
        figures = [
            (i, indicator_ids[str(c)[len("indicator:") :]])
            for i, c in enumerate(codes)
            if str(c).startswith("indicator:")
        ]
        if not figures:
            continue
        for number, row in enumerate(ws.iter_rows(min_row=3, values_only=True), 3):
            unit, day = unit_ids[row[0]], row[2]
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
            if isinstance(day, dt.datetime):
                day = day.date()
            period = day.strftime("%Y%m%d")
            for index, indicator_id in figures:
                value = row[index]
                rows.append(
                    (
                        indicator_id,
                        unit,
                        period,
                        day.toordinal(),
                        day.toordinal() + 1,
                        str(value),
                        float(value),
                        now,
                        f"sheet {ws.title}, row {number}",
                    )
                )
    wb.close()
    return _baseline_write(connection, rows)


def _baseline_start(
    units: Path, db: Path
) -> tuple[sqlite3.Connection, dict[str, int], dict[str, int], str]:
    """The store's schema, indexes and pragmas (``Store.open``), its units, its indicators."""
    from epireport.io._normalise import load_units
    from epireport.store import Store

    with Store.open(db) as store:  # the same schema, indexes and pragmas
        store.put_units(load_units(units))
    connection = sqlite3.connect(db, isolation_level=None)
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA cache_size = -32768")  # as Store.open sets it
    unit_ids = dict(connection.execute("SELECT code, id FROM units"))
    connection.execute("BEGIN IMMEDIATE")
    indicator_ids = {
        code: connection.execute(
            "INSERT INTO indicators (code, institution) VALUES (?, 'bench')", (code,)
        ).lastrowid
        for code in INDICATORS
    }
    return connection, unit_ids, indicator_ids, dt.datetime.now(dt.UTC).isoformat()


def _baseline_write(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> int:
    """One executemany upsert of every row, one transaction."""
    connection.executemany(
        "INSERT INTO data_values (indicator_id, unit_id, period, start_day, end_day, status, "
        "kind, value_text, value_num, submitted_by, comment, ingested_at, source_row) "
        "VALUES (?, ?, ?, ?, ?, 'reported', 'int', ?, ?, '', '', ?, ?) "
        "ON CONFLICT (indicator_id, unit_id, options, start_day, period) "
        "DO UPDATE SET value_text = excluded.value_text",
        rows,
    )
    connection.execute("COMMIT")
    connection.close()
    return len(rows)


def generate(values: int, folder: Path) -> tuple[Path, Path]:
    counties, schools, days = shape(values)
    rng = random.Random(1)
    start = dt.date(2020, 2, 1)
    data, units = folder / "values.csv", folder / "units.yaml"
    with data.open("w", encoding="utf-8", newline="") as handle:
        handle.write("indicator,unit,period,value\n")
        for d in range(days):
            day = (start + dt.timedelta(d)).strftime("%Y%m%d")
            for c in range(counties):
                for s in range(schools):
                    for indicator in INDICATORS:
                        handle.write(f"{indicator},C{c:04d}S{s:02d},{day},{rng.randint(0, 60)}\n")
    lines = ["org_units:", "  - {code: P, name: 省}"]
    for c in range(counties):
        lines.append(f"  - {{code: C{c:04d}, name: 县{c}, parent: P}}")
        lines.extend(
            f"  - {{code: C{c:04d}S{s:02d}, name: 校{s}, parent: C{c:04d}}}" for s in range(schools)
        )
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data, units


# ------------------------------------------------------------------------------ the cases


def case_baseline(data: Path, units: Path, db: Path) -> int:
    connection, unit_ids, indicator_ids, now = _baseline_start(units, db)
    rows = []
    with data.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for number, (indicator, unit, period, value) in enumerate(reader, 2):
            day = dt.date(int(period[:4]), int(period[4:6]), int(period[6:]))
            rows.append(
                (
                    indicator_ids[indicator],
                    unit_ids[unit],
                    period,
                    day.toordinal(),
                    day.toordinal() + 1,
                    value,
                    float(value),
                    now,
                    f"row {number}",
                )
            )
    return _baseline_write(connection, rows)


def plugins():
    import jinja2

    from epireport import Plugins, make_plugin_manager
    from epireport.plugin import TemplateSource, hookimpl

    inst = institution()

    class Only:
        @hookimpl
        def epireport_register_institutions(self):
            return [inst]

        @hookimpl
        def epireport_register_templates(self):
            loader = jinja2.DictLoader({"bench/report.md.j2": TEMPLATE})
            return [TemplateSource("bench", loader=loader)]

    return Plugins(make_plugin_manager(plugins=[Only()], autoload=False)), inst


def _ingest(data: Path, units: Path, db: Path) -> int:
    from epireport.io._normalise import load_units
    from epireport.store import Store, ingest_batch
    from epireport.store._ingest import file_sha256

    registered, inst = plugins()
    with Store.open(db) as store:
        sha = file_sha256(data)
        if store.ingested(sha) is not None:
            return 0
        batch = registered.load_batch(data, inst)
        assert batch.ok, batch.problems[:3]
        result = ingest_batch(
            store,
            batch,
            units=load_units(units),
            rules=registered.validation_rules(inst),
            content_hash=sha,
        )
    return result.total


def case_each(db: Path, out: Path) -> int:
    """What `epireport render --db DB --each 2 -o OUT` does: every county, linted, indexed."""
    from epireport._cli.render_cmds import _render_each
    from epireport.model._periods import Period

    registered, inst = plugins()
    _render_each(
        registered,
        db,
        inst,
        Period.parse(PERIOD),
        "2",
        None,
        None,
        out,
        fmt="text",
        draft=False,
        template=None,
        allow_violations=False,
    )
    return len(list(out.glob("*.txt")))


def case_floor(data: Path, out: Path) -> int:
    """One DuckDB group-by over the CSV and a Jinja2 template per county, each to a file."""
    import duckdb
    import jinja2

    template = jinja2.Environment(autoescape=False).from_string(FLOOR_TEMPLATE)
    rows = duckdb.sql(
        f"SELECT substr(unit, 1, 5) AS county, indicator, sum(value) AS total "
        f"FROM read_csv('{data}', header = true, columns = {{'indicator': 'VARCHAR', "
        f"'unit': 'VARCHAR', 'period': 'VARCHAR', 'value': 'BIGINT'}}) "
        f"GROUP BY ALL ORDER BY county"
    ).fetchall()
    totals: dict[str, dict[str, int]] = {}
    for county, indicator, total in rows:
        totals.setdefault(county, {})[indicator] = total
    out.mkdir(parents=True, exist_ok=True)
    for county, figures in totals.items():
        text = template.render(name=f"县{int(county[1:])}", **figures)
        (out / f"{county}.txt").write_text(text, encoding="utf-8")
    return len(totals)


CASES = (
    "baseline",
    "ingest",
    "reingest",
    "changed",
    "read",
    "floor",
    "each",
    "xlsx-baseline",
    "xlsx-ingest",
)


def child(case: str, data: Path, units: Path, db: Path) -> dict[str, float]:
    """Run one case; time only what the case is about."""
    if case == "setup":
        _ingest(data, units, db)  # the store a case starts from, made by a process of its own
        return {"seconds": 0.0, "count": 0, "peak_mb": 0.0}
    out = db.with_name(f"{case}-out")
    shutil.rmtree(out, ignore_errors=True)
    if case == "changed":
        changed = data.with_name("changed.csv")
        text = data.read_text(encoding="utf-8").splitlines()
        first = text[1].rsplit(",", 1)
        text[1] = f"{first[0]},{int(first[1]) + 1}"
        changed.write_text("\n".join(text) + "\n", encoding="utf-8")
        data = changed
    if case == "read":
        # A read is timed as a running program makes it: epireport already imported.
        from epireport.store import Store
    if case.startswith("xlsx"):
        data, units = data.with_name("form.xlsx"), data.with_name("form-units.yaml")
    start = time.perf_counter()
    if case == "xlsx-baseline":
        count = case_xlsx_baseline(data, units, db)
    elif case == "baseline":
        count = case_baseline(data, units, db)
    elif case == "read":
        from epireport.store import Store

        with Store.open(db) as store:
            store.report_input(institution(), "C0000", PERIOD)
        count = 0
    elif case == "floor":
        count = case_floor(data, out)
    elif case == "each":
        count = case_each(db, out)
    else:
        count = _ingest(data, units, db)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "count": count, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """This process's peak resident memory, in MB.

    Linux's VmHWM belongs to the process image; ``ru_maxrss`` survives exec, so a child
    would report its parent's peak when the parent was larger.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(case: str, data: Path, units: Path, folder: Path) -> dict[str, float]:
    db = folder / f"{case}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    steps = [case]
    if case in ("reingest", "changed", "read", "each"):
        # The store the case starts from, made first by another process: the case's own
        # peak memory is then its own, not the setup's.
        steps.insert(0, "setup")
    for step in steps:
        out = subprocess.run(
            [sys.executable, __file__, "--child", step, str(data), str(units), str(db)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=float, default=3e5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--form-values",
        type=float,
        default=None,
        help="figures in the filled-in form of the xlsx cases (default: a tenth of --values)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        case, data, units, db = args.child
        print(json.dumps(child(case, Path(data), Path(units), Path(db))))
        return
    # Every case is a fresh process, as a command is, and imports inside its timing. An
    # installed package has its modules compiled (pip compiles on install; DuckDB's and
    # Jinja2's are): epireport's are compiled here too, so that no case pays Python's compiler
    # where the interpreter does not cache bytecode itself (PYTHONDONTWRITEBYTECODE).
    import compileall

    import epireport

    compileall.compile_dir(Path(epireport.__file__).parent, quiet=1)
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        data, units = generate(int(args.values), folder)
        values = sum(1 for _ in data.open(encoding="utf-8")) - 1
        print(f"{values} values, {shape(int(args.values))} (counties, schools, days)")
        form_values = int(args.form_values or args.values / 10)
        generate_form(form_values, folder)
        form_count = len(INDICATORS) * DAYS * 30 * shape(form_values)[0]
        print(f"form: {form_count} figures, {shape(form_values)} (counties, schools, days)")
        results: dict[str, list[dict[str, float]]] = {case: [] for case in CASES}
        for _ in range(args.repeat):
            for case in CASES:  # interleaved, so a busy moment hits every case alike
                results[case].append(run(case, data, units, folder))
        base = statistics.median(r["seconds"] for r in results["baseline"])
        xlsx_base = statistics.median(r["seconds"] for r in results["xlsx-baseline"])
        floor = statistics.median(r["seconds"] for r in results["floor"])
        print("| case | median s | spread s | rate | vs baseline | peak MB |")
        print("| --- | --- | --- | --- | --- | --- |")
        for case in CASES:
            times = sorted(r["seconds"] for r in results[case])
            median = statistics.median(times)
            count = results[case][0]["count"]
            rate, ratio = "–", "–"
            if case in ("baseline", "ingest"):
                rate = f"{values / median:,.0f} values/s"
            elif case in ("xlsx-baseline", "xlsx-ingest"):
                rate = f"{form_count / median:,.0f} values/s"
            elif case in ("floor", "each"):
                rate = f"{count / median:,.0f} summaries/s"
            if case == "ingest":
                ratio = f"{median / base:.2f}x the baseline"
            elif case == "xlsx-ingest":
                ratio = f"{median / xlsx_base:.2f}x the baseline"
            elif case == "each":
                ratio = f"{median / floor:.2f}x the floor"
            peak = max(r["peak_mb"] for r in results[case])
            print(
                f"| {case} | {median:.3f} | {times[0]:.3f}–{times[-1]:.3f} | {rate} | "
                f"{ratio} | {peak:.0f} |"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("EPIREPORT_DISABLE_PLUGIN_AUTOLOAD", "1")
    main()
