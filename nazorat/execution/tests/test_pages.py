"""The staff pages of execution control (/ijro/): the task register with its filters, documents and their tasks,
a task's page with the cascade, step clocks and the actions each person may take, and the control plan with its
PDF and Excel renderings."""

import io
import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from nazorat.cases.models import Assignment, ReviewRound
from nazorat.execution import kinds, services
from nazorat.execution.models import ControlDocument, ControlPlan, ExecutionReport, Task

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

OTHER_TEXT = "Yoʻllarni taʼmirlash ishlarini tashkil etish"


@pytest.fixture
def monday():
    """Monday 2 March 2026, 09:00 in Tashkent; the clock runs on from there."""
    with time_machine.travel(at("2026-03-02 09:00"), tick=True) as traveller:
        yield traveller


def login(client, user):
    """Log in; a signatory also passes the second factor, as they must before any staff page."""
    client.force_login(user)
    if user.memberships.filter(roles__role="signatory").exists():
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get_or_create(user=user, name="app", defaults={"confirmed": True})[0]
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def task_url(task, key=None):
    number = task.case.number
    return reverse("execution:task_action", args=[number, key]) if key else reverse("execution:task", args=[number])


def on_control(world, task, org=None, **extra):
    services.task_put_on_control(task=task, actor=world.moj_ctl,
                                 executors=[{"organisation": (org or world.region).pk, "role": "lead", **extra}])
    return Assignment.objects.get(case=task.case, parent=None, role="lead")


def ids_in(response) -> set[str]:
    return set(re.findall(r'data-testid="([^"]+)"', response.content.decode()))


def element(response, testid: str) -> str:
    """The opening tag and text of the element with this test id, up to its closing </div>."""
    body = response.content.decode()
    start = body.index(f'data-testid="{testid}"')
    return body[start:body.index("</div>", start)]


# --- the register ------------------------------------------------------------------------------------

def test_register_lists_filters_and_finds_latin_with_cyrillic(client, world, monday):
    doc = world.document()
    water = world.task(doc, item="1", due_on=date(2026, 6, 30))
    roads = services.task_add(document=doc, actor=world.moj_ctl, data={
        "item": "2", "text": OTHER_TEXT, "deadline_kind": "date", "due_on": date(2026, 3, 3)})
    on_control(world, water)
    login(client, world.moj_ctl)
    url = reverse("execution:home")

    response = client.get(url)
    assert response.status_code == 200
    numbers = [t.case.number for t in response.context["page"]]
    assert set(numbers) == {water.case.number, roads.case.number}
    assert "Register a document" in response.content.decode()
    assert world.region.name in response.content.decode()  # the executors column

    def shown(**params):
        r = client.get(url, params)
        assert r.status_code == 200
        return {t.case.number for t in r.context["page"]}

    assert shown(q="ичимлик суви") == {water.case.number}  # Cyrillic finds the Latin text
    assert shown(q="yollarni") == {roads.case.number}
    assert shown(status=kinds.ON_CONTROL) == {water.case.number}
    assert shown(status=kinds.REGISTERED) == {roads.case.number}
    assert shown(organisation=world.region.pk) == {water.case.number}
    assert shown(document=doc.pk) == {water.case.number, roads.case.number}
    assert shown(overdue="on") == set()
    monday.move_to(at("2026-03-04 09:00"))
    assert shown(overdue="on") == {roads.case.number}


