"""A real server for the crash test and the load benchmark: the election is set up in a
process of its own, the application runs under waitress (``huanjie serve``) in another, and
ballots go over HTTP exactly as the keyboard page sends them.

    python -m tests.apps.counting.live setup --boxes 1 --collected 40 --sessions 1

prints one JSON line: the election, round and box ids, the keyboard fields of a few sample
ballots, and session cookies of the two clerks (one per box and pass), so that clients need
no password round trips. The database is the one ``DATABASE_URL`` names (else SQLite in
``HUANJIE_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


# --- Setting up (inside a Django process) ------------------------------------------------------


def setup(boxes: int, collected: int, sessions: int) -> dict[str, Any]:
    import datetime

    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0, interactive=False)

    from huanjie.apps.accounts.models import Role
    from huanjie.apps.accounts.services import user_create
    from huanjie.apps.campaigns.services import campaign_create, election_create
    from huanjie.apps.counting import services as counting
    from huanjie.apps.places.services import area_create
    from huanjie.apps.polling import services as polling
    from tests.apps.election_day import build_formal_election

    password = "Correct-Horse-42"
    county = area_create(acting_user=None, name="安吉县", parent=None, code="330523")
    town = area_create(acting_user=None, name="天荒坪镇", parent=county)
    village = area_create(acting_user=None, name="青山村", parent=town)
    group = area_create(acting_user=None, name="第一村民小组", parent=village)

    def user(name: str, role: Role, area: Any) -> Any:
        return user_create(
            acting_user=None,
            username=name,
            password=password,
            full_name=name,
            role=role,
            area=area,
        )

    town_user = user("town", Role.TOWNSHIP_OFFICE, town)
    committee = user("qingshan", Role.ELECTION_COMMITTEE, village)
    one = user("clerk_one", Role.ELECTION_COMMITTEE, village)
    two = user("clerk_two", Role.ELECTION_COMMITTEE, village)
    campaign = campaign_create(
        acting_user=town_user,
        area=town,
        term=12,
        default_profile="village/zhejiang",
        default_election_day=datetime.date(2026, 12, 20),
    )
    election = election_create(
        acting_user=town_user,
        campaign=campaign,
        area=village,
        election_day=datetime.date(2026, 12, 20),
        members=5,
        place="青山村文化礼堂",
    )
    election = build_formal_election(
        election, {"group": group}, {"one": one, "two": two, "coordinator": committee}
    )
    r = polling.round_create_regular(acting_user=committee, election=election)
    main = r.boxes.get()
    for k in range(2, boxes + 1):
        polling.box_create(acting_user=committee, round=r, station=main.station, name=f"{k}号票箱")
    r = polling.round_open(acting_user=committee, round=r)
    r = polling.round_close(acting_user=committee, round=r)
    counting.count_start(acting_user=committee, round=r, method="ballots")
    box_ids = []
    for box in r.boxes.order_by("pk"):
        for clerk in (one, two):
            counting.box_reconcile(
                acting_user=clerk, box=box, collected=collected, acknowledged=True
            )
        box_ids.append(box.pk)

    def cookie(u: Any) -> str:
        c = Client()
        c.force_login(u)
        return c.cookies["sessionid"].value

    posts = r.posts
    samples = [
        ["1", "1", "1", "12"],
        ["2", "2", "2", "23"],
        ["1", "", "2", "3 +孙某"],
        ["12", "1", "1", "1"],  # over-marked: taken, voided by the core
        ["", "", "", ""],
    ]
    return {
        "election": election.pk,
        "round": r.number,
        "boxes": box_ids,
        "collected": collected,
        "posts": [p["name"] for p in posts],
        "samples": samples,
        "sessions": {
            "1": [cookie(one) for _ in range(sessions)],
            "2": [cookie(two) for _ in range(sessions)],
        },
    }


# --- The server ------------------------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def child_env(env: dict[str, str]) -> dict[str, str]:
    out = {**os.environ, **env, "DJANGO_SETTINGS_MODULE": "huanjie.web.settings"}
    out["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
    )
    return out


def run_setup(env: dict[str, str], boxes: int, collected: int, sessions: int) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.apps.counting.live",
            "setup",
            "--boxes",
            str(boxes),
            "--collected",
            str(collected),
            "--sessions",
            str(sessions),
        ],
        env=child_env(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


class Server:
    """``huanjie serve`` as a child process, in its own process group (so ``kill -9`` takes
    the whole server at once)."""

    def __init__(self, env: dict[str, str], port: int, argv: list[str] | None = None) -> None:
        self.env, self.port = env, port
        self.argv = argv or [
            sys.executable,
            "-m",
            "huanjie.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-worker",
        ]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> None:
        self.proc = subprocess.Popen(
            self.argv,
            env=child_env(self.env),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            time.sleep(0.2)
        raise RuntimeError("server did not start")

    def kill9(self) -> None:
        """SIGKILL to the server's process group: no clean-up, no flush, nothing."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Session:
    """One clerk's browser: a session cookie, a CSRF token, one keep-alive connection."""

    def __init__(self, port: int, sessionid: str) -> None:
        self.port = port
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret
        self.cookie = f"sessionid={sessionid}; csrftoken={self.csrf}"
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "Cookie": self.cookie,
            "X-CSRFToken": self.csrf,
            "Referer": f"http://127.0.0.1:{self.port}/",
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode(errors="replace")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--boxes", type=int, default=1)
    p.add_argument("--collected", type=int, default=40)
    p.add_argument("--sessions", type=int, default=1)
    args = parser.parse_args()
    import django

    django.setup()
    print(json.dumps(setup(args.boxes, args.collected, args.sessions), ensure_ascii=False))


if __name__ == "__main__":
    main()
