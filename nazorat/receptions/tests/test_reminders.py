"""The reminder the day before a reception: sent once, however often the sweep runs."""

from datetime import datetime

import pytest

from nazorat.receptions import services
from nazorat.receptions.models import Booking
from nazorat.receptions.sweeps import sweep_reminders

from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_reminder_is_sent_the_day_before_and_only_once(gov, monday, outbox):
    schedule = gov.schedule()
    slot = schedule.slots.get(starts_at=at("2026-05-20 10:00"))
    booking = services.booking_create(actor=gov.citizen, slot=slot, topic="Ichimlik suvi")
    walk_in = services.booking_create(actor=gov.operator, slot=schedule.slots.get(starts_at=at("2026-05-20 10:30")),
                                      topic="Yer", name="Karim Tursunov", phone="+998 90 111 22 33")
    reminders = outbox.filter(subject__startswith="Reminder")

    # Two days ahead: too early.
    assert sweep_reminders().reminded == 0
    assert not reminders.exists()

    monday.move_to(at("2026-05-19 10:45"))  # within 24 hours of both
    first = sweep_reminders()
    second = sweep_reminders()
    assert first.reminded == 2 and first.failures == 0
    assert second.reminded == 0 and second.messages == 0
    assert set(reminders.filter(recipient=gov.citizen).values_list("channel", flat=True)) == {"inapp", "email", "sms"}
    assert reminders.filter(address="+998901112233", channel="sms").count() == 1
    assert reminders.count() == 4
    assert "Bring your identity document." in reminders.get(recipient=gov.citizen, channel="inapp").body
    booking.refresh_from_db()
    walk_in.refresh_from_db()
    assert booking.reminded_at == walk_in.reminded_at == at("2026-05-19 10:45")


def test_no_reminder_for_cancelled_bookings_or_for_bookings_made_within_the_day(gov, monday, outbox):
    schedule = gov.schedule(capacity=2)
    cancelled = services.booking_create(actor=gov.citizen, slot=schedule.slots.get(starts_at=at("2026-05-20 10:00")),
                                        topic="Savol")
    services.booking_cancel(actor=gov.citizen, booking=cancelled)
    monday.move_to(at("2026-05-19 12:00"))
    late = services.booking_create(actor=gov.other, slot=schedule.slots.get(starts_at=at("2026-05-20 11:00")),
                                   topic="Savol")
    assert sweep_reminders().reminded == 0
    assert not outbox.filter(subject__startswith="Reminder").exists()
    assert Booking.objects.get(pk=late.pk).reminded_at is None


def test_the_sweep_is_scheduled_every_quarter_hour():
    from nazorat.receptions import tasks

    schedule = tasks.reception_reminders.task_class().validate_datetime
    assert schedule(datetime(2026, 5, 18, 10, 15)) and schedule(datetime(2026, 5, 18, 10, 45))
    assert not schedule(datetime(2026, 5, 18, 10, 20))
