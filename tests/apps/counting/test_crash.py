"""Every acknowledged ballot survives ``kill -9`` of the server, exactly once.

The real path: the application under waitress (``huanjie serve``) in its own process, a file
database (SQLite; also PostgreSQL when the tests run against it), ballots posted over HTTP as
the keyboard page posts them. The server is killed with SIGKILL while ballots are in flight,
started again, and the database is read directly.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.apps.counting.live import Server, Session, free_port, run_setup

COLLECTED = 60


def _backends() -> list[str]:
    url = os.environ.get("DATABASE_URL", "")
    return ["sqlite", "postgres"] if url.startswith("postgres") else ["sqlite"]


@pytest.fixture(params=_backends())
def database(request: Any, tmp_path: Path) -> Iterator[tuple[dict[str, str], Any]]:
    env = {"HUANJIE_DATA_DIR": str(tmp_path)}
    if request.param == "sqlite":
        path = tmp_path / "crash.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{path}"

        def rows(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as conn:
                return list(conn.execute(sql))

        yield env, rows
        return
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = "huanjie_counting_crash"
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"

    def pg_rows(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return list(conn.execute(sql))  # type: ignore[call-overload]

    yield env, pg_rows
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_kill_9_mid_count_loses_no_acknowledged_ballot(
    database: tuple[dict[str, str], Any],
) -> None:
    env, rows = database
    info = run_setup(env, boxes=1, collected=COLLECTED, sessions=1)
    samples = info["samples"]
    api = f"/api/elections/{info['election']}/counting/boxes/{info['boxes'][0]}/passes/1/ballots"
    port = free_port()
    server = Server(env, port)
    server.start()
    clerk = Session(port, info["sessions"]["1"][0])
    acked: dict[int, Any] = {}
    in_flight: list[int] = []

    def fields(pos: int) -> list[str]:
        return list(samples[pos % len(samples)])

    def stream() -> None:
        pos = 1
        while pos <= COLLECTED:
            try:
                status, body = clerk.request("POST", api, {"position": pos, "keys": fields(pos)})
            except OSError:
                in_flight.append(pos)  # sent, never acknowledged: the server died
                return
            assert status == 200, body
            acked[pos] = body["ballot"]
            pos += 1

    writer = threading.Thread(target=stream)
    writer.start()
    while len(acked) < 20 and writer.is_alive():
        threading.Event().wait(0.005)
    server.kill9()  # mid-stream: the writer is posting as fast as the server answers
    writer.join(timeout=30)
    assert in_flight, "the server was killed with a ballot in flight"
    assert 20 <= len(acked) < COLLECTED

    # Straight from the database: every acknowledged ballot is there, once.
    stored = rows("SELECT position, ballot FROM counting_ballotentry ORDER BY position")
    positions = [p for p, _ in stored]
    assert positions == list(range(1, len(positions) + 1))
    assert len(positions) in (len(acked), len(acked) + 1)  # + the one in flight, if committed
    for pos, ballot in stored[: len(acked)]:
        value = ballot if isinstance(ballot, dict) else json.loads(ballot)
        assert value == acked[pos]

    server.start()
    try:
        clerk = Session(port, info["sessions"]["1"][0])
        status, state = clerk.request("GET", api.rsplit("/", 1)[0])
        assert status == 200
        assert state["next_position"] == len(positions) + 1  # the page resumes here
        # The browser retries the unacknowledged ballot: recorded once, whichever way it went.
        pos = in_flight[0]
        status, body = clerk.request("POST", api, {"position": pos, "keys": fields(pos)})
        assert status == 200, body
        assert body["replay"] is (len(positions) == pos)
        acked[pos] = body["ballot"]
        for pos in range(len(acked) + 1, COLLECTED + 1):
            status, body = clerk.request("POST", api, {"position": pos, "keys": fields(pos)})
            assert status == 200, body
            acked[pos] = body["ballot"]
            if pos % 10 == 0:  # a retried request in the middle of the stream
                status, again = clerk.request("POST", api, {"position": pos, "keys": fields(pos)})
                assert (status, again["replay"]) == (200, True)
    finally:
        clerk.close()
        server.stop()

    stored = rows("SELECT position, ballot FROM counting_ballotentry ORDER BY position")
    assert [p for p, _ in stored] == list(range(1, COLLECTED + 1))
    audited = rows("SELECT count(*) FROM audit_auditentry WHERE action = 'counting.ballot_record'")
    assert audited[0][0] == COLLECTED
