"""Start-up cost of ``import epireport``, ``epireport --help`` and a plugin's imports.

Targets, measured in the same run:

- ``import epireport`` and ``epireport --help``: at most 10x ``python -c pass`` (foundation
  issue);
- ``from epireport.plugin import hookimpl``: its import cost (the time above ``python -c pass``)
  at most 2x that of ``import pluggy`` ("One plugin surface" issue).

Run: ``python3 benchmarks/bench_startup.py``. Prints a table; exits 1 if a target is missed.
"""

import statistics
import subprocess
import sys
import time

RUNS = 15
CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import epireport": [sys.executable, "-c", "import epireport"],
    "epireport --help": [sys.executable, "-m", "epireport", "--help"],
    "import pluggy": [sys.executable, "-c", "import pluggy"],
    "plugin hookimpl": [sys.executable, "-c", "from epireport.plugin import hookimpl"],
    # Not a target: a plugin module using every record type (attrs and the model, cattrs
    # for InputLoader), for the record.
    "plugin records": [sys.executable, "-c", "from epireport.plugin import *"],
    # Not a target: what a real command pays once plugins load (for the record).
    "epireport plugins": [sys.executable, "-m", "epireport", "plugins", "--json"],
}
UNTARGETED = {"python -c pass", "import pluggy", "plugin records", "epireport plugins"}
#: Import cost (above ``python -c pass``) against ``import pluggy``'s.
AGAINST_PLUGGY = {"plugin hookimpl": 2.0, "plugin records": None}


def measure(cases: dict[str, list[str]]) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in cases}
    # Rounds over every case, so that a busy moment of the machine slows all cases alike.
    for _ in range(RUNS):
        for name, argv in cases.items():
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - start)
    # The median resists the odd slow start caused by the other core being busy.
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    results = measure(CASES)
    base = results["python -c pass"]
    pluggy = results["import pluggy"] - base
    failed = False
    print(f"{'case':<20} {'median ms':>10} {'ratio':>7} {'vs pluggy':>10}  target")
    for name, seconds in results.items():
        ratio = seconds / base
        target = "" if name in UNTARGETED else "<= 10x"
        if name in AGAINST_PLUGGY:
            against = (seconds - base) / pluggy
            budget = AGAINST_PLUGGY[name]
            column = f"{against:>9.2f}x"
            target = "" if budget is None else f"<= {budget}x pluggy"
            if budget is not None and against > budget:
                failed = True
                target += "  MISSED"
        else:
            column = ""
            if target and ratio > 10:
                failed = True
                target += "  MISSED"
        print(f"{name:<20} {seconds * 1000:>10.1f} {ratio:>6.1f}x {column:>10}  {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
