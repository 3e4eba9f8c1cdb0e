"""Execution control, end to end (issue 4): the Ministry of Justice adds a task to resolution PQ-215 and puts
it on control with the Namangan regional hokimlik as lead; the region registers it, names its executor and
passes it on to the Chust district hokimlik; the district registers it, reports with a supporting document and
its first deputy confirms; the region accepts the district's part and reports with the roll-up, confirmed by
the first deputy; the Ministry returns it once with objections; the region fixes and resubmits, and the chain
(Ministry of Justice → Cabinet of Ministers → Accounts Chamber) accepts it and removes it from control."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from playwright.sync_api import expect

from e2e.helpers import log_in, serious_violations

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _working_day(day: date) -> date:
    from nazorat.workcalendar.calendar import calendar_for

    cal = calendar_for(None)
    while not (cal.is_working_day(day) and not cal.is_pre_holiday(day)):
        day += timedelta(days=1)
    return day


def next_working_morning() -> datetime:
    """10:00 on a working day at least a week ahead, whatever day the suite runs on: the 30-minute and
    one-day step clocks start in working time, so every step below is on time."""
    day = _working_day(timezone.localdate() + timedelta(days=7))
    return datetime.combine(day, time(10), tzinfo=timezone.get_default_timezone())


def pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def expect_success(page, text: str) -> None:
    expect(page.locator(".alert-success")).to_contain_text(text)


def test_task_on_control_cascaded_reported_returned_once_and_removed(page, live_server, demo_world):
    from nazorat.accounts.models import User
    from nazorat.cases.models import Assignment
    from nazorat.execution.models import ControlDocument, Task
    from nazorat.orgs.models import Organisation

    base = live_server.url
    password = demo_world.DEMO_PASSWORD
    region = Organisation.objects.get(code="nam-hok")
    chust = Organisation.objects.get(code="nam-chust-hok")
    doc = ControlDocument.objects.get(number="PQ-215")
    with translation.override("en"):  # the names the English pages show
        region_name, chust_name = region.name, chust.name
        chain_names = [Organisation.objects.get(code=c).name for c in ("moj", "cabinet", "accounts-chamber")]

    morning = next_working_morning()
    task_due = _working_day(morning.date() + timedelta(days=30))
    district_due = _working_day(morning.date() + timedelta(days=20))
    assert district_due < task_due

    with time_machine.travel(morning, tick=True):
        # 1. The Ministry of Justice adds item 4 to PQ-215 and puts it on control, the region as lead.
        log_in(page, base, "adliya_vazirlik", password)
        page.goto(f"{base}/ijro/documents/")
        page.get_by_role("link", name="PQ-215").click()
        expect(page).to_have_url(f"{base}/ijro/documents/{doc.pk}/")
        assert serious_violations(page) == []
        page.get_by_test_id("open-add_task").click()
        add = page.get_by_test_id("form-add_task")
        add.locator("input[name=item]").fill("4")
        add.locator("textarea[name=text]").fill(
            "Ichimlik suvi quvurlarini almashtirish ishlarini yakunlab, natijasi toʻgʻrisida axborot berish")
        add.locator("select[name=deadline_kind]").select_option("date")
        add.locator("input[name=due_on]").fill(task_due.isoformat())
        page.get_by_test_id("submit-add_task").click()
        task = Task.objects.select_related("case").get(document=doc, item="4")
        number = task.case.number
        expect_success(page, f"Task {number} is added")
        tasks_table = page.get_by_test_id("document-tasks")
        expect(tasks_table).to_contain_text(number)

        tasks_table.get_by_role("link", name=number).click()
        expect(page).to_have_url(f"{base}/ijro/tasks/{number}/")
        status = page.get_by_test_id("task-status")
        expect(status).to_have_attribute("data-status", "registered")
        expect(page.get_by_test_id("task-deadline")).to_contain_text(task_due.strftime("%d.%m.%Y"))
        page.get_by_test_id("open-put_on_control").click()
        control = page.get_by_test_id("form-put_on_control")
        control.locator("select[name=lead]").select_option(str(region.pk))
        expect(control.locator("input[name=lead_due_on]")).to_have_value(task_due.isoformat())
        control.locator("textarea[name=instructions]").fill("Tumanlar kesimida ijro taʼminlansin.")
        page.get_by_test_id("submit-put_on_control").click()
        expect_success(page, "The task is on control")
        expect(status).to_have_attribute("data-status", "on_control")
        expect(status).to_have_text("On control")
        lead = Assignment.objects.get(case_id=task.pk, parent=None)
        assert lead.organisation_id == region.pk
        expect(page.get_by_test_id(f"assignment-{lead.pk}")).to_have_attribute("data-organisation", region_name)
        assert serious_violations(page) == []

        # 2. The region's control group finds it in its register, registers it, names the executor and
        #    passes it on to the Chust district with an earlier deadline.
        log_in(page, base, "nazorat", password)
        page.goto(f"{base}/ijro/")
        row = page.locator(f"[data-testid=task-row][data-number='{number}']")
        expect(row).to_be_visible()
        row.get_by_role("link", name=number).click()
        expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "on_control")
        page.get_by_test_id("submit-register").click()
        expect_success(page, "The receipt is registered and the head informed.")
        step = page.get_by_test_id(f"step-register-{lead.pk}")
        expect(step).to_have_attribute("data-late", "0")
        expect(step).to_contain_text("on time")

        page.get_by_test_id("open-name_executor").click()
        name = page.get_by_test_id("form-name_executor")
        me = User.objects.get(username="nazorat")
        name.locator("select[name=person]").select_option(str(me.pk))
        page.get_by_test_id("submit-name_executor").click()
        expect_success(page, "is now the responsible executor")
        expect(page.get_by_test_id(f"step-name_executor-{lead.pk}")).to_have_attribute("data-late", "0")
        expect(page.get_by_test_id(f"step-name_executor-{lead.pk}")).to_contain_text("on time")

        page.get_by_test_id("open-pass_on").click()
        pass_on = page.get_by_test_id("form-pass_on")
        pass_on.locator("select[name=organisation]").select_option(str(chust.pk))
        pass_on.locator("select[name=role]").select_option("lead")
        pass_on.locator("input[name=due_on]").fill(district_due.isoformat())
        pass_on.locator("textarea[name=instructions]").fill("Tuman boʻyicha ishlar yakunlanib, hisobot kiritilsin.")
        page.get_by_test_id("submit-pass_on").click()
        expect_success(page, f"The task is passed on to {chust_name}.")
        child = Assignment.objects.get(case_id=task.pk, parent=lead)
        assert child.organisation_id == chust.pk
        child_row = page.get_by_test_id(f"assignment-{child.pk}")
        expect(child_row).to_have_attribute("data-depth", "1")
        expect(child_row).to_have_attribute("data-organisation", chust_name)
        expect(child_row).to_contain_text(district_due.strftime("%d.%m.%Y"))
        # the child comes right after its parent in the cascade
        rows = page.get_by_test_id("cascade").locator("tbody tr")
        expect(rows.nth(0)).to_have_attribute("data-testid", f"assignment-{lead.pk}")
        expect(rows.nth(1)).to_have_attribute("data-testid", f"assignment-{child.pk}")
        expect(page.get_by_test_id(f"step-register-{child.pk}")).to_contain_text("left")

        # 3. The district registers it; its executor reports with a supporting document; the first deputy
        #    confirms, and the report goes up to the region.
        log_in(page, base, "chust_orinbosar", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        page.get_by_test_id("submit-register").click()
        expect_success(page, "The receipt is registered and the head informed.")
        expect(page.get_by_test_id(f"step-register-{child.pk}")).to_have_attribute("data-late", "0")
        expect(page.get_by_test_id(f"step-register-{child.pk}")).to_contain_text("on time")

        log_in(page, base, "ijrochi", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        page.get_by_test_id("open-report").click()
        report = page.get_by_test_id("form-report")
        report.locator("textarea[name=text]").fill("Chust tumanida 4,2 km ichimlik suvi quvuri almashtirildi.")
        report.locator("input[name=files]").set_input_files(pdf_file("chust-dalolatnoma.pdf"))
        page.get_by_test_id("submit-report").click()
        expect_success(page, "The report is written and waits for the head's confirmation.")
        expect(page.get_by_test_id("reports")).to_contain_text("4,2 km")

        log_in(page, base, "chust_orinbosar", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        confirm = page.get_by_test_id("form-confirm_report")
        expect(page.locator("#actions")).to_contain_text("chust-dalolatnoma.pdf")
        confirm.get_by_test_id("btn-confirm_report").click()
        expect_success(page, "The report is confirmed and sent up for review.")
        expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "on_control")

        # 4. The region accepts the district's part, writes its own report over the roll-up, and its first
        #    deputy confirms it: the report goes to the Ministry of Justice.
        log_in(page, base, "nazorat", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        review = page.get_by_test_id("form-review")
        expect(page.locator("#actions")).to_contain_text("4,2 km")
        review.get_by_test_id("btn-review-accept").click()
        expect_success(page, "The report is accepted.")
        expect(page.get_by_test_id(f"assignment-{child.pk}")).to_contain_text("Done")

        page.get_by_test_id("open-report").click()
        rollup = page.get_by_test_id(f"rollup-{lead.pk}")
        expect(rollup).to_be_visible()
        expect(rollup).to_contain_text(chust_name)
        expect(rollup).to_contain_text("4,2 km")
        report = page.get_by_test_id("form-report")
        report.locator("textarea[name=text]").fill(
            "Viloyat boʻyicha 3 ta tumanda quvurlar almashtirildi; Chust tumani hisoboti ilova qilinadi.")
        report.locator("input[name=files]").set_input_files(pdf_file("viloyat-hisobot.pdf"))
        page.get_by_test_id("submit-report").click()
        expect_success(page, "The report is written and waits for the head's confirmation.")

        log_in(page, base, "orinbosar", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        page.get_by_test_id("form-confirm_report").get_by_test_id("btn-confirm_report").click()
        expect_success(page, "The report is confirmed and sent up for review.")
        status = page.get_by_test_id("task-status")
        expect(status).to_have_attribute("data-status", "reported")
        expect(status).to_have_text("Report under review")

        # 5. The Ministry of Justice returns it with objections.
        log_in(page, base, "adliya_vazirlik", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        review = page.get_by_test_id("form-review")
        expect(page.locator("#actions")).to_contain_text("viloyat-hisobot.pdf")
        review.locator("textarea[name=reasons]").fill(
            "Qolgan tumanlar boʻyicha tasdiqlovchi hujjatlar ilova qilinmagan.")
        review.get_by_test_id("btn-review-return").click()
        expect_success(page, "The report is returned with objections.")
        expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "returned")
        rounds = page.get_by_test_id("rounds")
        expect(rounds.locator("tr[data-verdict=returned]")).to_have_count(1)
        expect(rounds.locator("tr[data-verdict=returned]")).to_contain_text("tasdiqlovchi hujjatlar")
        expect(rounds.locator("tr[data-verdict=accepted]")).to_have_count(1)  # the region accepted the district
        expect(page.get_by_test_id("round-count")).to_have_text("2")
        expect(page.get_by_test_id("form-review")).to_have_count(0)

        # 6. The region sees the objections, fixes and resubmits; the first deputy confirms; the Ministry, the
        #    Cabinet and the Accounts Chamber accept in turn, and the last removes the task from control.
        log_in(page, base, "nazorat", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "returned")
        expect(page.get_by_test_id("rounds")).to_contain_text("tasdiqlovchi hujjatlar")
        page.get_by_test_id("open-report").click()
        report = page.get_by_test_id("form-report")
        report.locator("textarea[name=text]").fill(
            "Kamchiliklar bartaraf etildi: barcha tumanlar boʻyicha dalolatnomalar ilova qilindi.")
        report.locator("input[name=files]").set_input_files(pdf_file("dalolatnomalar.pdf"))
        page.get_by_test_id("submit-report").click()
        expect_success(page, "The report is written and waits for the head's confirmation.")

        log_in(page, base, "orinbosar", password)
        page.goto(f"{base}/ijro/tasks/{number}/")
        page.get_by_test_id("form-confirm_report").get_by_test_id("btn-confirm_report").click()
        expect_success(page, "The report is confirmed and sent up for review.")
        expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "reported")

        for reviewer in ("adliya_vazirlik", "vazirlar", "hisob"):
            log_in(page, base, reviewer, password)
            page.goto(f"{base}/ijro/tasks/{number}/")
            expect(page.get_by_test_id("reports")).to_contain_text("dalolatnomalar.pdf")
            expect(page.locator("#actions")).to_contain_text("Kamchiliklar bartaraf etildi")
            # every reviewer of the chain sees the supporting documents in the review box itself
            expect(page.locator("#actions")).to_contain_text("dalolatnomalar.pdf")
            page.get_by_test_id("form-review").get_by_test_id("btn-review-accept").click()
            expect_success(page, "The report is accepted.")
            if reviewer != "hisob":
                # only the last reviewer removes the task from control
                expect(page.get_by_test_id("task-status")).to_have_attribute("data-status", "reported")

        status = page.get_by_test_id("task-status")
        expect(status).to_have_attribute("data-status", "removed")
        expect(status).to_have_text("Removed from control")
        expect(page.locator("#actions")).to_have_count(0)
        rounds = page.get_by_test_id("rounds")
        expect(page.get_by_test_id("round-count")).to_have_text("5")
        expect(rounds.locator("tr[data-verdict=returned]")).to_have_count(1)
        expect(rounds.locator("tr[data-verdict=accepted]")).to_have_count(4)
        expect(rounds.locator("tr[data-verdict=pending]")).to_have_count(0)
        for body in chain_names:
            expect(rounds).to_contain_text(body)
        assert serious_violations(page) == []

        # The register in the default language (Uzbek): the task is there, removed from control.
        log_in(page, base, "nazorat", password, language=None)
        page.goto(f"{base}/ijro/")
        expect(page.locator("html")).to_have_attribute("lang", "uz")
        row = page.locator(f"[data-testid=task-row][data-number='{number}']")
        expect(row.locator("[data-status]")).to_have_attribute("data-status", "removed")
        assert serious_violations(page) == []
