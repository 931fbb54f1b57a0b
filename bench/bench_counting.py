"""Benchmark: 200 counting stations entering ballots at once, over HTTP, against PostgreSQL.

    .venv/bin/python bench/bench_counting.py [--stations 200] [--ballots 50] [--threads 8]
        [--db postgres|sqlite] [--limit 900] [--retry-every 25]

One round with ``--stations`` boxes of ``--ballots`` ballots each is set up in a process of its
own (``tests/apps/counting/live.py``: a village with its formal list, polls opened and closed,
every box reconciled by two clerks); the database is ``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/huanjie_bench`` (dropped and created again), or a fresh
SQLite file with ``--db sqlite``. The application then runs under waitress
(``waitress-serve huanjie.web.wsgi:application``, ``--threads`` worker threads, as
``huanjie serve`` runs it but with a connection limit above the number of clients).

Each station is a thread with two HTTP sessions of its own (clerk 1 and clerk 2, each a
keep-alive connection with its session cookie and CSRF token) and enters every ballot of its
box twice, as the keyboard page does: ``POST …/boxes/{box}/passes/{1|2}/ballots`` — one request
per ballot, one committed row per request. Every ``--retry-every``-th ballot is sent twice
(a retry), which must be answered as a replay. The run stops at ``--limit`` seconds.

Afterwards the database is read directly: every acknowledged entry must be there exactly once
(no loss, no double count), every box complete and definitive, one audit entry per row.
Prints one JSON line: throughput (entries/s), latency per entry (p50, p95, p99, max, ms),
counts and the verification.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.apps.counting.live import Server, Session, free_port, run_setup  # noqa: E402

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/huanjie_bench"


def _fresh_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1].split("?", maxsplit=1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _query(env: dict[str, str], sql: str) -> list[tuple[Any, ...]]:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return list(conn.execute(sql))
    with psycopg.connect(url) as conn:
        return list(conn.execute(sql))  # type: ignore[call-overload]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--ballots", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--limit", type=float, default=900.0, help="seconds")
    parser.add_argument("--retry-every", type=int, default=25)
    parser.add_argument(
        "--servers", type=int, default=1, help="waitress processes (stations spread over them)"
    )
    parser.add_argument(
        "--pace", type=float, default=0.0, help="seconds between ballots per station (0: flat out)"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="huanjie-bench-counting-"))
    env = {"HUANJIE_DATA_DIR": str(tmp)}
    if args.db == "postgres":
        env["DATABASE_URL"] = os.environ.get("DATABASE_URL", DEFAULT_PG)
        _fresh_postgres(env["DATABASE_URL"])
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"

    t0 = time.perf_counter()
    info = run_setup(env, boxes=args.stations, collected=args.ballots, sessions=args.stations)
    setup_s = time.perf_counter() - t0
    servers = []
    for _ in range(args.servers):
        port = free_port()
        servers.append(
            Server(
                env,
                port,
                [
                    sys.executable,
                    "-m",
                    "waitress",
                    "--host=127.0.0.1",
                    f"--port={port}",
                    f"--threads={args.threads}",
                    f"--connection-limit={4 * args.stations + 50}",
                    "huanjie.web.wsgi:application",
                ],
            )
        )
    for server in servers:
        server.start()
    samples: list[list[str]] = info["samples"]
    base = f"/api/elections/{info['election']}/counting/boxes"
    latencies: list[float] = []
    acked: dict[tuple[int, int, int], Any] = {}
    problems: list[str] = []
    replays = retries = 0
    lock = threading.Lock()
    deadline = time.monotonic() + args.limit
    go = threading.Event()

    def station(k: int, box: int) -> None:
        nonlocal replays, retries
        port = servers[k % len(servers)].port
        clerks = {
            1: Session(port, info["sessions"]["1"][k]),
            2: Session(port, info["sessions"]["2"][k]),
        }
        mine: list[float] = []
        go.wait()
        # Paced stations start spread over one interval, as halls do not start on the second.
        due = time.monotonic() + (args.pace * k / args.stations)
        try:
            for pos in range(1, args.ballots + 1):
                if args.pace:
                    time.sleep(max(0.0, due - time.monotonic()))
                    due += args.pace
                fields = samples[(box + pos) % len(samples)]
                for pass_no in (1, 2):
                    if time.monotonic() > deadline:
                        return
                    url = f"{base}/{box}/passes/{pass_no}/ballots"
                    body = {"position": pos, "keys": fields}
                    sends = 2 if pos % args.retry_every == 0 else 1
                    for attempt in range(sends):
                        start = time.perf_counter()
                        try:
                            status, out = clerks[pass_no].request("POST", url, body)
                        except OSError as err:
                            with lock:
                                problems.append(f"box {box} pass {pass_no} #{pos}: {err}")
                            return
                        mine.append(time.perf_counter() - start)
                        if status != 200:
                            with lock:
                                problems.append(f"box {box} pass {pass_no} #{pos}: {status} {out}")
                            return
                        with lock:
                            acked[(box, pass_no, pos)] = out["ballot"]
                            if attempt:
                                retries += 1
                                replays += bool(out["replay"])
                            elif out["replay"]:
                                problems.append(
                                    f"box {box} pass {pass_no} #{pos}: first send a replay"
                                )
        finally:
            for c in clerks.values():
                c.close()
            with lock:
                latencies.extend(mine)

    threads = [
        threading.Thread(target=station, args=(k, box), daemon=True)
        for k, box in enumerate(info["boxes"])
    ]
    for t in threads:
        t.start()
    t1 = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t1
    for server in servers:
        server.stop()

    # Verification, straight from the database.
    rows = _query(
        env,
        "SELECT c.box_id, e.pass_no, e.position, e.ballot FROM counting_ballotentry e "
        "JOIN counting_boxcount c ON c.id = e.count_id WHERE e.discarded_at IS NULL",
    )
    stored: dict[tuple[int, int, int], Any] = {}
    duplicates = 0
    for box, pass_no, pos, ballot in rows:
        key = (int(box), int(pass_no), int(pos))
        duplicates += key in stored
        stored[key] = ballot if isinstance(ballot, dict) else json.loads(ballot)
    lost = [k for k in acked if k not in stored]
    changed = [k for k, v in acked.items() if k in stored and stored[k] != v]
    unacknowledged = [k for k in stored if k not in acked]
    states = dict(_query(env, "SELECT state, count(*) FROM counting_boxcount GROUP BY state"))
    audited = _query(
        env, "SELECT count(*) FROM audit_auditentry WHERE action = 'counting.ballot_record'"
    )[0][0]
    entries = len(acked)
    expected = 2 * args.stations * args.ballots
    result = {
        "bench": "counting",
        "db": args.db,
        "stations": args.stations,
        "ballots_per_box": args.ballots,
        "servers": args.servers,
        "server_threads": args.threads,
        "pace_s": args.pace,
        "setup_s": round(setup_s, 1),
        "elapsed_s": round(elapsed, 2),
        "entries": entries,
        "expected": expected,
        "requests": len(latencies),
        "entries_per_s": round(entries / elapsed, 1) if elapsed else 0,
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "latency_ms": {
            "p50": round(1000 * _percentile(latencies, 0.50), 1),
            "p95": round(1000 * _percentile(latencies, 0.95), 1),
            "p99": round(1000 * _percentile(latencies, 0.99), 1),
            "max": round(1000 * max(latencies, default=0.0), 1),
        },
        "retries": retries,
        "replays": replays,
        "verify": {
            "rows": len(rows),
            "duplicates": duplicates,
            "lost": len(lost),
            "changed": len(changed),
            "stored_unacknowledged": len(unacknowledged),
            "box_states": states,
            "audit_entries": audited,
        },
        "problems": problems[:10],
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    ok = (
        entries == expected
        and not duplicates
        and not lost
        and not changed
        and not unacknowledged
        and replays == retries
        and audited == len(rows)
        and not problems
    )
    result["ok"] = ok
    print(json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
