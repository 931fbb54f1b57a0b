"""Deciding a ballot-level round: 1,000,000 ballots of a five-post village election.

Measures, on one core: (1) deciding — reconciliation, quorum, validity of every ballot,
tallies, thresholds, seats — on parsed ballots (the target: under 3 s); (2) parsing the
JSON text into ballots; (3) the whole ``huanjie tally FILE`` command, for information.
Prints one JSON object.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_rounds import make_round
from huanjie.core.count import decide_round, parse_round
from huanjie.core.rules import load_profile


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    n = int(os.environ.get("BENCH_BALLOTS", "1000000"))
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    data = make_round(n, seed=7)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # As in ``huanjie tally``: the cyclic collector is off while a million ballots are loaded.
    gc.disable()
    parse_s = best(lambda: parse_round(json.loads(text), load_profile), 1)
    parsed = parse_round(json.loads(text), load_profile)
    gc.enable()
    decide_s = best(lambda: decide_round(parsed), 3)
    outcome = decide_round(parsed)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        t = time.perf_counter()
        subprocess.run(
            ["taskset", "-c", "0", sys.executable, "-m", "huanjie.cli", "tally", f.name],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cli_s = time.perf_counter() - t
    finally:
        Path(f.name).unlink()
    print(
        json.dumps(
            {
                "benchmark": "tally",
                "ballots": n,
                "posts": len(data["posts"]),
                "json_mb": round(len(text.encode()) / 1e6, 1),
                "decide_s": round(decide_s, 3),
                "parse_s": round(parse_s, 3),
                "cli_end_to_end_s": round(cli_s, 3),
                "ballots_per_s_decide": round(n / decide_s),
                "valid": outcome.valid,
                "invalid_ballots": outcome.invalid_ballots,
                "target_decide_s": 3.0,
                "meets_target": decide_s < 3.0,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
