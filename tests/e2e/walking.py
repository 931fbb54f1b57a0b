"""What the browser walks share: the people's browsers, numbered screenshots and PDFs, and
the small steps every walk takes (press a button and wait, read the message, fill a form)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from pypdf import PdfReader

from huanjie.web.demo_seed import PASSWORD


class Walk:
    """The browsers of the people in the walk, and the numbered screenshots and PDFs."""

    def __init__(self, browser: Any, base: str, shots: Path) -> None:
        self.browser, self.base, self.shots = browser, base, shots
        self.contexts: list[Any] = []
        self.pages: dict[str, Any] = {}
        self.n = 0

    def login(self, username: str) -> Any:
        context = self.browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{self.base}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(f"{self.base}/")
        self.pages[username] = page
        return page

    def shot(self, page: Any, name: str) -> Path:
        self.n += 1
        path = self.shots / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        # Chromium can be left with a stale scroll position after a full-page capture, and
        # the next click then lands beside its target: start again from the top.
        page.evaluate("() => window.scrollTo(0, 0)")
        return path

    def pdf(self, page: Any, link: str, name: str, *expected: str) -> str:
        """Open the PDF behind ``link`` as the user's browser would (same session), keep it
        and its first page as an image, and check that its text holds ``expected``."""
        # The test server shares one in-memory SQLite connection between its threads: let the
        # page's own requests (images, refreshes) finish before asking for the PDF.
        page.wait_for_load_state("networkidle")
        href = page.locator(f"a:has-text('{link}')").first.get_attribute("href")
        assert href, link
        response = page.request.get(self.base + href)
        assert response.status == 200, (link, response.status, response.text()[:300])
        assert response.headers["content-type"] == "application/pdf"
        self.n += 1
        path = self.shots / f"{self.n:02d}-{name}.pdf"
        path.write_bytes(response.body())
        text = "".join(p.extract_text() for p in PdfReader(path).pages)
        plain = re.sub(r"\s+", "", text)
        for want in expected:
            assert want in plain, (name, want, text[:500])
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "50",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                path,
                path.with_suffix(""),
            ],
            check=True,
        )
        return plain

    def close(self, failed: bool, test: str) -> None:
        for username, page in self.pages.items():
            if failed and not page.is_closed():
                path = self.shots / f"FAILED-{test}-{username}.png"
                page.screenshot(path=str(path), full_page=True)
        for context in self.contexts:
            context.close()


def ok(page: Any, text: str = "") -> None:
    """The last action succeeded: a success message (containing ``text``), no error message
    and no form error (pages also show standing findings in red; those are not errors)."""
    expect(page.locator("[role=status].msg-success").first).to_contain_text(text)
    expect(page.locator("[role=status].msg-error, ul.errorlist")).to_have_count(0)


def submit(page: Any, button: Any) -> None:
    """Press a form's button and wait for the page that answers it (a click alone returns
    before the browser has left the old page, whose messages would still be read)."""
    with page.expect_navigation():
        if isinstance(button, str):
            page.click(button)
        else:
            button.click()


def fill_form(page: Any, form: str, values: dict[str, str]) -> None:
    """Fill a form's fields by name: text, number, date and textarea inputs; selects by
    visible label."""
    scope = page.locator(form)
    for name, value in values.items():
        field = scope.locator(f"[name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
