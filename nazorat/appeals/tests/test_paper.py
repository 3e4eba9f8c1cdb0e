"""Written and oral appeals registered by the working group, with the moment they actually arrived (Art 23)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from nazorat.appeals.models import Appeal

from .conftest import at


def paper_post(gov, **over):
    d = gov.data(territory="", region="1714", district="", **over)
    d.pop("language", None)
    d.update({"form": "written", "received_at": "2026-06-02T19:30"})  # a Tuesday evening, after hours
    return {k: v for k, v in d.items() if v is not None}


def test_the_working_group_registers_a_letter_received_after_hours(client, gov, workday):
    client.force_login(gov.wg)
    page = client.get(reverse("appeals:paper"))
    assert page.status_code == 200 and 'name="received_at"' in page.content.decode()
    resp = client.post(reverse("appeals:paper"), paper_post(gov))
    assert resp.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.form == "written"
    assert appeal.registered_on.isoformat() == "2026-06-03"  # the next working day
    follow = client.get(resp["Location"])
    assert appeal.case.number in follow.content.decode()


def test_a_bad_paper_appeal_changes_nothing(client, gov, workday):
    client.force_login(gov.wg)
    resp = client.post(reverse("appeals:paper"), {**paper_post(gov), "last_name": "", "received_at": ""})
    assert resp.status_code == 400
    html = resp.content.decode()
    assert 'id="id_received_at_error"' in html or "received_at" in html
    assert not Appeal.objects.exists()


def test_only_a_working_group_may_register_paper(client, gov, workday):
    client.force_login(gov.d_exec)
    assert client.get(reverse("appeals:paper")).status_code == 403
    assert client.post(reverse("appeals:paper"), paper_post(gov)).status_code == 403
    assert not Appeal.objects.exists()


def test_paper_registration_through_the_api(gov, workday):
    api = APIClient()
    api.force_authenticate(gov.wg)
    body = {**gov.data(), "form": "oral", "received_at": at("2026-06-03 09:15").isoformat()}
    resp = api.post("/api/v1/appeals/register-paper/", body, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["registered_on"] == "2026-06-03" and resp.json()["tracking_code"]
    outsider = APIClient()
    outsider.force_authenticate(gov.d_exec)
    assert outsider.post("/api/v1/appeals/register-paper/", body, format="json").status_code == 403
    bad = api.post("/api/v1/appeals/register-paper/", {**body, "form": "electronic"}, format="json")
    assert bad.status_code == 400 and "form" in bad.json()
    assert Appeal.objects.count() == 1
