"""The receptions API: public schedules and times, booking and cancelling, attendance; errors as the schema
states them."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nazorat.receptions import services
from nazorat.receptions.models import Booking, BookingState

from .conftest import at

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_anyone_reads_published_schedules_with_their_next_free_times(gov):
    schedule = gov.schedule()
    gov.schedule(publish=False, weekdays=[2])
    body = api().get("/api/v1/receptions/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == schedule.pk and row["kind"] == "personal" and row["weekdays"] == [1, 3]
    assert row["official"]["name"] == "Abdurazzoqov Shavkat" and row["official"]["position"] == "Viloyat hokimi"
    assert [s["starts_at"] for s in row["next_slots"]] == [
        "2026-05-18T10:30:00+05:00", "2026-05-18T11:00:00+05:00", "2026-05-18T11:30:00+05:00"]
    assert api().get("/api/v1/receptions/", {"q": "Абдураззоқов"}).json()["count"] == 1
    assert api().get("/api/v1/receptions/", {"q": "Farg'ona"}).json()["count"] == 0
    assert api().get("/api/v1/receptions/", {"organisation": "x"}).status_code == 400


def test_times_of_a_schedule_from_a_date(gov):
    schedule = gov.schedule(capacity=2)
    services.booking_create(actor=gov.citizen, slot=schedule.slots.get(starts_at=at("2026-05-20 10:00")),
                            topic="Savol")
    body = api().get("/api/v1/reception-slots/", {"schedule": schedule.pk, "from": "2026-05-20",
                                                  "until": "2026-05-20"}).json()
    assert [(s["starts_at"][11:16], s["free"]) for s in body["results"]] == [
        ("10:00", 1), ("10:30", 2), ("11:00", 2), ("11:30", 2)]
    assert api().get("/api/v1/reception-slots/", {"from": "yesterday"}).status_code == 400


def test_booking_through_the_api(gov):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-20 10:00"))
    url = f"/api/v1/reception-slots/{slot.pk}/book/"
    assert api().post(url, {"topic": "Savol"}).status_code == 401
    assert api(gov.citizen).post(url, {}).json() == {"topic": ["This field is required."]}
    made = api(gov.citizen).post(url, {"topic": "Ichimlik suvi"})
    assert made.status_code == 201
    assert made.json()["state"] == "booked" and made.json()["slot"]["free"] == 0
    full = api(gov.other).post(url, {"topic": "Men ham"})
    assert full.status_code == 409 and "fully booked" in full.json()["detail"]
    assert api(gov.citizen).get("/api/v1/bookings/").json()["results"][0]["id"] == made.json()["id"]
    assert api(gov.other).get("/api/v1/bookings/").json()["count"] == 0


def test_a_past_time_and_an_unpublished_schedule_are_refused(gov, monday):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-18 10:30"))
    monday.move_to(at("2026-05-18 10:31"))
    past = api(gov.citizen).post(f"/api/v1/reception-slots/{slot.pk}/book/", {"topic": "Savol"})
    assert past.status_code == 409 and "already begun" in past.json()["detail"]
    hidden = gov.schedule(publish=False, weekdays=[2])
    services.slots_generate(until=at("2026-05-31 00:00").date(), schedule=hidden, actor=gov.cg)
    hidden_slot = hidden.slots.first()
    assert api(gov.citizen).post(f"/api/v1/reception-slots/{hidden_slot.pk}/book/",
                                 {"topic": "Savol"}).status_code == 404
    assert api().get("/api/v1/reception-slots/", {"schedule": hidden.pk}).json()["count"] == 0
    assert api().get(f"/api/v1/receptions/{hidden.pk}/").status_code == 404
    assert api(gov.cg).get(f"/api/v1/receptions/{hidden.pk}/").status_code == 200


def test_cancel_and_mark(gov, monday):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-18 10:30"))
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Savol")
    mark = f"/api/v1/bookings/{booking.pk}/mark/"
    assert api(gov.citizen).post(mark, {"outcome": "attended"}).status_code == 403
    assert api(gov.other).post(mark, {"outcome": "attended"}).status_code == 404
    assert api(gov.operator).post(mark, {"outcome": "maybe"}).status_code == 400
    cancelled = api(gov.citizen).post(f"/api/v1/bookings/{booking.pk}/cancel/", {})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["slot"]["free"] == 1
    again = api(gov.citizen).post(f"/api/v1/bookings/{booking.pk}/cancel/", {})
    assert again.status_code == 409
    second = services.booking_create(actor=gov.other, slot=slot, topic="Savol")
    staff = api(gov.operator)
    assert staff.post(f"/api/v1/bookings/{second.pk}/cancel/", {}).json() == {
        "reason": ["Give the reason for cancelling; the visitor is told it."]}
    assert staff.post(f"/api/v1/bookings/{second.pk}/mark/", {"outcome": "attended"}).json()["state"] == "attended"
    assert Booking.objects.get(pk=second.pk).state == BookingState.ATTENDED


def test_the_schema_documents_the_endpoints_and_their_errors(client, db):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    book = paths["/api/v1/reception-slots/{id}/book/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "409"} <= set(book)
    cancel = paths["/api/v1/bookings/{id}/cancel/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(cancel)
    assert "/api/v1/receptions/" in paths
    names = {p["name"] for p in paths["/api/v1/reception-slots/"]["get"]["parameters"]}
    assert {"schedule", "from", "until"} <= names
