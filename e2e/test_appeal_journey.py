"""The electronic reception, end to end: a citizen sends an appeal to the Namangan regional hokimlik on the
public form and keeps the number and code; the control group accepts it, the working group sends it to the
Chust district hokimlik, the district's executor uploads the answer signed by the district governor, the
working group accepts the answer, and the citizen sees the result on the tracking page."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from e2e.helpers import serious_violations

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def next_working_morning():
    """10:00 on a working day at least a week ahead: the appeal is registered the day it is sent, so the
    answer can be dated that day too (whatever day the suite runs on)."""
    from nazorat.workcalendar.calendar import calendar_for

    cal = calendar_for(None)
    day = timezone.localdate() + timedelta(days=7)
    while not (cal.is_working_day(day) and not cal.is_pre_holiday(day)):
        day += timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=timezone.get_default_timezone())


def log_in(page, base, username, password):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def test_citizen_appeal_to_answer(page, live_server, demo_world):
    from nazorat.accounts.models import User
    from nazorat.orgs.models import Organisation

    base = live_server.url
    region = Organisation.objects.get(code="nam-hok")
    chust = Organisation.objects.get(code="nam-chust-hok")
    governor = User.objects.get(username="chust_hokim")
    executor = User.objects.get(username="ijrochi")

    with time_machine.travel(next_working_morning(), tick=True):
        # The citizen: the regional hokimlik's own reception page, in English.
        page.context.add_cookies([{"name": "nazorat_language", "value": "en", "url": base}])
        page.goto(f"{base}/appeals/new/?addressee={region.pk}")
        form = page.get_by_test_id("appeal-form")
        expect(form).to_be_visible()
        expect(form.locator("select[name=addressee]")).to_have_value(str(region.pk))
        assert serious_violations(page) == []
        form.locator("input[name=last_name]").fill("Yusupov")
        form.locator("input[name=first_name]").fill("Anvar")
        form.locator("input[name=address]").fill("Chust tumani, Gulbogʻ MFY, 7-uy")
        form.locator("input[name=phone]").fill("+998 93 555 11 22")
        form.locator("select[name=region]").select_option("1714")
        form.locator("select[name=kind]").select_option("complaint")
        form.locator("textarea[name=text]").fill("Koʻchamizdagi yoritish chiroqlari bir oydan beri yonmayapti.")
        form.locator("input[name=consent]").check()
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("tracking-code")).to_be_visible()
        number = page.get_by_test_id("appeal-number").inner_text().strip()
        code = page.get_by_test_id("tracking-code").inner_text().strip()
        assert number.startswith("M-") and len(code) == 10

        # The control group accepts it for execution.
        log_in(page, base, "nazorat", demo_world.DEMO_PASSWORD)
        page.goto(f"{base}/appeals/{number}/")
        page.locator("#action-accept button[type=submit]").click()
        expect(page.get_by_test_id("appeal-status")).to_have_attribute("data-status", "accepted")

        # The working group sends it to the Chust district hokimlik.
        log_in(page, base, "ishchi", demo_world.DEMO_PASSWORD)
        page.goto(f"{base}/appeals/{number}/")
        page.locator("#action-assign summary").click()
        page.locator("#action-assign select[name=organisation]").select_option(str(chust.pk))
        page.locator("#action-assign button[type=submit]").click()
        expect(page.get_by_test_id("appeal-status")).to_have_attribute("data-status", "assigned")

        # The district's executor uploads the answer signed by the district governor.
        log_in(page, base, "ijrochi", demo_world.DEMO_PASSWORD)
        page.goto(f"{base}/appeals/{number}/")
        page.locator("#action-answer summary").click()
        answer = page.locator("#action-answer")
        answer.locator("input[name=upload]").set_input_files(
            {"name": "javob.pdf", "mimeType": "application/pdf", "buffer": PDF})
        answer.locator("input[name=answer_number]").fill("01-15/777")
        answer.locator("input[name=sent_on]").fill(timezone.localdate().isoformat())
        answer.locator("select[name=signer]").select_option(str(governor.pk))
        answer.locator("select[name=executor]").select_option(str(executor.pk))
        answer.locator("select[name=outcome]").select_option("satisfied")
        answer.locator("button[type=submit]").click()
        expect(page.get_by_test_id("appeal-status")).to_have_attribute("data-status", "under_review")

        # The working group accepts the answer.
        log_in(page, base, "ishchi", demo_world.DEMO_PASSWORD)
        page.goto(f"{base}/appeals/{number}/")
        page.locator("#action-review button[value=accept]").click()
        expect(page.get_by_test_id("appeal-status")).to_have_attribute("data-status", "answered")

        # The citizen follows it with the number and code.
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "nazorat_language", "value": "en", "url": base}])
        page.goto(f"{base}/appeals/track/")
        track = page.get_by_test_id("track-form")
        track.locator("input[name=number]").fill(number)
        track.locator("input[name=code]").fill(code)
        track.locator("button[type=submit]").click()
        expect(page.get_by_test_id("track-status")).to_have_attribute("data-status", "answered")
        expect(page.get_by_test_id("track-status")).to_have_text("Answered")
        expect(page.get_by_test_id("track-answer")).to_contain_text("01-15/777")
        expect(page.get_by_test_id("rate-form")).to_be_visible()
        assert serious_violations(page) == []
