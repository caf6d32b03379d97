"""Speed of the narrative number formatters, as ratios against baselines run in the same process.

Run: ``python3 benchmarks/bench_numbers.py`` (from the repository root; no install needed).
"""

import random
import sys
import timeit
from pathlib import Path

# The project is not installed in every checkout; benchmark the source tree itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from epireport.narrative._numbers import format_number, parse_number
from epireport.narrative._numerals import chinese_numeral

N = 100_000
REPEAT = 5


def best(stmt, number=1):
    return min(timeit.repeat(stmt, number=number, repeat=REPEAT))


def main():
    rng = random.Random(20200229)
    values = [rng.randrange(0, 10**9) for _ in range(N)]
    small = [rng.randrange(1, 100) for _ in range(N)]

    base_str = best(lambda: [str(n) for n in values])
    base_fmt = best(lambda: [f"{n / 10000:.1f}万" for n in values])
    rows = [
        ("str(n)", base_str, base_str),
        ('f"{n/10000:.1f}万"', base_fmt, base_str),
    ]
    for style in ("exact", "compact", "hedged", "near", "about"):
        elapsed = best(lambda style=style: [format_number(n, style) for n in values])
        rows.append((f"format_number({style})", elapsed, base_fmt))
    texts = [format_number(n, "hedged") for n in values]
    rows.append(
        ("parse_number(hedged text)", best(lambda: [parse_number(t) for t in texts]), base_fmt)
    )
    rows.append(
        ("chinese_numeral(1..99)", best(lambda: [chinese_numeral(n) for n in small]), base_str)
    )

    print(f"{N} values, best of {REPEAT} runs, Python {sys.version.split()[0]}")
    print(f"{'operation':32} {'total ms':>10} {'ns/call':>9} {'ratio':>7}  baseline")
    for name, elapsed, base in rows:
        baseline = "str(n)" if base is base_str else "f-string 万"
        print(
            f"{name:32} {elapsed * 1000:10.1f} {elapsed / N * 1e9:9.0f} "
            f"{elapsed / base:7.2f}  {baseline}"
        )


if __name__ == "__main__":
    main()