def test_register_makes_no_query_per_row(client, world, monday):
    doc = world.document()
    first = world.task(doc, item="1", due_on=date(2026, 6, 30))
    on_control(world, first)
    login(client, world.moj_ctl)
    url = reverse("execution:home")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(2, 7):
        task = world.task(doc, item=str(i), due_on=date(2026, 6, 30))
        on_control(world, task, org=world.district if i % 2 else world.region)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(response.context["page"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_pages_are_for_staff_only(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    urls = [reverse("execution:home"), reverse("execution:documents"), reverse("execution:document_new"),
            reverse("execution:document", args=[doc.pk]), task_url(task)]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    login(client, world.citizen)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_a_district_does_not_see_another_districts_task(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    lead = on_control(world, task)
    services.assignment_register(assignment=lead, actor=world.cg)
    services.task_pass_on(assignment=lead, actor=world.cg, organisation=world.district, due_at=date(2026, 6, 20))

    login(client, world.d_exec)
    assert client.get(task_url(task)).status_code == 200
    assert client.get(reverse("execution:document", args=[doc.pk])).status_code == 200
    login(client, world.pop_exec)
    assert client.get(task_url(task)).status_code == 404
    assert client.get(reverse("execution:document", args=[doc.pk])).status_code == 404
    assert task.case.number not in client.get(reverse("execution:home")).content.decode()
    response = client.post(task_url(task, "report"), {"target": lead.pk, "text": "Hammasi bajarildi, ishonavering."})
    assert response.status_code == 404
    assert not ExecutionReport.objects.exists()


# --- documents ---------------------------------------------------------------------------------------

def test_a_controller_registers_a_document_and_adds_a_task(client, world, monday):
    login(client, world.moj_ctl)
    url = reverse("execution:document_new")
    assert client.get(url).status_code == 200
    data = {"kind": "resolution", "issuer": world.pa.pk, "number": "PQ-200", "date": "2026-02-20",
            "title_uz": "Suv taʼminoti toʻgʻrisida", "title_ru": "О водоснабжении", "title_en": "On water supply",
            "text": "1. Choralar koʻrilsin.", "file": pdf("qaror.pdf"), "is_public": "on"}
    response = client.post(url, {**data, "title_uz": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["title_uz"]
    response = client.post(url, {**data, "file": pdf("qaror.pdf"), "date": "2027-01-01"})
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not ControlDocument.objects.exists()

    response = client.post(url, {**data, "file": pdf("qaror.pdf")})
    doc = ControlDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("execution:document", args=[doc.pk])
    assert doc.title_ru == "О водоснабжении" and doc.is_public and doc.file.original_name == "qaror.pdf"
    page = client.get(response["Location"])
    assert "form-add_task" in ids_in(page) and "form-unpublish" in ids_in(page)
    assert client.get(reverse("execution:document_file", args=[doc.pk])).status_code == 200

    act = reverse("execution:document_action", args=[doc.pk, "add_task"])
    response = client.post(act, {"item": "1", "text": "Ichimlik suvi", "deadline_kind": "date", "due_on": ""})
    assert response.status_code == 400 and not Task.objects.exists()
    assert "Enter the deadline." in response.content.decode()
    response = client.post(act, {"item": "1", "text": "Ichimlik suvi taʼminotini yaxshilash",
                                 "deadline_kind": "periodic", "period": "quarterly"})
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.period == "quarterly" and task.case.status == kinds.REGISTERED
    assert task.case.number in client.get(reverse("execution:document", args=[doc.pk])).content.decode()

    response = client.post(reverse("execution:document_action", args=[doc.pk, "unpublish"]))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert not doc.is_public


def test_only_controllers_register_documents(client, world, monday):
    doc = world.document()
    login(client, world.region_exec)
    assert "link-document-new" not in ids_in(client.get(reverse("execution:home")))
    assert client.get(reverse("execution:document_new")).status_code == 403
    task = world.task(doc, due_on=date(2026, 6, 30))
    on_control(world, task)
    page = client.get(reverse("execution:document", args=[doc.pk]))
    assert page.status_code == 200 and "form-add_task" not in ids_in(page)
    response = client.post(reverse("execution:document_action", args=[doc.pk, "add_task"]),
                           {"item": "2", "text": "Yana bir topshiriq matni", "deadline_kind": "none"})
    assert response.status_code == 403
    assert Task.objects.count() == 1


# --- the task page -----------------------------------------------------------------------------------

def test_put_on_control_form_creates_assignments(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    login(client, world.moj_ctl)
    page = client.get(task_url(task))
    assert page.status_code == 200
    assert {"form-put_on_control", "form-withdraw", "task-status"} <= ids_in(page)
    assert 'data-status="registered"' in page.content.decode()

    response = client.post(task_url(task, "put_on_control"), {
        "lead": world.region.pk, "lead_due_on": "2026-06-15", "co_executors": [world.reception.pk],
        "instructions": "Reja tuzilsin"})
    assert response.status_code == 302 and response["Location"] == task_url(task)
    task.case.refresh_from_db()
    assert task.case.status == kinds.ON_CONTROL
    lead = Assignment.objects.get(case=task.case, role="lead")
    co = Assignment.objects.get(case=task.case, role="co_executor")
    assert (lead.organisation, co.organisation) == (world.region, world.reception)
    assert lead.due_at == at("2026-06-15 18:00")
    assert {s.code for s in lead.steps.all()} == {"register", "name_executor", "approve_plan"}
    page = client.get(task_url(task))
    assert "form-put_on_control" not in ids_in(page)
    assert "The task is on control" in page.content.decode()
    assert f"assignment-{lead.pk}" in ids_in(page) and f"step-register-{lead.pk}" in ids_in(page)


def test_a_form_with_errors_answers_400_and_changes_nothing(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    login(client, world.moj_ctl)
    response = client.post(task_url(task, "put_on_control"), {"lead": "", "lead_due_on": "2026-06-15"})
    assert response.status_code == 400
    assert response.context["groups"]  # the page again, with the form open and its errors
    body = response.content.decode()
    assert "Nothing was changed" in body and 'aria-invalid="true"' in body

    # A deadline after the task's own is refused by the service, next to the field.
    response = client.post(task_url(task, "put_on_control"), {"lead": world.region.pk, "lead_due_on": "2026-07-10"})
    assert response.status_code == 400
    assert "cannot be later than" in response.content.decode()
    # The lead named twice.
    response = client.post(task_url(task, "put_on_control"), {"lead": world.region.pk,
                                                               "co_executors": [world.region.pk]})
    assert response.status_code == 400
    assert not Assignment.objects.filter(case=task.case).exists()
    task.case.refresh_from_db()
    assert task.case.status == kinds.REGISTERED


def test_step_clocks_show_late_and_on_time(client, world):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        doc = world.document()
        task = world.task(doc, due_on=date(2026, 6, 30))
        lead = on_control(world, task)
    login(client, world.cg)
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):  # 30 working minutes were up at 09:30
        page = client.get(task_url(task))
        assert "form-register" in ids_in(page)
        assert "overdue by" in element(page, f"step-register-{lead.pk}")
        response = client.post(task_url(task, "register"), {"target": lead.pk})
        assert response.status_code == 302
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        response = client.post(task_url(task, "name_executor"), {"target": lead.pk, "person": world.region_exec.pk})
        assert response.status_code == 302
        page = client.get(task_url(task))
    register = element(page, f"step-register-{lead.pk}")
    assert 'data-late="1"' in register and ">late<" in register and "02.03.2026 10:00" in register
    named = element(page, f"step-name_executor-{lead.pk}")
    assert 'data-late="0"' in named and "on time" in named
    plan = element(page, f"step-approve_plan-{lead.pk}")
    assert "left" in plan and "05.03.2026" in plan  # 3 working days
    assert "form-register" not in ids_in(page)
    lead.refresh_from_db()
    assert lead.person == world.region_exec


def test_actions_are_shown_only_to_those_who_may_act(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    lead = on_control(world, task)

    login(client, world.chamber_ctl)  # a republican controller sees every task, acts on nothing here
    page = client.get(task_url(task))
    assert page.status_code == 200 and not any(t.startswith("form-") for t in ids_in(page))

    login(client, world.region_exec)  # the executor writes the report; the control group registers
    ids = ids_in(client.get(task_url(task)))
    assert {"form-report", "form-extension_request"} <= ids
    assert not ids & {"form-register", "form-name_executor", "form-pass_on", "form-put_on_control", "form-withdraw"}
    response = client.post(task_url(task, "register"), {"target": lead.pk})
    assert response.status_code == 403
    assert not lead.steps.filter(done_at__isnull=False).exists()

    login(client, world.cg)
    ids = ids_in(client.get(task_url(task)))
    assert {"form-register", "form-name_executor", "form-pass_on"} <= ids
    assert not ids & {"form-put_on_control", "form-withdraw", "form-review"}
    response = client.post(task_url(task, "withdraw"), {"reason": "Boshqa hujjat bilan almashtirildi"})
    assert response.status_code == 403
    task.case.refresh_from_db()
    assert task.case.status == kinds.ON_CONTROL

    login(client, world.moj_ctl)
    ids = ids_in(client.get(task_url(task)))
    assert "form-withdraw" in ids and not ids & {"form-register", "form-report", "form-put_on_control"}


def test_the_cascade_reports_and_review_through_the_pages(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    lead = on_control(world, task)
    login(client, world.cg)
    assert client.post(task_url(task, "register"), {"target": lead.pk}).status_code == 302
    page = client.get(task_url(task))
    assert f'value="{world.district.pk}"' in page.content.decode()  # subordinate bodies offered
    response = client.post(task_url(task, "pass_on"), {"target": lead.pk, "organisation": world.district.pk,
                                                       "role": "lead", "due_on": "2026-07-20"})
    assert response.status_code == 400 and "cannot be later than" in response.content.decode()
    response = client.post(task_url(task, "pass_on"), {"target": lead.pk, "organisation": world.district.pk,
                                                       "role": "lead", "due_on": "2026-06-20"})
    assert response.status_code == 302
    child = Assignment.objects.get(case=task.case, parent=lead)
    page = client.get(task_url(task))
    assert f'data-testid="assignment-{child.pk}" data-organisation="{world.district.name}" data-depth="1"' in \
        page.content.decode()

    login(client, world.d_exec)
    response = client.post(task_url(task, "report"), {"target": child.pk, "text": "Tumanda 3 ta quduq qazildi."})
    assert response.status_code == 400 and "Attach at least one supporting document." in response.content.decode()
    response = client.post(task_url(task, "report"), {"target": child.pk, "text": "Tumanda 3 ta quduq qazildi.",
                                                      "files": [pdf("dalolatnoma.pdf")]})
    assert response.status_code == 302
    report = ExecutionReport.objects.get()
    login(client, world.d_head)
    page = client.get(task_url(task))
    assert {"form-confirm_report", "btn-confirm_report", "btn-send_back_report"} <= ids_in(page)
    assert "dalolatnoma.pdf" in page.content.decode()
    response = client.post(task_url(task, "confirm_report"), {"target": report.pk, "decision": "confirm"})
    assert response.status_code == 302
    rnd = ReviewRound.objects.get(assignment=child)

    login(client, world.cg)
    page = client.get(task_url(task))
    assert {"form-review", "btn-review-accept", "btn-review-return"} <= ids_in(page)
    response = client.post(task_url(task, "review"), {"target": rnd.pk, "decision": "return", "reasons": ""})
    assert response.status_code == 400
    assert client.post(task_url(task, "review"), {"target": rnd.pk, "decision": "accept"}).status_code == 302
    child.refresh_from_db()
    assert child.state == "done"

    login(client, world.region_exec)
    page = client.get(task_url(task))
    assert f"rollup-{lead.pk}" in ids_in(page) and f"rollup-of-{lead.pk}" in ids_in(page)
    body = page.content.decode()
    assert body.index(f'data-testid="rollup-{lead.pk}"') < body.index("Tumanda 3 ta quduq qazildi.")
    response = client.post(task_url(task, "report"), {"target": lead.pk, "text": "Viloyat boʻyicha bajarildi.",
                                                      "files": [pdf()]})
    assert response.status_code == 302
    top = ExecutionReport.objects.get(assignment=lead)
    login(client, world.first_deputy)
    assert client.post(task_url(task, "confirm_report"), {"target": top.pk, "decision": "confirm"}).status_code == 302

    login(client, world.moj_ctl)
    r1 = ReviewRound.objects.get(assignment=lead, verdict="pending")
    response = client.post(task_url(task, "review"), {"target": r1.pk, "decision": "return",
                                                      "reasons": "Hujjatlar toʻliq emas"})
    assert response.status_code == 302
    page = client.get(task_url(task))
    assert 'data-status="returned"' in page.content.decode()
    assert "Hujjatlar toʻliq emas" in page.content.decode()
    assert re.search(r'data-testid="round-count">2<', page.content.decode())
    assert "Ministry of Justice" in page.content.decode()  # the chain step's label


def test_extension_request_and_decision_through_the_page(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    lead = on_control(world, task)
    login(client, world.region_exec)
    response = client.post(task_url(task, "extension_request"), {"target": lead.pk,
                                                                 "requested_due_on": "2026-06-01",
                                                                 "reasons": "Pudratchi kechikdi, vaqt kerak."})
    assert response.status_code == 400 and "later than the current one" in response.content.decode()
    response = client.post(task_url(task, "extension_request"), {"target": lead.pk,
                                                                 "requested_due_on": "2026-07-31",
                                                                 "reasons": "Pudratchi kechikdi, vaqt kerak."})
    assert response.status_code == 302
    req = lead.extension_requests.get()
    assert "form-extension_decide" not in ids_in(client.get(task_url(task)))
    login(client, world.moj_ctl)
    page = client.get(task_url(task))
    assert {"form-extension_decide", "btn-extension-grant", "btn-extension-refuse"} <= ids_in(page)
    response = client.post(task_url(task, "extension_decide"), {"target": req.pk, "decision": "grant"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.due_at == at("2026-07-31 18:00") and lead.original_due_at == at("2026-06-30 18:00")
    page = client.get(task_url(task))
    row = page.content.decode()
    assert 'data-state="granted"' in row and "31.07.2026" in row and "30.06.2026" in row


def test_progress_report_for_a_task_with_no_deadline(client, world, monday):
    doc = world.document()
    task = world.task(doc, deadline_kind="none")
    lead = on_control(world, task)
    report = task.progress_reports.get()
    login(client, world.cg)
    assert "form-progress" in ids_in(client.get(task_url(task)))
    response = client.post(task_url(task, "progress"), {"target": report.pk, "text": "qisqa"})
    assert response.status_code == 400
    response = client.post(task_url(task, "progress"), {"target": report.pk,
                                                        "text": "Yarim yilda 12 ta quduq qazildi."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.submitted_by == world.cg
    page = client.get(task_url(task))
    assert "Yarim yilda 12 ta quduq qazildi." in page.content.decode() and "no deadline" in page.content.decode()
    assert lead.pk


def test_withdraw_from_control(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    on_control(world, task)
    login(client, world.moj_ctl)
    assert client.post(task_url(task, "withdraw"), {"reason": ""}).status_code == 400
    response = client.post(task_url(task, "withdraw"), {"reason": "Hujjat oʻz kuchini yoʻqotdi"})
    assert response.status_code == 302
    page = client.get(task_url(task))
    assert 'data-status="withdrawn"' in page.content.decode()
    assert not any(t.startswith("form-") for t in ids_in(page))


# --- control plan -----------------------------------------------------------------------------------

def plan_post(rows, extra=0):
    data = {"action": "save", "rows-TOTAL_FORMS": str(len(rows) + extra), "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "0", "rows-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for k, v in row.items():
            data[f"rows-{i}-{k}"] = v
    return data


def test_control_plan_edit_approve_pdf_and_excel(client, world, monday):
    doc = world.document()
    task = world.task(doc, due_on=date(2026, 6, 30))
    lead = on_control(world, task)
    url = reverse("execution:plan", args=[doc.pk, world.region.pk])

    login(client, world.cg)
    page = client.get(url)
    assert page.status_code == 200 and "form-plan" in ids_in(page) and "form-plan_approve" not in ids_in(page)
    assert f'<option value="{task.pk}" selected>' in page.content.decode()  # prefilled with the body's tasks
    response = client.post(url, plan_post([{"task": task.pk, "text": "1. Suv taʼminoti", "mechanism": "",
                                            "deadline": "30.06.2026", "executors": "Tuman hokimlari"}]))
    assert response.status_code == 400 and "fill in the task, the mechanism" in response.content.decode()
    assert not ControlPlan.objects.exists()
    rows = [{"task": task.pk, "text": "1. Suv taʼminoti", "mechanism": "Tumanlarda quduqlar qazish",
             "deadline": "30.06.2026", "executors": "Tuman hokimlari"},
            {"task": "", "text": "2. Nazorat", "mechanism": "Haftalik muhokama", "deadline": "Har hafta",
             "executors": "Birinchi oʻrinbosar"}]
    assert client.post(url, plan_post(rows, extra=1)).status_code == 302
    plan = ControlPlan.objects.get()
    assert plan.rows.count() == 2 and plan.state == "draft"
    assert client.post(url, {"action": "approve"}).status_code == 403  # the control group does not approve

    login(client, world.governor)
    page = client.get(url)
    assert "form-plan_approve" in ids_in(page)
    assert client.post(url, {"action": "approve"}).status_code == 302
    plan.refresh_from_db()
    assert plan.state == "approved" and plan.approved_by == world.governor
    lead.refresh_from_db()
    assert lead.steps.get(code="approve_plan").done_at is not None
    task.case.refresh_from_db()
    assert task.case.status == kinds.IN_PROGRESS

    login(client, world.cg)
    page = client.get(url)
    ids = ids_in(page)
    assert "form-plan" not in ids and "plan-approved" in ids and "Viloyat hokimi" in page.content.decode()
    response = client.post(url, plan_post(rows))
    assert response.status_code == 409 and "can no longer be changed" in response.content.decode()

    response = client.get(reverse("execution:plan_pdf", args=[doc.pk, world.region.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(reverse("execution:plan_xlsx", args=[doc.pk, world.region.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c not in (None, "")] for row in ws.iter_rows(values_only=True)]
    assert ["No.", "Tasks", "Mechanism of implementation", "Deadline", "Responsible executors"] in values
    assert [1, "1. Suv taʼminoti", "Tumanlarda quduqlar qazish", "30.06.2026", "Tuman hokimlari"] in values
    assert [2, "2. Nazorat", "Haftalik muhokama", "Har hafta", "Birinchi oʻrinbosar"] in values
    assert ["I APPROVE"] in values and ["Viloyat hokimi"] in values

    login(client, world.pop_exec)  # another district: not its document
    assert client.get(url).status_code == 404
    assert client.get(reverse("execution:plan_pdf", args=[doc.pk, world.region.pk])).status_code == 404


def test_the_controller_names_a_co_executor_and_recalls_it_on_the_task_page(world, client):
    from datetime import date

    from nazorat.cases.models import Assignment
    from nazorat.execution import services

    doc = world.document()
    task = world.task(doc, due_on=date(2099, 6, 30))
    services.task_put_on_control(task=task, actor=world.moj_ctl,
                                 executors=[{"organisation": world.region, "role": "lead"}])
    url = reverse("execution:task_action", args=[task.case.number, "add_executor"])
    client.force_login(world.region_exec)
    assert client.post(url, {"organisation": world.chamber.pk, "role": "co_executor"}).status_code == 403
    client.force_login(world.moj_ctl)
    page = client.get(reverse("execution:task", args=[task.case.number])).content.decode()
    assert 'data-testid="form-add_executor"' in page and 'data-testid="form-recall_executor"' in page
    response = client.post(url, {"organisation": world.chamber.pk, "role": "co_executor"})
    assert response.status_code == 302
    co = Assignment.objects.get(case=task.case, organisation=world.chamber)
    assert co.role == "co_executor" and co.steps.count() == 3
    recall = reverse("execution:task_action", args=[task.case.number, "recall_executor"])
    assert client.post(recall, {"target": co.pk, "reason": ""}).status_code == 400
    assert client.post(recall, {"target": co.pk, "reason": "Notoʻgʻri belgilangan"}).status_code == 302
    co.refresh_from_db()
    assert co.state == "cancelled"
