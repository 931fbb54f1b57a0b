"""Benchmark: check 1,000,000 resident ID numbers on one core.

    .venv/bin/python bench/bench_idcard.py [--n 1000000] [--seed 20261121] [--bad 0.05]

The generator is deterministic (``random.Random(seed)``): valid numbers with random
province, county, birth date (1930–2008) and sequence code, and a share of bad ones
spread over every failure kind (wrong check digit, impossible date, unknown
province, wrong length, stray character, Excel float corruption, future birth date).
Generation is not timed. Three ways of consuming the results are timed:

* ``check_many`` — the bulk API (headline ``elapsed_s`` / ``ids_per_s``);
* ``check_list`` — ``[check(r) for r in ids]`` with the garbage collector running;
* ``stream`` — ``check`` each number and keep only the count per reason.

Prints one JSON object: elapsed seconds and IDs per second for each (best of
``--repeat`` runs) and the count per reason code. The target is < 3 s for a
million IDs on one core.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from huanjie.core.roll.idcard import CHECK_CHARS, PROVINCE_CODES, WEIGHTS, check, check_many

TODAY = date(2026, 11, 21)
_PROVINCES = sorted(PROVINCE_CODES)
_BIRTH_FROM = date(1930, 1, 1)
_BIRTH_SPAN = (date(2008, 12, 31) - _BIRTH_FROM).days


def _with_check(first17: str) -> str:
    # Plain weighted sum (rules.md §8), independent of the library's base-13 shortcut.
    s = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return first17 + CHECK_CHARS[s % 11]


def _valid(rng: random.Random) -> str:
    birth = _BIRTH_FROM + timedelta(days=rng.randrange(_BIRTH_SPAN))
    first17 = (
        f"{rng.choice(_PROVINCES)}{rng.randrange(10000):04d}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    )
    number = _with_check(first17)
    return number.lower() if rng.random() < 0.01 else number


def _bad(rng: random.Random) -> str:
    good = _valid(rng).upper()
    kind = rng.randrange(7)
    if kind == 0:  # wrong check digit
        wrong = rng.choice([c for c in CHECK_CHARS if c != good[17]])
        return good[:17] + wrong
    if kind == 1:  # impossible date (month 13)
        return _with_check(good[:10] + "13" + good[12:17])
    if kind == 2:  # unknown province
        return _with_check("99" + good[2:17])
    if kind == 3:  # wrong length
        return good[: rng.randrange(1, 18)]
    if kind == 4:  # stray character
        pos = rng.randrange(17)
        return good[:pos] + "O" + good[pos + 1 :]
    if kind == 5:  # Excel: scientific notation or lost trailing digits
        return f"{float(good[:17]):.5E}" if rng.random() < 0.5 else good[:15] + "000"
    future = TODAY + timedelta(days=rng.randrange(1, 3000))
    return _with_check(good[:6] + f"{future:%Y%m%d}" + good[14:17])


def generate(n: int, seed: int, bad_share: float) -> list[str]:
    rng = random.Random(seed)
    return [_bad(rng) if rng.random() < bad_share else _valid(rng) for _ in range(n)]


def _timed(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--bad", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)

    ids = generate(args.n, args.seed, args.bad)
    reasons: Counter[str] = Counter()

    def stream() -> None:
        reasons.clear()
        for raw in ids:
            reasons[check(raw, today=TODAY).reason or "valid"] += 1

    modes = {
        "check_many": _timed(lambda: check_many(ids, today=TODAY), args.repeat),
        "check_list": _timed(lambda: [check(raw, today=TODAY) for raw in ids], args.repeat),
        "stream": _timed(stream, args.repeat),
    }
    print(
        json.dumps(
            {
                "benchmark": "idcard.check",
                "n": args.n,
                "seed": args.seed,
                "bad_share": args.bad,
                "elapsed_s": round(modes["check_many"], 3),
                "ids_per_s": round(args.n / modes["check_many"]),
                "modes": {
                    name: {"elapsed_s": round(s, 3), "ids_per_s": round(args.n / s)}
                    for name, s in modes.items()
                },
                "reasons": dict(sorted(reasons.items())),
                "python": sys.version.split()[0],
                "machine": platform.machine(),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
