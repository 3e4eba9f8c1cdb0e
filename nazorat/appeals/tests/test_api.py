"""The appeals API: submission without login, the scoped register with its filters, privacy of
``do_not_disclose`` (Art 19), tracking by number and code, and the transitions with their 400/403/404/409."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from nazorat.appeals import services
from nazorat.appeals.models import Appeal
from nazorat.cases.models import Case

from .conftest import PNG, PDF, pdf

pytestmark = pytest.mark.usefixtures("workday")


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_anyone_submits_and_gets_the_number_code_and_due_date(api, gov):
    resp = api.post("/api/v1/appeals/", gov.data(addressee=gov.region.pk), format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert set(body) >= {"number", "tracking_code", "status", "received_at", "due_date"}
    assert body["status"] == "registered" and body["due_date"] == "2026-06-18"
    assert body["number"] == f"M-{gov.region.pk}-26-00001" and len(body["tracking_code"]) == 10


def test_a_multipart_submission_carries_attachments_and_signatories(api, gov):
    data = gov.data(is_collective="true", do_not_disclose="on",
                    signatories='[{"full_name": "Karimov Alisher", "address": "Navoiy 12"},'
                                ' {"full_name": "Rahimova Dilnoza", "address": "Navoiy 14"}]')
    data["attachments"] = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    resp = api.post("/api/v1/appeals/", data, format="multipart")
    assert resp.status_code == 201, resp.content
    appeal = Appeal.objects.get(case__number=resp.json()["number"])
    assert appeal.is_collective and appeal.do_not_disclose and appeal.signatories.count() == 2
    assert sorted(appeal.case.attachments.values_list("content_type", flat=True)) == ["application/pdf", "image/png"]


def test_a_bad_submission_answers_400_per_field_and_stores_nothing(api, gov):
    resp = api.post("/api/v1/appeals/", {"kind": "complaint", "email": "x"}, format="json")
    assert resp.status_code == 400
    errors = resp.json()
    assert {"last_name", "first_name", "address", "addressee", "territory", "text", "email"} <= set(errors)
    assert all(isinstance(v, list) and v for v in errors.values())
    assert not Case.objects.filter(kind="appeal").exists()
    ru = APIClient().post("/api/v1/appeals/", {"kind": "complaint"}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert ru.status_code == 400 and ru.json()["last_name"] != errors["last_name"]


def test_anonymous_submissions_are_throttled_per_address(api, gov, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "appeal_submit": "2/hour"}}
    cache.clear()
    try:
        codes = [api.post("/api/v1/appeals/", {}, format="json").status_code for _i in range(3)]
        assert codes == [400, 400, 429]
        assert api.get("/api/v1/appeals/track/?number=M-1-26-00001&code=X").status_code == 404  # reads still work
    finally:
        cache.clear()


def test_the_register_is_scoped_and_filtered(api, gov):
    a = services.appeal_submit(data=gov.data())
    b = services.appeal_submit(data=gov.data(addressee=gov.district.pk, territory="1714224", kind="proposal",
                                             last_name="Rahimova", email="", phone="",
                                             text="Taklif: tumanda yangi bogʻ barpo etilsin, yoshlar uchun."))
    services.appeal_submit(data=gov.data(addressee=gov.utility.pk, last_name="Olimov", email="", phone="",
                                         text="Suv hisoblagichi notoʻgʻri koʻrsatmoqda, tekshiring."))
    assert api.get("/api/v1/appeals/").status_code == 401
    as_user(api, gov.wg)
    numbers = {r["number"] for r in api.get("/api/v1/appeals/").json()["results"]}
    assert numbers == {a.case.number, b.case.number}  # the region and the district under it, not the utility
    rows = api.get("/api/v1/appeals/", {"kind": "proposal"}).json()["results"]
    assert [r["number"] for r in rows] == [b.case.number]
    assert [r["number"] for r in api.get("/api/v1/appeals/", {"territory": "1714224"}).json()["results"]] == [
        b.case.number]
    assert [r["number"] for r in api.get("/api/v1/appeals/", {"addressee": gov.region.pk}).json()["results"]] == [
        a.case.number]
    assert [r["number"] for r in api.get("/api/v1/appeals/", {"q": "rahimova"}).json()["results"]] == [
        b.case.number]
    assert [r["number"] for r in api.get("/api/v1/appeals/", {"q": "ичимлик сув"}).json()["results"]] == [
        a.case.number]
    assert api.get("/api/v1/appeals/", {"status": "registered", "overdue": "false"}).json()["count"] == 2
    assert api.get("/api/v1/appeals/", {"overdue": "true"}).json()["count"] == 0
    assert api.get("/api/v1/appeals/", {"status": "bogus"}).status_code == 400
    as_user(api, gov.u_exec)
    assert api.get(f"/api/v1/appeals/{a.case.number}/").status_code == 404
    row = api.get("/api/v1/appeals/").json()["results"][0]
    assert "tracking_code" not in row and "tracking_hash" not in row


def test_do_not_disclose_hides_the_author_from_observers_but_not_from_the_handling_bodies(api, gov):
    from nazorat import testing

    citizen = testing.citizen(username="alisher", first_name="Alisher", last_name="Karimov")
    hidden = services.appeal_submit(data=gov.data(do_not_disclose=True), actor=citizen)
    services.appeal_submit(data=gov.data(last_name="Rahimova", first_name="Dilnoza", email="", phone="",
                                         text="Maktab isitish tizimi ishlamayapti, tezroq tuzatilsin."))
    as_user(api, gov.observer)
    rows = {r["number"]: r for r in api.get("/api/v1/appeals/").json()["results"]}
    assert rows[hidden.case.number]["author"] is None
    assert "Rahimova" in [r["author"] for r in rows.values() if r["number"] != hidden.case.number][0]
    detail = api.get(f"/api/v1/appeals/{hidden.case.number}/").json()
    assert detail["author_data"] is None and detail["text"] is None
    assert "Karimov" not in str(detail) and "alisher@example.uz" not in str(detail) and "Navoiy" not in str(detail)
    assert api.get("/api/v1/appeals/", {"q": "Karimov"}).json()["count"] == 0
    case_view = api.get(f"/api/v1/cases/{hidden.pk}/").json()
    assert "Karimov" not in str(case_view) and "ichimlik" not in str(case_view)
    timeline = api.get(f"/api/v1/cases/{hidden.pk}/timeline/").json()
    assert timeline and "Karimov" not in str(timeline)
    as_user(api, gov.wg)
    mine = api.get(f"/api/v1/appeals/{hidden.case.number}/").json()
    assert mine["author"] == "Karimov Alisher Bahodirovich" and mine["author_data"]["email"] == "alisher@example.uz"
    assert api.get("/api/v1/appeals/", {"q": "Karimov"}).json()["count"] == 1
    # The executing body handles it too once it is assigned; the observer still sees nothing.
    services.appeal_accept(appeal=hidden, actor=gov.cg)
    services.appeal_assign(appeal=hidden, actor=gov.wg, organisation=gov.utility)
    as_user(api, gov.u_exec)
    assert api.get(f"/api/v1/appeals/{hidden.case.number}/").json()["author_data"]["last_name"] == "Karimov"


def test_tracking_shows_the_public_record_and_a_wrong_code_is_404(api, gov):
    appeal = gov.in_work(do_not_disclose=True)
    url = "/api/v1/appeals/track/"
    assert api.get(url, {"number": appeal.case.number, "code": "AAAAAAAAAA"}).status_code == 404
    assert api.get(url, {"number": "M-999-26-00001", "code": appeal.tracking_code}).status_code == 404
    assert api.get(url, {"number": appeal.case.number}).status_code == 400
    resp = api.get(url, {"number": appeal.case.number, "code": appeal.tracking_code})
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "assigned" and body["due_date"] == "2026-06-18" and body["author"] is None
    labels = [item["label"] for item in body["timeline"]]
    assert "Registered" in labels and "Accepted for execution" in labels
    text = str(body)
    assert "Karimov" not in text and "alisher" not in text and "Navoiy" not in text
    assert "d_exec" not in text and "Ijrochiyev" not in text  # no staff names on the public timeline either
    open_one = gov.submit(last_name="Olimov", email="", phone="", text="Koʻcha chiroqlari yonmayapti, tuzating.")
    shown = api.get(url, {"number": open_one.case.number, "code": open_one.tracking_code}).json()
    assert shown["author"] == "Olimov Alisher Bahodirovich"


def test_transitions_answer_403_404_409_and_400_properly(api, gov):
    appeal = gov.submit()
    number = appeal.case.number
    as_user(api, gov.d_exec)
    assert api.post(f"/api/v1/appeals/{number}/accept/").status_code == 404  # not visible to the district yet
    as_user(api, gov.region_exec)
    resp = api.post(f"/api/v1/appeals/{number}/accept/")
    assert resp.status_code == 403 and resp.json()["detail"]
    as_user(api, gov.cg)
    assert api.post(f"/api/v1/appeals/{number}/accept/").json()["status"] == "accepted"
    conflict = api.post(f"/api/v1/appeals/{number}/accept/")
    assert conflict.status_code == 409 and conflict.json()["code"] == "transition_not_allowed"
    as_user(api, gov.wg)
    assert api.post(f"/api/v1/appeals/{number}/assign/", {}, format="json").status_code == 400
    resp = api.post(f"/api/v1/appeals/{number}/assign/", {"organisation": gov.district.pk}, format="json")
    assert resp.status_code == 200 and resp.json()["assignments"][0]["organisation"] == gov.district.pk
    bad = api.post(f"/api/v1/appeals/{number}/extend/", {"new_due": "2026-07-01", "reasons": "Tekshiruv kerak."},
                   format="json")
    assert bad.status_code == 403
    as_user(api, gov.governor)
    far = api.post(f"/api/v1/appeals/{number}/extend/", {"new_due": "2026-08-30", "reasons": "Tekshiruv kerak."},
                   format="json")
    assert far.status_code == 400 and "new_due" in far.json()
    assert api.post("/api/v1/appeals/M-1-26-99999/extend/", {"new_due": "2026-07-01", "reasons": "x" * 12},
                    format="json").status_code == 404


def test_the_answer_goes_in_as_multipart_and_the_review_closes_it(api, gov):
    appeal = gov.in_work()
    number = appeal.case.number
    as_user(api, gov.d_exec)
    form = {"answer_number": "01-12/345", "sent_on": "2026-06-03", "signer": gov.d_deputy.pk,
            "executor": gov.d_exec.pk, "outcome": "satisfied"}
    word = api.post(f"/api/v1/appeals/{number}/answer/", {**form, "file": SimpleUploadedFile("javob.pdf", PNG)},
                    format="multipart")
    assert word.status_code == 400 and "PDF" in " ".join(word.json()["file"])
    deputy = api.post(f"/api/v1/appeals/{number}/answer/", {**form, "file": pdf()}, format="multipart")
    assert deputy.status_code == 403 and "governor" in deputy.json()["detail"]
    ok = api.post(f"/api/v1/appeals/{number}/answer/", {**form, "signer": gov.d_head.pk, "file": pdf()},
                  format="multipart")
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["status"] == "under_review" and body["result"]["answer"]["name"] == "A.B.Karimov.pdf"
    assert body["result"]["signer_name"] == "Hokimov Bobur" and body["result"]["executor_position"] == "Bosh mutaxassis"
    as_user(api, gov.wg)
    returned = api.post(f"/api/v1/appeals/{number}/review/", {"accept": False}, format="json")
    assert returned.status_code == 400 and "reasons" in returned.json()
    accepted = api.post(f"/api/v1/appeals/{number}/review/", {"accept": True}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "answered"
    assert accepted.json()["allowed_actions"] == []


def test_the_author_withdraws_and_rates_by_number_and_code(api, gov):
    appeal = gov.in_work()
    number = appeal.case.number
    assert api.post(f"/api/v1/appeals/{number}/withdraw/", {"code": "AAAAAAAAAA"}, format="json").status_code == 404
    assert api.post(f"/api/v1/appeals/{number}/rate/", {"code": appeal.tracking_code, "rating": 5},
                    format="json").status_code == 409
    gov.answer(appeal)
    services.appeal_review(appeal=appeal, actor=gov.wg, accept=True)
    late = api.post(f"/api/v1/appeals/{number}/withdraw/", {"code": appeal.tracking_code}, format="json")
    assert late.status_code == 409
    assert api.post(f"/api/v1/appeals/{number}/rate/", {"code": appeal.tracking_code, "rating": 9},
                    format="json").status_code == 400
    rated = api.post(f"/api/v1/appeals/{number}/rate/", {"code": appeal.tracking_code, "rating": 5,
                                                         "comment": "Rahmat"}, format="json")
    assert rated.status_code == 200 and rated.json()["rating"] == 5 and rated.json()["can_rate"] is False
    other = gov.submit(last_name="Olimov", email="", phone="", text="Koʻcha chiroqlari yonmayapti, tuzating.")
    gone = api.post(f"/api/v1/appeals/{other.case.number}/withdraw/", {"code": other.tracking_code}, format="json")
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"


def test_a_signed_in_author_sees_the_public_record_of_their_appeal(api, gov):
    from nazorat import testing

    citizen = testing.citizen(username="alisher")
    appeal = services.appeal_submit(data=gov.data(), actor=citizen)
    as_user(api, citizen)
    resp = api.get(f"/api/v1/appeals/{appeal.case.number}/")
    assert resp.status_code == 200 and "timeline" in resp.json() and "assignments" not in resp.json()
    assert api.post(f"/api/v1/appeals/{appeal.case.number}/withdraw/", {}, format="json").status_code == 200


def test_every_appeal_operation_is_in_the_schema_with_its_errors(api, db):
    import yaml

    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    paths = schema["paths"]
    for action in ("accept", "assign", "forward", "return-to-author", "extend", "extra-study", "answer", "review",
                   "leave-unconsidered", "terminate", "withdraw", "rate"):
        op = paths[f"/api/v1/appeals/{{number}}/{action}/"]["post"]
        assert {"400", "404"} <= set(op["responses"]), action
    assert {"400", "404"} <= set(paths["/api/v1/appeals/track/"]["get"]["responses"])
    assert "201" in paths["/api/v1/appeals/"]["post"]["responses"]
