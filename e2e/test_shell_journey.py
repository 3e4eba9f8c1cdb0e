"""The first journey: a visitor opens the home page, switches to Uzbek Cyrillic, logs in as a demo staff
member and sees the inbox with the work waiting for them."""

import re

import pytest
from playwright.sync_api import expect

from e2e.helpers import serious_violations

pytestmark = pytest.mark.browser


def test_home_switch_to_cyrillic_login_and_inbox(page, live_server, demo_world):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "uz")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_test_id("lang-uz-cyrl").click()
    expect(page.locator("html")).to_have_attribute("lang", "uz-Cyrl")
    # the interface is now in Cyrillic script
    expect(page.locator("nav.navbar")).to_contain_text(re.compile("[А-Яа-яЎўҚқҒғҲҳ]"))

    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("ijrochi")
    page.locator("input[name=password]").fill(demo_world.DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()

    page.get_by_test_id("nav-inbox").click()
    expect(page.locator("html")).to_have_attribute("lang", "uz-Cyrl")
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_be_visible()
    # register + execute for the demo letter to Chust, and "execute" for the two demo tasks the district holds
    expect(inbox.locator("tbody tr")).to_have_count(4)
    expect(inbox).to_contain_text("X-")
    expect(inbox).to_contain_text("T-")
    assert serious_violations(page) == []

    inbox.locator("tbody tr a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".timeline li").first).to_be_visible()
