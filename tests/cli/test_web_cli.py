"""``huanjie manage``: the web application's administration, run as a person runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["HUANJIE_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "huanjie.cli", "manage", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_migrate_then_verify_audit_on_a_fresh_laptop_database(tmp_path: Path) -> None:
    migrate = manage(tmp_path, "migrate", "--no-input")
    assert migrate.returncode == 0, migrate.stderr
    assert (tmp_path / "huanjie.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    verify = manage(tmp_path, "verify_audit")
    assert verify.returncode == 0, verify.stderr
    assert "哈希链校验通过" in verify.stdout


def test_manage_help_lists_verify_audit(tmp_path: Path) -> None:
    result = manage(tmp_path, "help")
    assert result.returncode == 0
    assert "verify_audit" in result.stdout
