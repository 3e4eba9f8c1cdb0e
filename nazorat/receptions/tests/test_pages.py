"""The reception pages as people use them: the public list, a time and its booking form, "my bookings", the
desk's day list and the schedule form."""

from datetime import date, time

import pytest
from django.urls import reverse

from nazorat.receptions import services
from nazorat.receptions.models import Booking, BookingState, ReceptionSchedule

from .conftest import at

pytestmark = pytest.mark.django_db
PASSWORD = "test-password-123"


def login(client, user):
    client.force_login(user)
    return client


def test_the_public_list_shows_published_schedules_in_uzbek_by_default(gov, uz_client):
    published = gov.schedule()
    gov.schedule(publish=False, place_uz="Yopiq xona", weekdays=[2])
    page = uz_client.get(reverse("receptions:list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="uz">' in html
    assert "Mansabdor shaxslarning qabullari" in html and "Shaxsiy qabul" in html
    assert "Abdurazzoqov Shavkat" in html and "Viloyat hokimi" in html
    assert published.place_uz in html and "Yopiq xona" not in html
    # Its next free times link to the booking page.
    first = published.slots.order_by("starts_at").first()
    assert reverse("receptions:slot", args=[first.pk]) in html


def test_cyrillic_search_finds_a_latin_schedule(gov, client):
    governor = gov.schedule()
    other = gov.d_cg.memberships.get()
    district = services.schedule_create(actor=gov.d_cg, official=other, place_uz="Chust tumani hokimligi",
                                        start_time=time(14), end_time=time(16), weekdays=[2], publish=True)

    def listed(**params):
        html = client.get(reverse("receptions:list"), params).content.decode()
        return {s.pk for s in (governor, district) if f'id="schedule-{s.pk}"' in html}

    assert listed() == {governor.pk, district.pk}
    assert listed(q="Абдураззоқов") == {governor.pk}
    assert listed(q="мустақиллик майдони") == {governor.pk}
    assert listed(q="ЧУСТ") == {district.pk}
    assert listed(territory="1714224") == {district.pk}
    assert listed(official=gov.official.pk) == {governor.pk}
    assert listed(organisation=gov.district.pk) == {district.pk}
    assert listed(kind="mass") == set()


def test_an_unpublished_schedule_is_hidden_from_the_public(gov, client):
    schedule = gov.schedule(publish=False)
    services.slots_generate(until=date(2026, 5, 31), schedule=schedule, actor=gov.cg)
    slot = schedule.slots.first()
    for url in (reverse("receptions:schedule", args=[schedule.pk]), reverse("receptions:slot", args=[slot.pk])):
        assert client.get(url).status_code == 404
        assert login(client, gov.citizen).get(url).status_code == 404
        client.logout()
    assert login(client, gov.citizen).post(reverse("receptions:book", args=[slot.pk]),
                                           {"topic": "Savol"}).status_code == 404
    # Those who keep it see it, marked as not published, and can publish it.
    staff = login(client, gov.cg).get(reverse("receptions:schedule", args=[schedule.pk]))
    assert staff.status_code == 200 and 'data-testid="unpublished"' in staff.content.decode()
    client.post(reverse("receptions:publish", args=[schedule.pk]), {"publish": "1"})
    assert ReceptionSchedule.objects.get(pk=schedule.pk).is_published
    client.logout()
    assert client.get(reverse("receptions:slot", args=[slot.pk])).status_code == 200


def test_booking_a_time_end_to_end(gov, client, outbox):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-20 10:00"))
    url = reverse("receptions:slot", args=[slot.pk])

    anonymous = client.get(url).content.decode()
    assert "Log in to book" in anonymous and "1 of 1 seat free" in anonymous
    refused = client.post(reverse("receptions:book", args=[slot.pk]), {"topic": "Savol"})
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("accounts:login"))
    assert "next=" in refused["Location"]

    # The citizen logs in with their password and comes back to the time.
    login_page = client.post(reverse("accounts:login") + f"?next={url}",
                             {"username": "alisher", "password": PASSWORD})
    assert login_page.status_code == 302
    form = client.get(url).content.decode()
    assert 'name="topic"' in form
    empty = client.post(reverse("receptions:book", args=[slot.pk]), {"topic": "  "})
    assert empty.status_code == 400 and 'aria-invalid="true"' in empty.content.decode()
    booked = client.post(reverse("receptions:book", args=[slot.pk]), {"topic": "Ichimlik suvi yoʻq"}, follow=True)
    assert booked.redirect_chain[-1][0] == reverse("receptions:mine")
    mine = booked.content.decode()
    assert "Ichimlik suvi yoʻq" in mine and "Abdurazzoqov Shavkat" in mine and "You are booked for" in mine
    assert outbox.filter(recipient=gov.citizen, subject__startswith="Reception booked").count() == 3

    # The time is now full for others.
    client.force_login(gov.other)
    full = client.get(url).content.decode()
    assert "0 of 1 seats free" in full and "fully booked" in full and 'name="topic"' not in full
    conflict = client.post(reverse("receptions:book", args=[slot.pk]), {"topic": "Men ham"})
    assert conflict.status_code == 409 and "fully booked" in conflict.content.decode()

    # The citizen cancels from "my bookings"; the seat is free again.
    client.force_login(gov.citizen)
    booking = Booking.objects.get(citizen=gov.citizen)
    cancelled = client.post(reverse("receptions:cancel", args=[booking.pk]), {"reason": ""}, follow=True)
    assert "The booking has been cancelled" in cancelled.content.decode()
    assert Booking.objects.get(pk=booking.pk).state == BookingState.CANCELLED
    assert "1 of 1 seat free" in client.get(url).content.decode()


def test_a_time_that_has_begun_cannot_be_booked_from_the_page(gov, client, monday):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-18 10:30"))
    monday.move_to(at("2026-05-18 10:40"))
    login(client, gov.citizen)
    assert "already begun" in client.get(reverse("receptions:slot", args=[slot.pk])).content.decode()
    response = client.post(reverse("receptions:book", args=[slot.pk]), {"topic": "Savol"})
    assert response.status_code == 409 and "already begun or passed" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_desk_marks_attendance_and_registers_walk_ins(gov, client, monday):
    schedule = gov.schedule(capacity=2)
    slot = schedule.slots.get(starts_at=at("2026-05-18 10:30"))
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Ichimlik suvi")
    mark = reverse("receptions:mark", args=[booking.pk])
    day = reverse("receptions:day", args=[schedule.pk])

    # A citizen cannot mark, not even their own booking; other staff cannot open the desk.
    login(client, gov.citizen)
    assert client.post(mark, {"outcome": "attended"}).status_code == 403
    assert client.get(day).status_code == 403
    login(client, gov.d_cg)
    assert client.get(day).status_code == 403

    # The operator keeps the day's list.
    login(client, gov.operator)
    page = client.get(day).content.decode()
    assert "Karimov Alisher" in page and "Ichimlik suvi" in page and 'value="attended"' in page
    assert client.post(mark, {"outcome": "attended"}).status_code == 302
    assert Booking.objects.get(pk=booking.pk).state == BookingState.ATTENDED
    again = client.post(mark, {"outcome": "no_show"})
    assert again.status_code == 409 and "already closed" in again.content.decode()

    # A walk-in: a person who came without booking.
    walk_in = reverse("receptions:walk_in", args=[schedule.pk])
    bad = client.post(walk_in, {"date": "2026-05-18", "slot": slot.pk, "name": "", "topic": "Yer"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    done = client.post(walk_in, {"date": "2026-05-18", "slot": slot.pk, "name": "Karim Tursunov",
                                 "phone": "+998 90 111 22 33", "topic": "Yer uchastkasi"}, follow=True)
    assert "Karim Tursunov" in done.content.decode()
    assert Booking.objects.get(name="Karim Tursunov").created_by == gov.operator
    full = client.post(walk_in, {"date": "2026-05-18", "slot": slot.pk, "name": "Zokir Aliyev", "topic": "Yo'l"})
    assert full.status_code == 409 and "fully booked" in full.content.decode()

    # Staff cancel with a reason only.
    later = services.booking_create(actor=gov.other, slot=schedule.slots.get(starts_at=at("2026-05-18 11:00")),
                                    topic="Savol")
    cancel = reverse("receptions:cancel", args=[later.pk])
    no_reason = client.post(cancel, {"from": "desk", "reason": ""})
    assert no_reason.status_code == 400 and Booking.objects.get(pk=later.pk).state == BookingState.BOOKED
    client.post(cancel, {"from": "desk", "reason": "Hokim yigʻilishda"})
    assert Booking.objects.get(pk=later.pk).cancel_reason == "Hokim yigʻilishda"


def test_entitled_staff_create_and_edit_a_schedule(gov, client):
    login(client, gov.citizen)
    assert client.get(reverse("receptions:create")).status_code == 403
    # An official may keep their own schedule only; the control group those of everyone in the body.
    login(client, gov.executor)
    own = client.get(reverse("receptions:create")).content.decode()
    assert "Abdurazzoqov" not in own
    login(client, gov.cg)
    form = client.get(reverse("receptions:create")).content.decode()
    assert "Abdurazzoqov Shavkat, Viloyat hokimi" in form
    missing = client.post(reverse("receptions:create"), {"official": gov.official.pk, "kind": "personal",
                                                         "place_uz": "Hokimlik", "start_time": "10:00",
                                                         "end_time": "12:00", "slot_minutes": 30})
    assert missing.status_code == 400 and "Choose the weekdays" in missing.content.decode()
    created = client.post(reverse("receptions:create"), {
        "official": gov.official.pk, "kind": "mobile", "territory": gov.mahalla.pk,
        "place_uz": "Guliston mahallasi guzari", "on_date": "2026-05-21", "start_time": "14:00",
        "end_time": "16:00", "slot_minutes": 30, "notes": "Sayyor qabul"})
    assert created.status_code == 302
    schedule = ReceptionSchedule.objects.get()
    assert schedule.kind == "mobile" and schedule.capacity == 5 and not schedule.is_published
    client.post(reverse("receptions:publish", args=[schedule.pk]), {"publish": "1"})
    assert schedule.slots.count() == 4
    edit = reverse("receptions:edit", args=[schedule.pk])
    assert 'value="Guliston mahallasi guzari"' in client.get(edit).content.decode()
    client.post(edit, {"kind": "mobile", "territory": gov.mahalla.pk, "place_uz": "Mahalla markazi",
                       "on_date": "2026-05-21", "start_time": "14:00", "end_time": "15:00", "slot_minutes": 20,
                       "capacity": 8})
    schedule.refresh_from_db()
    assert schedule.place == "Mahalla markazi" and schedule.place_uz_cyrl == "Маҳалла маркази"
    assert list(schedule.slots.values_list("capacity", flat=True)) == [8, 8, 8]
    assert "Mahalla markazi" in client.get(reverse("receptions:manage")).content.decode()
    login(client, gov.d_cg)
    assert client.get(edit).status_code == 403


def test_named_urls_reach_the_pages(gov, client):
    assert reverse("receptions:list") == "/receptions/"
    assert reverse("receptions:mine") == "/receptions/mine/"
    assert client.get(reverse("receptions:mine")).status_code == 302  # login first
    login(client, gov.citizen)
    assert client.get(reverse("receptions:mine")).status_code == 200
    assert client.get(reverse("receptions:manage")).status_code == 403
