"""In Chromium: a citizen finds the governor's reception on the public page (in Uzbek), logs in, books a time,
sees it in "my bookings" and cancels it; the pages have no serious accessibility violations (axe-core)."""

from datetime import time

import pytest
from playwright.sync_api import expect

from nazorat import testing
from nazorat.receptions import services
from nazorat.receptions.models import Booking, BookingState

from e2e.helpers import serious_violations

pytestmark = pytest.mark.browser  # e2e/conftest.py adds the transactional database marker


def test_a_citizen_books_and_cancels_a_reception(page, live_server):
    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714")
    governor = testing.staff(region, position="head", roles=("signatory",), first_name="Shavkat",
                             last_name="Abdurazzoqov", title="Viloyat hokimi")
    schedule = services.schedule_create(
        actor=governor, official=governor.memberships.get(), place_uz="Mustaqillik maydoni 1, 2-qavat",
        start_time=time(9), end_time=time(17), weekdays=[1, 2, 3, 4, 5, 6, 7], publish=True)
    citizen = testing.citizen(username="alisher", first_name="Alisher", last_name="Karimov")

    page.goto(live_server.url + "/receptions/")
    expect(page.locator("html")).to_have_attribute("lang", "uz")
    card = page.get_by_test_id("reception-list").locator("section").first
    expect(card).to_contain_text("Abdurazzoqov Shavkat")
    assert serious_violations(page) == []

    page.locator("input[name=q]").fill("Абдураззоқов")
    page.locator("form[role=search] button[type=submit]").click()
    expect(page.get_by_test_id("reception-list").locator("section")).to_have_count(1)

    card.locator("ul a").first.click()
    expect(page.get_by_test_id("seats-left")).to_be_visible()
    assert serious_violations(page) == []
    page.locator("main a.btn-primary").click()  # log in to book
    page.locator("input[name=username]").fill(citizen.username)
    page.locator("input[name=password]").fill(testing.PASSWORD)
    page.locator("main form button[type=submit]").last.click()

    page.locator("textarea[name=topic]").fill("Mahallada ichimlik suvi yoʻq")
    assert serious_violations(page) == []
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    booking = Booking.objects.get(citizen=citizen)
    entry = page.get_by_test_id(f"booking-{booking.pk}")
    expect(entry).to_contain_text("Mahallada ichimlik suvi yoʻq")
    assert serious_violations(page) == []

    entry.locator("summary").click()
    entry.locator("form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CANCELLED
    assert schedule.slots.get(pk=booking.slot_id).booked == 0
