"""Start-up cost of ``import epireport`` and ``epireport --help`` against a bare interpreter.

Target (foundation issue): at most 10x ``python -c pass``, measured in the same run.
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
    # Not a target: what a real command pays once plugins load (for the record).
    "epireport plugins": [sys.executable, "-m", "epireport", "plugins", "--json"],
}
UNTARGETED = {"python -c pass", "epireport plugins"}


def measure(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    # The median resists the odd slow start caused by the other core being busy.
    return statistics.median(times)


def main() -> int:
    results = {name: measure(argv) for name, argv in CASES.items()}
    base = results["python -c pass"]
    failed = False
    print(f"{'case':<20} {'median ms':>10} {'ratio':>7}  target")
    for name, seconds in results.items():
        ratio = seconds / base
        target = "" if name in UNTARGETED else "<= 10x"
        if target and ratio > 10:
            failed = True
            target += "  MISSED"
        print(f"{name:<20} {seconds * 1000:>10.1f} {ratio:>6.1f}x  {target}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
