"""The keyboard page and the public screen in Chromium (Debian's, through Playwright), against
Django's live server: Enter saves a ballot, an impossible one is refused beside its post, the
page resumes at the next ballot after a reload, a ballot is corrected from the history, and
the screen shows the count with 正 marks. Screenshots go to $HUANJIE_TEST_OUTPUT/counting."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from huanjie.apps.counting import services
from huanjie.apps.counting.models import BallotEntry
from tests.apps.conftest import PASSWORD
from tests.apps.counting.conftest import Day

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _audit_log_flushable(transactional_db: Any) -> Iterator[None]:
    """The audit table refuses DELETE (a trigger); a live-server test commits for real and is
    flushed afterwards: lift the SQLite trigger for that flush only (as tests/e2e does)."""
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


@pytest.fixture
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def shots() -> Path:
    path = Path(os.environ.get("HUANJIE_TEST_OUTPUT", "test-output")) / "counting"
    path.mkdir(parents=True, exist_ok=True)
    return path


def login(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_keyboard_page_and_screen(browser: Any, live_server: Any, day: Day, shots: Path) -> None:
    services.count_start(acting_user=day.committee, round=day.round, method="ballots")
    box = day.boxes["2号票箱"]
    for clerk in (day.one, day.two):
        services.box_reconcile(acting_user=clerk, box=box, collected=4)
    eid, n = day.round.election_id, day.round.number
    page = login(browser, live_server.url, "clerk_one")
    page.goto(f"{live_server.url}/elections/{eid}/counting/rounds/{n}/boxes/{box.pk}/passes/1/")
    page.wait_for_selector("text=第 1 张 / 共 4 张")
    fields = page.locator("[data-post]")

    def type_ballot(values: list[str]) -> None:
        for i, v in enumerate(values):
            fields.nth(i).fill(v)
        fields.nth(0).press("Enter")

    type_ballot(["1", "", "1", "12"])
    page.wait_for_selector("text=第 1 张已保存")
    page.wait_for_selector("text=第 2 张 / 共 4 张")
    assert page.evaluate("document.activeElement.dataset.post") == "0"  # back to the first post
    type_ballot(["12", "", "", ""])  # over-marked: taken, with the article
    page.wait_for_selector("text=无效票（所选人数多于应选名额）")
    assert "第二十七条第三款" in page.inner_text("#result")
    type_ballot(["9", "", "", ""])  # impossible: refused beside the post, nothing saved
    page.wait_for_selector("[data-error='主任']:has-text('没有编号 9 的候选人')")
    assert fields.nth(0).input_value() == "9"
    assert BallotEntry.objects.count() == 2
    page.screenshot(path=str(shots / "01-keyboard.png"), full_page=True)

    page.reload()  # after any interruption the page resumes at the next ballot
    page.wait_for_selector("text=第 3 张 / 共 4 张")
    assert page.locator("#history tr").count() == 2
    page.locator("#history tr[data-position='2']").click()
    page.wait_for_selector("text=更正第 2 张")
    assert fields.nth(0).input_value() == "1 2"
    fields.nth(0).fill("2")
    fields.nth(0).press("Enter")
    page.wait_for_selector("text=第 2 张已保存")
    page.wait_for_selector("text=第 3 张 / 共 4 张")
    assert BallotEntry.objects.get(pass_no=1, position=2).corrections != []

    link = services.screen_link_create(acting_user=day.committee, round=day.round)
    screen = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    screen.goto(f"{live_server.url}/elections/{eid}/counting/screen/{link.token}/")
    screen.wait_for_selector("text=已唱票（未经核对）")
    figures = screen.inner_text("#figures")
    assert "收回选票 4" in figures
    assert "已唱票（未经核对） 2" in figures
    assert "剩余 2" in figures
    first = next(c["label"] for c in day.round.candidates if c["post"] == "主任")
    row = screen.locator("tr", has_text=first).first
    assert row.locator("td.n").inner_text() == "1"
    assert row.locator("td.marks svg").count() == 1
    assert "已核对 0" in row.inner_text()
    screen.screenshot(path=str(shots / "02-screen.png"), full_page=True)
