"""`huanjie serve`: set up the database, optionally load the demonstration township, start
the background worker and serve the application with waitress (a production WSGI server
that needs no compiler and runs the same on every platform)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def serve(*, host: str, port: int, demo: bool, worker: bool) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huanjie.web.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not _port_free(host, port):
        print(f"端口 {host}:{port} 已被占用；请用 --port 指定其他端口。", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0, interactive=False)
    logins: list[tuple[str, str, str]] = []
    if demo:
        from huanjie.web.demo_seed import seed_demo

        logins = seed_demo(out=sys.stdout)
    runner = None
    if worker:
        # The worker runs queued jobs (imports, PDF batches); it stops with the server.
        runner = subprocess.Popen(
            [sys.executable, "-m", "huanjie.cli", "manage", "db_worker", "--interval", "0.5"],
            env=os.environ.copy(),
        )
    from waitress import serve as waitress_serve

    from huanjie.web.wsgi import application

    address = f"http://{host}:{port}/"
    print(f"\n换届选举工作平台已启动：{address}", flush=True)
    print(f"数据目录：{settings.DATA_DIR}（数据库 {settings.DATABASES['default']['ENGINE']}）")
    for role, username, password in logins:
        print(f"  {role}：用户名 {username}  密码 {password}")
    print("按 Ctrl+C 停止。", flush=True)
    try:
        waitress_serve(application, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        pass
    finally:
        if runner is not None:
            runner.send_signal(signal.SIGTERM)
            try:
                runner.wait(timeout=10)
            except subprocess.TimeoutExpired:
                runner.kill()
    return 0
