"""Run every benchmark of the core on one core and print the results as a Markdown table.

Usage: .venv/bin/python bench/run.py   (results go to docs/benchmarks.md by hand, with the date)
Each benchmark is its own process pinned to CPU 0 (taskset), so they do not disturb each other.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    (
        "tally: decide 1,000,000 ballots, five seats on four posts",
        "bench_tally.py",
        [],
        "decide_s",
        3.0,
    ),
    ("names: stroke-order 100,000 names", "bench_names.py", [], "sort_seconds_best", 1.0),
    ("idcard: check 1,000,000 ID numbers", "bench_idcard.py", [], "elapsed_s", 3.0),
    (
        "printing: public voter list of a 5,000-voter village (选民名单公告)",
        "bench_printing.py",
        ["--only", "list"],
        "voter_list_s",
        10.0,
    ),
    (
        "printing: 5,000 voter cards with QR codes (选民证)",
        "bench_printing.py",
        ["--only", "cards", "--repeat", "1"],
        "cards_s",
        60.0,
    ),
    # A ratio, not seconds: importing a 200,000-row xlsx register (validation, eligibility,
    # duplicate search, database write) against reading it with python-calamine alone, the
    # worse of SQLite and PostgreSQL (DATABASE_URL or the local server); target ≤ 4.
    (
        "roll: import 200,000-row xlsx vs python-calamine read (worse of SQLite, PostgreSQL)",
        "bench_roll_import.py",
        ["--repeat", "3"],
        "ratio_max",
        4.0,
        "×",
    ),
]


def main() -> int:
    rows = []
    failed = False
    for title, script, args, key, target, *unit in BENCHES:
        out = subprocess.run(
            ["taskset", "-c", "0", sys.executable, str(HERE / script), *args],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        value = result[key]
        sign = unit[0] if unit else "s"
        ok = value <= target if sign == "×" else value < target  # a ratio: "no more than"
        failed |= not ok
        rows.append((title, value, target, ok, result, sign))
    print(f"Python {platform.python_version()} on {platform.machine()}, one core (taskset -c 0)\n")
    print("| benchmark | measured | target | met |")
    print("|---|---:|---:|---|")
    for title, value, target, ok, _, sign in rows:
        bound = "≤" if sign == "×" else "<"
        print(
            f"| {title} | {value:.3f} {sign} | {bound} {target} {sign} | {'yes' if ok else 'NO'} |"
        )
    print("\nRaw results:")
    for *_, result, _ in rows:
        print(json.dumps(result, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
