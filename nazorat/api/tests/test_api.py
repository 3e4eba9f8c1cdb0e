"""The API shell: token auth, public reference data, the scoped kernel endpoints and their errors."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from nazorat import testing
from nazorat.cases import services
from nazorat.core.models import Event


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def gov(db):
    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714", code="nam-hok")
    chust = testing.org(name="Chust tumani hokimligi", territory_code="1714237", parent=region, code="chust")
    pop = testing.org(name="Pop tumani hokimligi", territory_code="1714219", parent=region, code="pop")
    return {
        "region": region, "chust": chust, "pop": pop,
        "controller": testing.staff(region, position="unit_head", roles=("control_group", "controller"),
                                    username="nazorat"),
        "chust_exec": testing.staff(chust, roles=("executor",), username="chust_exec"),
        "pop_exec": testing.staff(pop, roles=("executor",), username="pop_exec"),
    }


def auth(api, username):
    resp = api.post("/api/v1/auth/token/", {"username": username, "password": testing.PASSWORD}, format="json")
    assert resp.status_code == 200, resp.content
    api.credentials(HTTP_AUTHORIZATION=f"Token {resp.json()['token']}")
    return api


def test_token_for_good_credentials_and_clear_error_for_bad(api, gov):
    bad = api.post("/api/v1/auth/token/", {"username": "nazorat", "password": "wrong"}, format="json")
    assert bad.status_code in (400, 401, 403)
    assert "password" in str(bad.json()).lower() or "parol" in str(bad.json()).lower()
    missing = api.post("/api/v1/auth/token/", {"username": "nazorat"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()
    auth(api, "nazorat")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == "nazorat"
    assert me["memberships"][0]["organisation"]["code"] == "nam-hok"
    assert set(me["memberships"][0]["roles"]) == {"control_group", "controller"}
    assert Event.objects.filter(action="auth.token_issued").exists()


def test_signatory_needs_the_one_time_code_for_a_token(api, gov):
    testing.staff(gov["region"], position="head", roles=("signatory",), username="hokim")
    resp = api.post("/api/v1/auth/token/", {"username": "hokim", "password": testing.PASSWORD}, format="json")
    assert resp.status_code == 400 and "otp_token" in resp.json()


def test_territories_filters_and_names_in_four_languages(api, db):
    regions = api.get("/api/v1/territories/?level=region&page_size=100").json()
    assert regions["count"] == 14
    nam = next(r for r in regions["results"] if r["code"] == "1714")
    assert nam["name_uz"] == "Namangan viloyati" and nam["name_uz_cyrl"] == "Наманган вилояти"
    assert nam["name_ru"] and nam["name_en"] and nam["parent"] is None
    districts = api.get("/api/v1/territories/?level=district&parent=1714&page_size=100").json()["results"]
    assert districts and all(d["code"].startswith("1714") and d["parent"] == "1714" for d in districts)
    cyr = api.get("/api/v1/territories/", {"q": "Чуст"}).json()["results"]
    assert any(t["code"] == "1714237" for t in cyr)  # a Cyrillic query finds the Latin-named district


def test_organisations_are_public_reference_data(api, gov):
    data = api.get("/api/v1/organisations/?territory=1714237").json()
    assert [o["code"] for o in data["results"]] == ["chust"]
    found = api.get("/api/v1/organisations/", {"q": "Чуст туман"}).json()["results"]
    assert [o["code"] for o in found] == ["chust"]


def test_cases_are_scoped_to_the_user(api, gov):
    case = services.case_open(kind="letter", actor=gov["controller"], owner=gov["region"], title="Xat",
                              due_at=timezone.now() + timedelta(days=5))
    services.assignment_create(case=case, actor=gov["controller"], organisation=gov["chust"])
    auth(api, "chust_exec")
    assert [c["id"] for c in api.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert [i["case"]["id"] for i in api.get("/api/v1/inbox/").json()["results"]] == [case.pk]
    other = APIClient()
    auth(other, "pop_exec")
    assert other.get("/api/v1/cases/").json()["results"] == []
    assert other.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert APIClient().get("/api/v1/cases/").status_code in (401, 403)


def test_transitions_answer_400_403_404_409(api, gov):
    auth(api, "nazorat")
    created = api.post("/api/v1/cases/", {"title": "", "owner": gov["region"].pk}, format="json")
    assert created.status_code == 400 and "title" in created.json()
    resp = api.post("/api/v1/cases/", {"title": "Hisobot taqdim etish", "owner": gov["region"].pk,
                                       "due_at": (timezone.now() + timedelta(days=7)).isoformat()}, format="json")
    assert resp.status_code == 201, resp.content
    case_id = resp.json()["id"]
    too_late = (timezone.now() + timedelta(days=30)).isoformat()
    bad = api.post(f"/api/v1/cases/{case_id}/assign/", {"organisation": gov["chust"].pk, "due_at": too_late},
                   format="json")
    assert bad.status_code == 400 and "due_at" in bad.json()
    ok = api.post(f"/api/v1/cases/{case_id}/assign/", {"organisation": gov["chust"].pk}, format="json")
    assert ok.status_code == 200 and ok.json()["assignments"][0]["organisation"] == gov["chust"].pk
    executor = APIClient()
    auth(executor, "chust_exec")
    assert executor.post(f"/api/v1/cases/{case_id}/cancel/").status_code == 403
    outsider = APIClient()
    auth(outsider, "pop_exec")
    assert outsider.post(f"/api/v1/cases/{case_id}/cancel/").status_code == 404
    submitted = executor.post(f"/api/v1/cases/{case_id}/submit-result/", {"text": "Bajarildi"}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "under_review"
    again = executor.post(f"/api/v1/cases/{case_id}/submit-result/", {"text": "Yana"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "transition_not_allowed"
    rnd = submitted.json()["review_rounds"][0]["id"]
    returned = api.post(f"/api/v1/review-rounds/{rnd}/decide/", {"accept": False}, format="json")
    assert returned.status_code == 400 and "reasons" in returned.json()
    returned = api.post(f"/api/v1/review-rounds/{rnd}/decide/", {"accept": False, "reasons": "Toʻliq emas"},
                        format="json")
    assert returned.status_code == 200 and returned.json()["verdict"] == "returned"
    timeline = api.get(f"/api/v1/cases/{case_id}/timeline/").json()
    assert [e["action"] for e in timeline][:2] == ["case.opened", "assignment.created"]
    assert timeline[-1]["action"] == "case.returned" and timeline[-1]["actor_name"]


def test_errors_are_in_the_requested_language(api, gov):
    auth(api, "nazorat")
    resp = api.post("/api/v1/cases/", {"owner": gov["region"].pk}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 400
    assert "Обязательное поле" in str(resp.json()["title"])


def test_schema_and_docs_are_served_offline(client, db):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/api/v1/auth/token/", "/api/v1/territories/", "/api/v1/organisations/",
                 "/api/v1/cases/{id}/assign/", "/api/v1/review-rounds/{id}/decide/"]:
        assert path in paths, path
    assert "409" in paths["/api/v1/cases/{id}/assign/"]["post"]["responses"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    # nothing loaded from elsewhere (a bare "cdn" could appear by chance inside the random CSRF token)
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', body), "an external asset"
    assert not re.search(r"jsdelivr|unpkg|cdnjs|cdn\.", body.lower())
    assert "/static/drf_spectacular_sidecar/" in body


def test_healthz_reports_database_and_worker(client, db):
    from nazorat.core.tasks import beat

    data = client.get("/healthz").json()
    assert data["database"]["status"] == "ok"
    assert data["worker"]["status"] == "missing" and data["status"] == "degraded"
    beat()
    data = client.get("/healthz").json()
    assert data["worker"]["status"] == "ok" and data["status"] == "ok"
