"""The execution-control API: documents and tasks, putting on control and the cascade, control plans, execution
reports and the review chain, extensions, progress reports and public control — each transition with who may
and who may not (403), bad input (400, nothing stored), the wrong state (409), and what stays hidden (404)."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nazorat.cases.models import Assignment, ExtensionRequest
from nazorat.execution import kinds, services
from nazorat.execution.models import ControlDocument, ControlPlan, ExecutionReport, PublicComment, Task

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02 09:00"


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def monday():
    with time_machine.travel(at(MONDAY), tick=False):
        yield


def as_user(api, user):
    api.force_authenticate(user)
    return api


def on_control(world, *, due_on=date(2026, 6, 30), deadline_kind="date", executors=None, item="1", document=None):
    """A task of a national document put on control with the region as the lead executor (services)."""
    document = document or world.document()
    task = world.task(document, item=item, due_on=due_on if deadline_kind == "date" else None,
                      deadline_kind=deadline_kind)
    services.task_put_on_control(task=task, actor=world.moj_ctl,
                                 executors=executors or [{"organisation": world.region.pk, "role": "lead"}])
    return Task.objects.select_related("case").get(pk=task.pk)


def lead_of(task):
    return Assignment.objects.get(case_id=task.pk, parent=None, role="lead")


def url(task, action=""):
    return f"/api/v1/tasks/{task.case.number}/" + (f"{action}/" if action else "")


# --- documents and tasks --------------------------------------------------------------------------

def test_a_controller_registers_a_document_with_its_file_publishes_it_and_adds_tasks(api, world, monday):
    as_user(api, world.moj_ctl)
    resp = api.post("/api/v1/control-documents/", {
        "kind": "decree", "issuer": world.pa.pk, "number": "PF-60", "date": "2026-01-28",
        "title_uz": "Taraqqiyot strategiyasi toʻgʻrisida", "title_ru": "О стратегии развития", "file": pdf("pf60.pdf"),
    }, format="multipart")
    assert resp.status_code == 201, resp.content
    doc = resp.json()
    assert (doc["number"], doc["controller"], doc["is_public"]) == ("PF-60", world.moj.pk, False)
    assert doc["file"]["name"] == "pf60.pdf" and doc["tasks"] == [] and doc["title_ru"] == "О стратегии развития"

    listed = api.get("/api/v1/control-documents/", {"q": "strategiyasi", "kind": "decree"}).json()
    assert [d["number"] for d in listed["results"]] == ["PF-60"]
    assert api.get("/api/v1/control-documents/", {"public": "true"}).json()["count"] == 0

    published = api.post(f"/api/v1/control-documents/{doc['id']}/publish/", {"public": True}, format="json")
    assert published.status_code == 200 and published.json()["is_public"] is True
    assert api.get("/api/v1/control-documents/", {"public": "true"}).json()["count"] == 1

    added = api.post(f"/api/v1/control-documents/{doc['id']}/tasks/", {
        "item": "2.1", "text": "Ichimlik suvi taʼminotini yaxshilash", "deadline_kind": "date", "due_on": "2026-06-30",
    }, format="json")
    assert added.status_code == 201, added.content
    task = added.json()
    assert task["number"].startswith("T-") and task["status"] == "registered" and task["item"] == "2.1"
    assert task["status_display"] == "Registered" and task["due_at"].startswith("2026-06-30T18:00")
    periodic = api.post(f"/api/v1/control-documents/{doc['id']}/tasks/", {
        "item": "3", "text": "Har chorakda hisobot berish", "deadline_kind": "periodic", "period": "quarterly",
    }, format="json")
    assert periodic.status_code == 201 and periodic.json()["period"] == "quarterly"
    detail = api.get(f"/api/v1/control-documents/{doc['id']}/").json()
    assert [t["item"] for t in detail["tasks"]] == ["2.1", "3"] and detail["status_counts"] == {"registered": 2}
    assert detail["task_count"] == 2


def test_bad_documents_and_tasks_answer_400_per_field_and_store_nothing(api, world, monday):
    as_user(api, world.moj_ctl)
    resp = api.post("/api/v1/control-documents/", {"kind": "poem"}, format="json")
    assert resp.status_code == 400
    assert {"kind", "issuer", "number", "date", "title_uz"} <= set(resp.json())
    future = api.post("/api/v1/control-documents/", {"kind": "law", "issuer": world.pa.pk, "number": "1",
                                                     "date": "2027-01-01", "title_uz": "Qonun", "text": "Matn"},
                      format="json")
    assert future.status_code == 400 and "future" in future.json()["date"][0]
    empty = api.post("/api/v1/control-documents/", {"kind": "law", "issuer": world.pa.pk, "number": "1",
                                                    "date": "2026-01-01", "title_uz": "Qonun"}, format="json")
    assert empty.status_code == 400 and "text" in empty.json()
    assert not ControlDocument.objects.exists()

    doc = world.document()
    no_date = api.post(f"/api/v1/control-documents/{doc.pk}/tasks/", {"item": "1", "text": "Choralar koʻrilsin"},
                       format="json")
    assert no_date.status_code == 400 and "due_on" in no_date.json()
    no_period = api.post(f"/api/v1/control-documents/{doc.pk}/tasks/",
                         {"item": "1", "text": "Choralar koʻrilsin", "deadline_kind": "periodic"}, format="json")
    assert no_period.status_code == 400 and "period" in no_period.json()
    assert not Task.objects.exists()


def test_only_a_controller_registers_documents_and_adds_tasks(api, world, monday):
    doc = world.document()
    data = {"kind": "law", "issuer": world.pa.pk, "number": "ZRU-1", "date": "2026-01-01", "title_uz": "Qonun",
            "text": "Matn"}
    for user in (world.region_exec, world.governor, world.d_exec, world.observer):
        assert as_user(api, user).post("/api/v1/control-documents/", data, format="json").status_code == 403
    assert ControlDocument.objects.count() == 1
    # the region cannot see the Ministry's document it has no task of; with a task it sees it but cannot add
    as_user(api, world.cg)
    assert api.post(f"/api/v1/control-documents/{doc.pk}/tasks/", {}, format="json").status_code == 404
    on_control(world, document=doc)
    resp = api.post(f"/api/v1/control-documents/{doc.pk}/tasks/",
                    {"item": "9", "text": "Yangi band", "due_on": "2026-06-30"}, format="json")
    assert resp.status_code == 403
    assert api.post(f"/api/v1/control-documents/{doc.pk}/publish/", {"public": True},
                    format="json").status_code == 403
    assert Task.objects.count() == 1 and not ControlDocument.objects.get(pk=doc.pk).is_public
    api.force_authenticate(None)
    assert api.get("/api/v1/control-documents/").status_code == 401


# --- putting on control ---------------------------------------------------------------------------

def test_putting_on_control_who_may_and_who_may_not(api, world, monday):
    task = world.task(world.document(), due_on=date(2026, 6, 30))
    body = {"executors": [{"organisation": world.region.pk, "role": "lead"},
                          {"organisation": world.district.pk, "role": "co_executor", "due_on": "2026-06-15"}],
            "instructions": "Nazoratga olinsin"}
    assert api.post(url(task, "put_on_control"), body, format="json").status_code == 401
    assert as_user(api, world.citizen).post(url(task, "put_on_control"), body, format="json").status_code == 404
    for user in (world.region_exec, world.cg, world.cabinet_ctl):
        resp = as_user(api, user).post(url(task, "put_on_control"), body, format="json")
        assert resp.status_code in (403, 404), (user, resp.status_code)
    assert as_user(api, world.cabinet_ctl).post(url(task, "put_on_control"), body, format="json").status_code == 403
    task.case.refresh_from_db()
    assert task.case.status == kinds.REGISTERED and not Assignment.objects.exists()

    resp = as_user(api, world.moj_ctl).post(url(task, "put_on_control"), body, format="json")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert data["status"] == "on_control" and data["status_display"] == "On control"
    lead, co = data["assignments"]
    assert (lead["organisation"], lead["role"], co["organisation"], co["role"]) == (
        world.region.pk, "lead", world.district.pk, "co_executor")
    assert [s["code"] for s in lead["steps"]] == ["register", "name_executor", "approve_plan"]
    assert lead["steps"][0]["due_at"].startswith("2026-03-02T09:30") and lead["steps"][0]["late"] is False
    assert all(s["label"] for s in lead["steps"])
    assert co["due_at"].startswith("2026-06-15T18:00") and lead["due_at"] == data["due_at"]
    assert [e["organisation_name"] for e in data["executors"]] == [world.region.name, world.district.name]

    again = api.post(url(task, "put_on_control"), body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    # the executor now sees the task, and still may not put it on control (or name other executors)
    assert as_user(api, world.region_exec).get(url(task)).status_code == 200
    assert api.post(url(task, "put_on_control"), body, format="json").status_code == 403


def test_putting_on_control_with_bad_executors_answers_400_and_changes_nothing(api, world, monday):
    task = world.task(world.document(), due_on=date(2026, 6, 30))
    as_user(api, world.moj_ctl)
    cases = [
        {"executors": []},
        {"executors": [{"organisation": world.region.pk, "role": "co_executor"}]},
        {"executors": [{"organisation": world.region.pk}, {"organisation": world.district.pk}]},
        {"executors": [{"organisation": world.region.pk, "due_on": "2026-07-15"}]},  # later than the task's
        {"executors": [{"organisation": 10**9}]},
    ]
    for body in cases:
        resp = api.post(url(task, "put_on_control"), body, format="json")
        assert resp.status_code == 400 and "executors" in resp.json(), (body, resp.content)
    task.case.refresh_from_db()
    assert task.case.status == kinds.REGISTERED and not Assignment.objects.exists()


def test_tasks_are_hidden_from_citizens_and_bodies_outside_the_cascade(api, world, monday):
    task = on_control(world)
    for user in (world.citizen, world.pop_exec, world.d_exec):
        as_user(api, user)
        assert api.get("/api/v1/tasks/").json()["count"] == 0
        assert api.get(url(task)).status_code == 404
        assert api.post(url(task, "report"), {}, format="json").status_code == 404
    assert as_user(api, world.region_exec).get("/api/v1/tasks/").json()["count"] == 1
    assert APIClient().get("/api/v1/tasks/").status_code == 401


def test_nobody_edits_a_deadline_only_the_controller_grants_an_extension(api, world, monday):
    task = on_control(world)
    lead = lead_of(task)
    before = task.case.due_at
    for user in (world.region_exec, world.cg, world.moj_ctl):
        as_user(api, user)
        assert api.patch(url(task), {"due_at": "2026-12-31T18:00:00+05:00"}, format="json").status_code == 405
        assert api.put(url(task), {"due_at": "2026-12-31T18:00:00+05:00"}, format="json").status_code == 405
    task.case.refresh_from_db()
    assert task.case.due_at == before

    as_user(api, world.region_exec)
    early = api.post(url(task, "request_extension"), {"assignment": lead.pk, "requested_due_on": "2026-06-01",
                                                      "reasons": "Mablagʻ ajratilmagani sababli"}, format="json")
    assert early.status_code == 400 and "requested_due_on" in early.json()
    assert as_user(api, world.pop_exec).post(url(task, "request_extension"), {}, format="json").status_code == 404
    resp = as_user(api, world.region_exec).post(
        url(task, "request_extension"),
        {"assignment": lead.pk, "requested_due_on": "2026-09-30", "reasons": "Mablagʻ ajratilmagani sababli"},
        format="json")
    assert resp.status_code == 200, resp.content
    (req,) = resp.json()["extension_requests"]
    assert req["state"] == "pending" and resp.json()["due_at"] == resp.json()["original_due_at"]

    decide = f"/api/v1/extension-requests/{req['id']}/decide/"
    assert api.post(decide, {"grant": True}, format="json").status_code == 403  # the executor cannot decide
    assert as_user(api, world.cg).post(decide, {"grant": True}, format="json").status_code == 403
    assert as_user(api, world.moj_ctl).post(decide, {"grant": True}, format="json").status_code == 200
    detail = api.get(url(task)).json()
    assert detail["due_at"].startswith("2026-09-30") and detail["original_due_at"].startswith("2026-06-30")
    assert detail["extension_requests"][0]["state"] == "granted"
    assert ExtensionRequest.objects.get().old_due_at == before


# --- the journey ----------------------------------------------------------------------------------

def test_the_api_journey_from_control_to_removal(api, world):
    with time_machine.travel(at(MONDAY), tick=False):
        as_user(api, world.moj_ctl)
        doc = api.post("/api/v1/control-documents/", {
            "kind": "resolution", "issuer": world.pa.pk, "number": "PQ-5132", "date": "2026-01-15",
            "title_uz": "Ijro intizomini mustahkamlash", "text": "1. Choralar koʻrilsin."}, format="json").json()
        number = api.post(f"/api/v1/control-documents/{doc['id']}/tasks/", {
            "item": "1", "text": "Ichimlik suvi taʼminotini yaxshilash", "due_on": "2026-06-30"},
            format="json").json()["number"]
        base = f"/api/v1/tasks/{number}/"
        resp = api.post(base + "put_on_control/", {"executors": [{"organisation": world.region.pk}]}, format="json")
        assert resp.status_code == 200, resp.content
        lead = resp.json()["assignments"][0]["id"]

    with time_machine.travel(at("2026-03-02 09:20"), tick=False):
        as_user(api, world.cg)
        assert api.post(base + "register/", {"assignment": lead}, format="json").status_code == 200
        again = api.post(base + "register/", {"assignment": lead}, format="json")
        assert again.status_code == 409
        stranger = api.post(base + "name_executor/", {"assignment": lead, "person": world.d_exec.pk}, format="json")
        assert stranger.status_code == 400 and "person" in stranger.json()
        named = api.post(base + "name_executor/", {"assignment": lead, "person": world.region_exec.pk},
                         format="json").json()
        assert named["assignments"][0]["person_name"] == world.region_exec.display_name
        assert all(s["done_at"] and not s["late"] for s in named["assignments"][0]["steps"][:2])

        plan = api.post("/api/v1/control-plans/", {"document": doc["id"], "organisation": world.region.pk, "rows": [
            {"task": Task.objects.get(case__number=number).pk, "text": "1. Suv taʼminoti",
             "mechanism": "Tumanlar kesimida reja", "deadline": "30.06.2026", "executors": "Tuman hokimlari"}]},
            format="json")
        assert plan.status_code == 201, plan.content
        plan_id = plan.json()["id"]
        assert plan.json()["rows"][0]["task_number"] == number
        assert api.post(f"/api/v1/control-plans/{plan_id}/approve/").status_code == 403  # the control group
        approved = as_user(api, world.governor).post(f"/api/v1/control-plans/{plan_id}/approve/")
        assert approved.status_code == 200 and approved.json()["state"] == "approved"
        assert api.post(f"/api/v1/control-plans/{plan_id}/approve/").status_code == 409
        assert api.get(base).json()["status"] == "in_progress"

        as_user(api, world.cg)
        late = api.post(base + "pass_on/", {"assignment": lead, "organisation": world.district.pk,
                                            "due_on": "2026-07-10"}, format="json")
        assert late.status_code == 400 and "due_on" in late.json()
        assert as_user(api, world.region_exec).post(base + "pass_on/", {
            "assignment": lead, "organisation": world.district.pk, "due_on": "2026-06-20"},
            format="json").status_code == 403
        passed = as_user(api, world.cg).post(base + "pass_on/", {
            "assignment": lead, "organisation": world.district.pk, "due_on": "2026-06-20",
            "instructions": "Tumanda bajarilsin"}, format="json")
        assert passed.status_code == 200, passed.content
        child = next(a["id"] for a in passed.json()["assignments"] if a["parent"] == lead)

    with time_machine.travel(at("2026-05-04 10:00"), tick=False):
        as_user(api, world.d_cg)
        assert api.post(base + "register/", {"assignment": child}, format="json").status_code == 200
        as_user(api, world.d_exec)
        assert api.get(base).json()["my_assignments"] == [child]
        no_file = api.post(base + "report/", {"assignment": child, "text": "Tumanda 3 ta quduq qazildi."},
                           format="multipart")
        assert no_file.status_code == 400 and "files" in no_file.json()
        wrote = api.post(base + "report/", {"assignment": child, "text": "Tumanda 3 ta quduq qazildi.",
                                            "files": [pdf()]}, format="multipart")
        assert wrote.status_code == 200, wrote.content
        (report,) = wrote.json()["reports"]
        assert report["state"] == "draft" and report["attachments"][0]["name"] == "hisobot.pdf"
        confirm = f"/api/v1/execution-reports/{report['id']}/confirm/"
        assert api.post(confirm, {}, format="json").status_code == 403  # the executor cannot confirm
        assert as_user(api, world.pop_exec).post(confirm, {}, format="json").status_code == 404
        assert as_user(api, world.d_head).post(confirm, {}, format="json").status_code == 200
        assert api.post(confirm, {}, format="json").status_code == 409

        assert as_user(api, world.d_cg).post(base + "review/", {"accept": True}, format="json").status_code == 403
        region_review = as_user(api, world.cg).post(base + "review/", {"accept": True}, format="json")
        assert region_review.status_code == 200
        assert next(a for a in region_review.json()["assignments"] if a["id"] == child)["state"] == "done"
        assert as_user(api, world.cg).get("/api/v1/execution-reports/", {"task": number}).json()["count"] == 1

        as_user(api, world.region_exec)
        wrote = api.post(base + "report/", {"assignment": lead, "text": "Viloyat boʻyicha bajarildi.",
                                            "files": [pdf()]}, format="multipart").json()
        top = next(r["id"] for r in wrote["reports"] if r["assignment"] == lead)
        assert as_user(api, world.first_deputy).post(f"/api/v1/execution-reports/{top}/confirm/",
                                                     {"note": "Tasdiqlayman"}, format="json").status_code == 200
        assert api.get(base).json()["status"] == "reported"

        # the national chain: the district (and the region) cannot review it
        for user in (world.d_cg, world.cg, world.governor, world.cabinet_ctl):
            assert as_user(api, user).post(base + "review/", {"accept": True}, format="json").status_code == 403
        as_user(api, world.moj_ctl)
        assert api.get(base).json()["review_pending_for_me"] is True
        bare = api.post(base + "review/", {"accept": False}, format="json")
        assert bare.status_code == 400 and "reasons" in bare.json()
        returned = api.post(base + "review/", {"accept": False, "reasons": "Hujjatlar toʻliq emas"}, format="json")
        assert returned.status_code == 200 and returned.json()["status"] == "returned"
        assert api.post(base + "review/", {"accept": True}, format="json").status_code == 409  # nothing pending

        as_user(api, world.region_exec)
        again = api.post(base + "report/", {"assignment": lead, "text": "Kamchiliklar bartaraf etildi.",
                                            "files": [pdf("qoshimcha.pdf")]}, format="multipart").json()
        draft = next(r["id"] for r in again["reports"] if r["state"] == "draft")
        assert as_user(api, world.governor).post(f"/api/v1/execution-reports/{draft}/confirm/", {},
                                                 format="json").status_code == 200
        assert as_user(api, world.moj_ctl).post(base + "review/", {"accept": True}, format="json").status_code == 200
        assert as_user(api, world.chamber_ctl).post(base + "review/", {"accept": True},
                                                    format="json").status_code == 403
        mid = as_user(api, world.cabinet_ctl).post(base + "review/", {"accept": True}, format="json").json()
        assert mid["status"] == "reported" and mid["closed_at"] is None  # only the last reviewer removes it
        done = as_user(api, world.chamber_ctl).post(base + "review/", {"accept": True}, format="json")
        assert done.status_code == 200
        final = done.json()
        assert final["status"] == "removed" and final["closed_at"] and final["allowed_actions"] == []
        rounds = [(r["number"], r["step_code"], r["verdict"]) for r in final["review_rounds"]
                  if r["assignment"] == lead]
        assert rounds == [(1, "justice", "returned"), (2, "justice", "accepted"), (2, "cabinet", "accepted"),
                          (2, "accounts_chamber", "accepted")]
        assert all(r["reviewer_org_name"] for r in final["review_rounds"])
        after = as_user(api, world.region_exec).post(base + "report/", {
            "assignment": lead, "text": "Yana bir hisobot yozildi.", "files": [pdf()]}, format="multipart")
        assert after.status_code == 409


def test_a_head_sends_a_report_back_and_bad_reports_store_nothing(api, world, monday):
    task = on_control(world)
    lead = lead_of(task)
    as_user(api, world.region_exec)
    short = api.post(url(task, "report"), {"assignment": lead.pk, "text": "Qildik", "files": [pdf()]},
                     format="multipart")
    assert short.status_code == 400 and "text" in short.json()
    foreign = api.post(url(task, "report"), {"assignment": 10**6, "text": "Bajarildi, hujjatlar ilova.",
                                             "files": [pdf()]}, format="multipart")
    assert foreign.status_code == 400 and "assignment" in foreign.json()
    assert not ExecutionReport.objects.exists()
    report = api.post(url(task, "report"), {"assignment": lead.pk, "text": "Bajarildi, hujjatlar ilova.",
                                            "files": [pdf()]}, format="multipart").json()["reports"][0]
    back = f"/api/v1/execution-reports/{report['id']}/send_back/"
    assert api.post(back, {"note": "Qayta yozing"}, format="json").status_code == 403
    as_user(api, world.governor)
    assert api.post(back, {}, format="json").status_code == 400
    resp = api.post(back, {"note": "Raqamlar keltirilsin"}, format="json")
    assert resp.status_code == 200 and resp.json()["state"] == "rejected"
    assert api.post(f"/api/v1/execution-reports/{report['id']}/confirm/", {}, format="json").status_code == 409


def test_withdrawing_a_task_is_for_the_controller_with_a_reason(api, world, monday):
    task = on_control(world)
    assert as_user(api, world.region_exec).post(url(task, "withdraw"), {"reason": "Kerak emas"},
                                                format="json").status_code == 403
    as_user(api, world.moj_ctl)
    assert api.post(url(task, "withdraw"), {"reason": "x"}, format="json").status_code == 400
    assert api.post(url(task, "withdraw"), {}, format="json").status_code == 400
    resp = api.post(url(task, "withdraw"), {"reason": "Hujjat oʻz kuchini yoʻqotdi"}, format="json")
    assert resp.status_code == 200 and resp.json()["status"] == "withdrawn"
    assert api.post(url(task, "withdraw"), {"reason": "Hujjat oʻz kuchini yoʻqotdi"},
                    format="json").status_code == 409


def test_progress_reports_of_a_task_with_no_deadline(api, world, monday):
    task = on_control(world, deadline_kind="none")
    detail = as_user(api, world.region_exec).get(url(task)).json()
    assert detail["needs_progress_reports"] is True and detail["deadline_kind"] == "none"
    (scheduled,) = detail["progress_reports"]
    assert scheduled["sequence"] == 1 and scheduled["submitted_at"] is None
    assert api.post(url(task, "progress"), {"sequence": 1, "text": "Oz"}, format="json").status_code == 400
    assert api.post(url(task, "progress"), {"sequence": 7, "text": "Yarim yillikda ishlar qilindi."},
                    format="json").status_code == 400
    assert api.post(url(task, "progress"), {"text": "Yarim yillikda ishlar qilindi."},
                    format="json").status_code == 400
    assert as_user(api, world.pop_exec).post(url(task, "progress"), {
        "sequence": 1, "text": "Yarim yillikda ishlar qilindi."}, format="json").status_code == 404
    assert as_user(api, world.moj_ctl).post(url(task, "progress"), {
        "sequence": 1, "text": "Yarim yillikda ishlar qilindi."}, format="json").status_code == 403
    as_user(api, world.region_exec)
    resp = api.post(url(task, "progress"), {"report": scheduled["id"], "text": "Yarim yillikda ishlar qilindi.",
                                            "files": [pdf()]}, format="multipart")
    assert resp.status_code == 200, resp.content
    assert resp.json()["progress_reports"][0]["submitted_at"]
    assert api.post(url(task, "progress"), {"sequence": 1, "text": "Yana bir marta kiritildi."},
                    format="json").status_code == 409


def test_a_control_plan_needs_rows_and_the_right_people(api, world, monday):
    task = on_control(world)
    doc = task.document
    row = {"task": task.pk, "text": "1. Suv", "mechanism": "Reja", "deadline": "30.06.2026", "executors": "Hokimlar"}
    as_user(api, world.cg)
    assert api.post("/api/v1/control-plans/", {"document": doc.pk, "organisation": world.region.pk, "rows": []},
                    format="json").status_code == 400
    half = api.post("/api/v1/control-plans/", {"document": doc.pk, "organisation": world.region.pk,
                                               "rows": [{"text": "1. Suv"}]}, format="json")
    assert half.status_code == 400 and "rows" in half.json()
    assert as_user(api, world.region_exec).post("/api/v1/control-plans/", {
        "document": doc.pk, "organisation": world.region.pk, "rows": [row]}, format="json").status_code == 403
    assert as_user(api, world.pop_exec).post("/api/v1/control-plans/", {
        "document": doc.pk, "organisation": world.other_district.pk, "rows": [row]},
        format="json").status_code == 400  # the document is not among those it may see
    assert not ControlPlan.objects.exists()
    as_user(api, world.cg)
    first = api.post("/api/v1/control-plans/", {"document": doc.pk, "organisation": world.region.pk,
                                                "rows": [row]}, format="json")
    assert first.status_code == 201
    second = api.post("/api/v1/control-plans/", {"document": doc.pk, "organisation": world.region.pk,
                                                 "rows": [row, {**row, "task": None, "text": "2. Qoʻshimcha"}]},
                      format="json")
    assert second.status_code == 200 and len(second.json()["rows"]) == 2 and second.json()["id"] == first.json()["id"]
    listed = api.get("/api/v1/control-plans/", {"document": doc.pk}).json()
    assert listed["count"] == 1 and listed["results"][0]["state"] == "draft"
    assert as_user(api, world.pop_exec).get("/api/v1/control-plans/").json()["count"] == 0


def test_the_task_list_filters_and_does_not_query_per_row(api, world, monday):
    doc = world.document()
    other = world.document(number="PQ-200")
    first = on_control(world, document=doc, item="1")
    on_control(world, document=doc, item="2", executors=[{"organisation": world.region.pk},
                                                         {"organisation": world.reception.pk, "role": "co_executor"}])
    world.task(other, item="1", due_on=date(2026, 4, 1))
    as_user(api, world.moj_ctl)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            resp = api.get("/api/v1/tasks/")
        assert resp.status_code == 200
        return len(ctx.captured_queries), resp.json()

    few, data = count_queries()
    assert data["count"] == 3
    for i in range(3, 9):
        on_control(world, document=doc, item=str(i))
    many, data = count_queries()
    assert data["count"] == 9 and many == few
    assert api.get("/api/v1/tasks/", {"status": "registered"}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"document": other.pk}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"organisation": world.reception.pk}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"q": first.case.number}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"q": "PQ-200 ichimlik"}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"status": "nonsense"}).status_code == 400
    assert api.get("/api/v1/tasks/", {"overdue": "true"}).json()["count"] == 0
    with time_machine.travel(at("2026-04-02 09:00"), tick=False):
        assert api.get("/api/v1/tasks/", {"overdue": "true"}).json()["count"] == 1
        assert api.get("/api/v1/tasks/", {"overdue": "false"}).json()["count"] == 8
    row = next(r for r in data["results"] if r["item"] == "2")
    assert [e["organisation"] for e in row["executors"]] == [world.region.pk, world.reception.pk]


# --- public control -------------------------------------------------------------------------------

def test_public_documents_anonymous_reading_comments_and_moderation(api, world, monday):
    public = world.document(number="PQ-1", public=True)
    hidden = world.document(number="PQ-2")
    task = on_control(world, document=public)
    services.assignment_name_executor(assignment=lead_of(task), actor=world.cg, person=world.region_exec)
    world.task(hidden, due_on=date(2026, 6, 30))

    anon = APIClient()
    listed = anon.get("/api/v1/public/control-documents/")
    assert listed.status_code == 200
    (row,) = listed.json()["results"]
    assert (row["number"], row["task_count"], row["comment_count"]) == ("PQ-1", 1, 0)
    detail = anon.get(f"/api/v1/public/control-documents/{public.pk}/")
    assert detail.status_code == 200
    (shown,) = detail.json()["tasks"]
    assert shown["status"] == "on_control" and shown["executors"] == [world.region.name]
    assert shown["due_on"] == "2026-06-30"
    body = detail.content.decode()
    assert world.region_exec.last_name not in body and world.moj_ctl.last_name not in body
    assert "instructions" not in body and "assignments" not in body
    assert anon.get(f"/api/v1/public/control-documents/{hidden.pk}/").status_code == 404

    comments = f"/api/v1/public/control-documents/{public.pk}/comments/"
    say = {"opinion": "support", "text": "Juda kerakli qaror, qoʻllab-quvvatlayman.", "task": task.case.number}
    assert anon.post(comments, say, format="json").status_code == 401
    as_user(api, world.citizen)
    bad = api.post(comments, {"opinion": "maybe", "text": "Yaxshi qaror"}, format="json")
    assert bad.status_code == 400 and "opinion" in bad.json()
    short = api.post(comments, {"opinion": "against", "text": "x"}, format="json")
    assert short.status_code == 400 and "text" in short.json()
    assert api.post(comments, {**say, "task": "T-0-00-00000"}, format="json").status_code == 400
    assert api.post(f"/api/v1/public/control-documents/{hidden.pk}/comments/", say, format="json").status_code == 404
    assert not PublicComment.objects.exists()
    made = api.post(comments, say, format="json")
    assert made.status_code == 201 and made.json()["state"] == "pending"
    assert anon.get(comments).json()["count"] == 0  # shown after moderation

    moderate = f"/api/v1/public-comments/{made.json()['id']}/moderate/"
    assert api.post(moderate, {"publish": True}, format="json").status_code == 404  # the citizen
    # staff of another body do not even see an unpublished comment
    assert as_user(api, world.cg).post(moderate, {"publish": True}, format="json").status_code == 404
    as_user(api, world.moj_ctl)
    assert api.get("/api/v1/public-comments/", {"state": "pending"}).json()["count"] == 1
    assert api.post(moderate, {"publish": False}, format="json").status_code == 400
    assert api.post(moderate, {"publish": True}, format="json").json()["state"] == "published"
    assert api.post(moderate, {"publish": True}, format="json").status_code == 409

    (published,) = anon.get(comments).json()["results"]
    assert published["opinion"] == "support" and published["task"] == task.case.number
    assert "author" not in published
    (row,) = anon.get("/api/v1/public/control-documents/").json()["results"]
    assert (row["comment_count"], row["support_count"], row["against_count"]) == (1, 1, 0)


def test_the_schema_documents_every_execution_endpoint_with_its_errors(api, db):
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    actions = ["put_on_control", "pass_on", "register", "name_executor", "report", "review", "request_extension",
               "withdraw", "progress"]
    for name in actions:
        op = paths[f"/api/v1/tasks/{{number}}/{name}/"]["post"]
        assert {"200", "400", "401", "403", "404", "409"} <= set(op["responses"]), name
        assert op["requestBody"], name
    for path in ["/api/v1/control-documents/{id}/publish/", "/api/v1/control-documents/{id}/tasks/",
                 "/api/v1/execution-reports/{id}/confirm/", "/api/v1/execution-reports/{id}/send_back/",
                 "/api/v1/control-plans/{id}/approve/", "/api/v1/public-comments/{id}/moderate/",
                 "/api/v1/public/control-documents/{id}/comments/"]:
        assert {"400", "403", "404"} <= set(paths[path]["post"]["responses"]), path
    assert "get" in paths["/api/v1/tasks/{number}/"] and not {"put", "patch", "delete"} & set(
        paths["/api/v1/tasks/{number}/"])
    assert paths["/api/v1/public/control-documents/"]["get"].get("security") in (None, [{}]) or {} in \
        paths["/api/v1/public/control-documents/"]["get"]["security"]
    assert "multipart/form-data" in paths["/api/v1/tasks/{number}/report/"]["post"]["requestBody"]["content"]


def test_the_controller_adds_and_recalls_executors_of_a_task_on_control(world):
    """A co-executor is added after the task went on control (with its timed steps); the lead is recalled with
    a reason and a new lead named; an executor may do neither."""
    from datetime import date

    from rest_framework.test import APIClient

    from nazorat.cases.models import Assignment
    from nazorat.execution import services

    doc = world.document()
    task = world.task(doc, due_on=date.today().replace(year=date.today().year + 1, month=1, day=15))
    services.task_put_on_control(task=task, actor=world.moj_ctl,
                                 executors=[{"organisation": world.region, "role": "lead"}])
    number = task.case.number
    api = APIClient()
    api.force_authenticate(world.region_exec)
    refused = api.post(f"/api/v1/tasks/{number}/add_executor/", {"organisation": world.district.pk}, format="json")
    assert refused.status_code == 403
    api.force_authenticate(world.moj_ctl)
    added = api.post(f"/api/v1/tasks/{number}/add_executor/", {"organisation": world.district.pk}, format="json")
    assert added.status_code == 200, added.content
    co = Assignment.objects.get(case=task.case, organisation=world.district)
    assert co.role == "co_executor" and co.steps.count() == 3
    lead = Assignment.objects.get(case=task.case, organisation=world.region)
    no_reason = api.post(f"/api/v1/tasks/{number}/recall_executor/", {"assignment": lead.pk, "reason": ""},
                         format="json")
    assert no_reason.status_code == 400
    lead.refresh_from_db()
    assert lead.state != "cancelled"
    recalled = api.post(f"/api/v1/tasks/{number}/recall_executor/",
                        {"assignment": lead.pk, "reason": "Boshqa organ ijrochi etib belgilandi"}, format="json")
    assert recalled.status_code == 200
    lead.refresh_from_db()
    assert lead.state == "cancelled"
    new_lead = api.post(f"/api/v1/tasks/{number}/add_executor/",
                        {"organisation": world.other_district.pk, "role": "lead"}, format="json")
    assert new_lead.status_code == 200, new_lead.content
