"""Shared helpers of the browser tests."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG violations on the current page."""
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def log_in(page, base: str, username: str, password: str, *, language: str | None = "en") -> None:
    """Log in afresh (every cookie cleared first); with ``language``, the interface is set to it by the
    language cookie, else the deployment's default language applies."""
    page.context.clear_cookies()
    if language:
        page.context.add_cookies([{"name": "nazorat_language", "value": language, "url": base}])
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=password]")).to_have_count(0)
