"""Schedules, their times and bookings as the services keep them: who may, what is refused and why."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nazorat import testing
from nazorat.core.models import Event
from nazorat.receptions import services
from nazorat.receptions.models import Booking, BookingState, ReceptionSlot
from nazorat.receptions.services import ReceptionStateError

from .conftest import at

pytestmark = pytest.mark.django_db


def first_slot(schedule, day="2026-05-20"):
    return schedule.slots.filter(date=date.fromisoformat(day)).order_by("starts_at").first()


# --- schedules and their times ------------------------------------------------------------------------

def test_publishing_prepares_times_on_working_days_only(gov):
    schedule = gov.schedule(publish=False)
    assert schedule.slots.count() == 0
    services.schedule_publish(actor=gov.cg, schedule=schedule)
    days = sorted(set(schedule.slots.values_list("date", flat=True)))
    # Mondays and Wednesdays for four weeks, without Qurbon hayit (Wed 27 May) and the decree days off after it.
    assert date(2026, 5, 27) not in days
    assert days[:3] == [date(2026, 5, 18), date(2026, 5, 20), date(2026, 5, 25)]
    assert all(d.isoweekday() in (1, 3) for d in days)
    # Today's times that have begun (10:00) are not offered; 10:30, 11:00, 11:30 are.
    today = schedule.slots.filter(date=date(2026, 5, 18)).order_by("starts_at")
    assert [s.starts_at for s in today] == [at("2026-05-18 10:30"), at("2026-05-18 11:00"), at("2026-05-18 11:30")]
    assert schedule.slots.filter(date=date(2026, 5, 20)).count() == 4
    assert Event.objects.filter(action="reception.schedule_published", object_id=str(schedule.pk)).exists()


def test_generating_times_twice_creates_nothing_new(gov):
    schedule = gov.schedule()
    before = list(schedule.slots.order_by("starts_at").values_list("pk", "starts_at"))
    assert services.slots_generate(until=date(2026, 6, 14)) == 0
    assert services.slots_generate(until=date(2026, 6, 14), schedule=schedule, actor=gov.cg) == 0
    assert list(schedule.slots.order_by("starts_at").values_list("pk", "starts_at")) == before
    # A later horizon adds only the new days, once.
    added = services.slots_generate(until=date(2026, 6, 30))
    assert added > 0
    assert services.slots_generate(until=date(2026, 6, 30)) == 0
    starts = list(schedule.slots.values_list("starts_at", flat=True))
    assert len(starts) == len(set(starts))


def test_holidays_get_no_times_and_a_one_off_reception_on_a_day_off_is_refused(gov):
    schedule = gov.schedule(weekdays=[1, 2, 3, 4, 5])
    days = set(schedule.slots.values_list("date", flat=True))
    assert not days & {date(2026, 5, 27), date(2026, 5, 28), date(2026, 5, 29)}  # Qurbon hayit and decree days
    assert date(2026, 5, 26) in days
    with pytest.raises(ValidationError) as refused:
        gov.schedule(weekdays=[], on_date=date(2026, 5, 27))
    assert "day off" in str(refused.value.message_dict["on_date"])


def test_a_six_day_body_receives_on_saturdays_a_five_day_body_does_not(gov):
    saturday = gov.schedule(weekdays=[6])
    assert saturday.slots.count() == 0
    six = testing.org(name="Chust tumani suv xoʻjaligi", territory_code="1714224", kind="utility", work_week=6)
    head = testing.staff(six, position="head", roles=("signatory",), username="six_head")
    schedule = services.schedule_create(actor=head, official=head.memberships.get(), place_uz="Markaz",
                                        start_time=time(9), end_time=time(10), weekdays=[6], publish=True)
    assert schedule.slots.filter(date=date(2026, 5, 23)).count() == 2


def test_who_may_keep_a_schedule(gov):
    # The official themself and the body's control group, signatory or administrator may.
    own = services.schedule_create(actor=gov.governor, official=gov.official, place_uz="Hokimlik",
                                   start_time=time(14), end_time=time(16), weekdays=[5])
    assert own.created_by == gov.governor
    for outsider in (gov.executor, gov.operator, gov.d_cg, gov.citizen):
        with pytest.raises(PermissionDenied):
            gov.schedule(actor=outsider)
        with pytest.raises(PermissionDenied):
            services.schedule_publish(actor=outsider, schedule=own)


def test_a_schedule_states_its_problems_per_field(gov):
    with pytest.raises(ValidationError) as refused:
        gov.schedule(place_uz=" ", start_time=time(12), end_time=time(11), weekdays=[9], publish=False)
    assert set(refused.value.message_dict) == {"weekdays"}
    with pytest.raises(ValidationError) as refused:
        gov.schedule(place_uz=" ", start_time=time(12), end_time=time(11), slot_minutes=3)
    assert {"place_uz", "end_time", "slot_minutes"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        gov.schedule(kind="mobile", territory=None)
    assert "territory" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        gov.schedule(weekdays=[], on_date=None)
    assert "weekdays" in refused.value.message_dict


def test_a_mobile_reception_names_the_mahalla_and_takes_a_group(gov):
    schedule = gov.schedule(kind="mobile", territory=gov.mahalla, place_uz="Guliston mahallasi guzari",
                            weekdays=[], on_date=date(2026, 5, 21))
    assert schedule.capacity == 5  # a group per time, not one person
    assert schedule.territory == gov.mahalla
    assert schedule.valid_from == schedule.valid_until == date(2026, 5, 21)
    assert set(schedule.slots.values_list("date", flat=True)) == {date(2026, 5, 21)}
    assert schedule.place_uz_cyrl.startswith("Гулистон")


def test_changing_the_rule_keeps_booked_times_and_prepares_the_rest_again(gov):
    schedule = gov.schedule()
    booked = first_slot(schedule)
    services.booking_create(actor=gov.citizen, slot=booked, topic="Uy-joy masalasi")
    services.schedule_update(actor=gov.cg, schedule=schedule, start_time=time(15), end_time=time(16),
                             capacity=3)
    slots = schedule.slots.filter(date=date(2026, 5, 20)).order_by("starts_at")
    assert [s.starts_at for s in slots] == [at("2026-05-20 10:00"), at("2026-05-20 15:00"), at("2026-05-20 15:30")]
    assert all(s.capacity == 3 for s in slots)
    assert Booking.objects.get().slot_id == booked.pk


# --- bookings -----------------------------------------------------------------------------------------

def test_a_citizen_books_and_is_told_in_their_language(gov, outbox):
    gov.citizen.preferred_language = "ru"
    gov.citizen.save()
    schedule = gov.schedule()
    slot = first_slot(schedule)
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Ichimlik suvi yoʻq")
    slot.refresh_from_db()
    assert booking.state == BookingState.BOOKED and slot.booked == 1 and slot.seats_left == 0
    messages = list(outbox.filter(recipient=gov.citizen))
    assert {m.channel for m in messages} == {"inapp", "email", "sms"}
    assert all(m.language == "ru" for m in messages)
    assert "Абдураззоқов" not in messages[0].body and "Abdurazzoqov" in messages[0].body
    assert Event.objects.filter(action="reception.booked", object_id=str(booking.pk), actor=gov.citizen).exists()


def test_capacity_is_respected(gov):
    schedule = gov.schedule(capacity=2)
    slot = first_slot(schedule)
    services.booking_create(actor=gov.citizen, slot=slot, topic="Birinchi")
    services.booking_create(actor=gov.other, slot=slot, topic="Ikkinchi")
    third = testing.citizen(username="third")
    with pytest.raises(ReceptionStateError, match="fully booked"):
        services.booking_create(actor=third, slot=slot, topic="Uchinchi")
    slot.refresh_from_db()
    assert slot.booked == 2 and Booking.objects.filter(slot=slot).count() == 2


def test_the_same_person_cannot_book_twice_in_one_time_or_one_day(gov):
    schedule = gov.schedule(capacity=3)
    slot = first_slot(schedule)
    services.booking_create(actor=gov.citizen, slot=slot, topic="Birinchi")
    with pytest.raises(ReceptionStateError, match="already have a booking"):
        services.booking_create(actor=gov.citizen, slot=slot, topic="Yana")
    later = schedule.slots.filter(date=slot.date).order_by("-starts_at").first()
    with pytest.raises(ReceptionStateError, match="already have a booking"):
        services.booking_create(actor=gov.citizen, slot=later, topic="Yana")
    # Another day with the same official is fine.
    services.booking_create(actor=gov.citizen, slot=first_slot(schedule, "2026-05-25"), topic="Keyingi hafta")
    assert Booking.objects.filter(citizen=gov.citizen).count() == 2


def test_the_database_refuses_a_second_booking_even_without_the_service(gov):
    from django.db import IntegrityError, transaction

    schedule = gov.schedule(capacity=3)
    slot = first_slot(schedule)
    services.booking_create(actor=gov.citizen, slot=slot, topic="Birinchi")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, schedule=schedule, day=slot.date, citizen=gov.citizen, topic="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceptionSlot.objects.filter(pk=slot.pk).update(booked=4)


def test_a_time_that_has_begun_is_refused(gov, monday):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-18 10:30"))
    monday.move_to(at("2026-05-18 10:31"))
    with pytest.raises(ReceptionStateError, match="already begun or passed"):
        services.booking_create(actor=gov.citizen, slot=slot, topic="Kechikdim")
    # Staff may still register a visitor who came while the time runs, not after it ended.
    services.booking_create(actor=gov.operator, slot=slot, topic="Yer masalasi", name="Karim Tursunov")
    monday.move_to(at("2026-05-18 11:00"))
    with pytest.raises(ReceptionStateError, match="already passed"):
        services.booking_create(actor=gov.operator, slot=slot, topic="Kech", name="Zokir Aliyev")


def test_an_unpublished_schedule_cannot_be_booked(gov):
    schedule = gov.schedule(publish=False)
    services.slots_generate(until=date(2026, 5, 31), schedule=schedule, actor=gov.cg)
    slot = first_slot(schedule)
    with pytest.raises(ReceptionStateError, match="not published"):
        services.booking_create(actor=gov.citizen, slot=slot, topic="Savol")
    services.schedule_publish(actor=gov.cg, schedule=schedule)
    services.schedule_publish(actor=gov.cg, schedule=schedule, publish=False)
    with pytest.raises(ReceptionStateError, match="not published"):
        services.booking_create(actor=gov.citizen, slot=slot, topic="Savol")


def test_cancelling_frees_the_seat(gov, outbox):
    schedule = gov.schedule()
    slot = first_slot(schedule)
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Savol")
    with pytest.raises(ReceptionStateError, match="fully booked"):
        services.booking_create(actor=gov.other, slot=slot, topic="Men ham")
    services.booking_cancel(actor=gov.citizen, booking=booking)
    slot.refresh_from_db()
    assert slot.booked == 0
    assert outbox.filter(recipient=gov.citizen, subject__startswith="Reception booking cancelled").count() == 3
    services.booking_create(actor=gov.other, slot=slot, topic="Men ham")
    # The citizen may book again another time that day, the cancelled booking no longer counts.
    services.booking_create(actor=gov.citizen, slot=schedule.slots.filter(date=slot.date).last(), topic="Yana")
    with pytest.raises(ReceptionStateError, match="Only an active booking"):
        services.booking_cancel(actor=gov.citizen, booking=booking)


def test_a_citizen_cancels_only_before_the_start_staff_any_time_with_a_reason(gov, monday, outbox):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-18 11:00"))
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Savol")
    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=gov.other, booking=booking)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(actor=gov.d_cg, booking=booking, reason="Boshqa tuman")
    monday.move_to(at("2026-05-18 11:05"))
    with pytest.raises(ReceptionStateError, match="already begun"):
        services.booking_cancel(actor=gov.citizen, booking=booking)
    with pytest.raises(ValidationError) as refused:
        services.booking_cancel(actor=gov.operator, booking=booking, reason=" ")
    assert "reason" in refused.value.message_dict
    services.booking_cancel(actor=gov.operator, booking=booking, reason="Hokim favqulodda yigʻilishda")
    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == gov.operator
    note = outbox.get(recipient=gov.citizen, channel="inapp", subject__startswith="Reception booking cancelled")
    assert "Hokim favqulodda yigʻilishda" in note.body


def test_only_staff_mark_attendance(gov, monday):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-18 10:30"))
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Savol")
    for outsider in (gov.citizen, gov.executor, gov.d_cg):
        with pytest.raises(PermissionDenied):
            services.booking_mark(actor=outsider, booking=booking, outcome="attended")
    with pytest.raises(ReceptionStateError, match="once their time has begun"):
        services.booking_mark(actor=gov.operator, booking=booking, outcome="no_show")
    services.booking_mark(actor=gov.operator, booking=booking, outcome="attended")
    booking.refresh_from_db()
    assert booking.state == BookingState.ATTENDED and booking.marked_by == gov.operator
    with pytest.raises(ReceptionStateError, match="already closed"):
        services.booking_mark(actor=gov.operator, booking=booking, outcome="no_show")
    later = services.booking_create(actor=gov.other, slot=first_slot(schedule), topic="Savol")
    with pytest.raises(ReceptionStateError, match="from the day of the reception"):
        services.booking_mark(actor=gov.governor, booking=later, outcome="attended")


def test_a_walk_in_is_registered_by_staff_only_and_told_by_sms(gov, outbox):
    schedule = gov.schedule(capacity=2)
    slot = first_slot(schedule)
    with pytest.raises(PermissionDenied):
        services.booking_create(actor=gov.citizen, slot=slot, topic="Savol", name="Boshqa odam")
    with pytest.raises(ValidationError) as refused:
        services.booking_create(actor=gov.operator, slot=slot, topic="Savol", name="Karim Tursunov", phone="12")
    assert "phone" in refused.value.message_dict
    booking = services.booking_create(actor=gov.operator, slot=slot, topic="Yer", name="Karim Tursunov",
                                      phone="90 111 22 33")
    assert booking.is_walk_in and booking.phone == "+998901112233" and booking.created_by == gov.operator
    assert outbox.get(address="+998901112233").channel == "sms"
    with pytest.raises(ReceptionStateError, match="phone number is already booked"):
        services.booking_create(actor=gov.operator, slot=slot, topic="Yana", name="Karim Tursunov",
                                phone="+998 90 111 22 33")
