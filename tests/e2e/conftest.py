"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Screenshots go to $HUANJIE_TEST_OUTPUT/e2e (./test-output/e2e under ./scripts/test) for
people to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told it is safe (the live server serves from its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    base = Path(os.environ.get("HUANJIE_TEST_OUTPUT", "test-output"))
    path = base / "e2e"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (./scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # The browser's own widgets (file chooser, date fields) in Chinese, as on a township
        # office's computer; Chromium on Linux takes its interface language from LANGUAGE
        # (Debian ships the translations in chromium-l10n).
        env = {**os.environ, "LANGUAGE": "zh_CN:zh", "LANG": "zh_CN.UTF-8"}
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"], env=env
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, shots_dir: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        page.screenshot(path=str(shots_dir / f"{request.node.name}-FAILED.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(autouse=True)
def _audit_log_flushable(transactional_db: Any) -> Iterator[None]:
    """The audit table refuses DELETE (a trigger). A browser test commits for real, so the
    test database is emptied afterwards; lift the SQLite trigger for that flush only and
    put it back before the next test (PostgreSQL empties tables with TRUNCATE, which row
    triggers do not see)."""
    from django.db import connection

    from huanjie.apps.audit.migrations import _triggers

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DROP TRIGGER IF EXISTS audit_no_delete")
            cur.execute(_triggers.SQLITE_NO_DELETE)
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DROP TRIGGER IF EXISTS audit_no_delete")
