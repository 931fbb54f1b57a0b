"""A new user's walk through the demonstration township, in a real browser."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from huanjie.web.demo_seed import DEMO_VILLAGE, PASSWORD, seed_demo

pytestmark = pytest.mark.django_db(transaction=True)


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/")


def test_township_sets_up_the_demo_village(live_server: Any, page: Any, shots_dir: Path) -> None:
    seed_demo(out=io.StringIO())
    base = live_server.url
    login(page, base, "zhenban")
    page.screenshot(path=str(shots_dir / "01-home.png"), full_page=True)
    page.click("nav.top >> text=换届")
    page.click("text=第12届换届选举")
    page.screenshot(path=str(shots_dir / "02-township-overview.png"), full_page=True)
    assert page.locator("tbody tr").count() == 19  # every village but the demo one
    # 青山村 has no election yet: set it up from the form under the overview.
    page.select_option("select[name=area]", label=DEMO_VILLAGE)
    page.fill("input[name=members]", "5")
    page.fill("input[name=place]", "青山村文化礼堂")
    page.click("button:has-text('建立选举')")
    page.wait_for_selector("h1:has-text('青山村第12届村民委员会选举')")
    assert "公布选民名单" in page.content()
    page.screenshot(path=str(shots_dir / "03-election-plan.png"), full_page=True)
    page.click("#stage-preparation button:has-text('开始')")
    expect(page.locator("#stage-preparation .badge")).to_contain_text("进行中")
