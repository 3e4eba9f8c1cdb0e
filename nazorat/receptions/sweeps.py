"""The reminder sweep (every 15 minutes, ``tasks.py``): one message per booking the day before the reception.

Idempotent like the kernel's sweeps: a booking is reminded once (``reminded_at``; the notification key carries
the booking and its start time), rows are claimed in batches with SELECT … FOR UPDATE SKIP LOCKED so several
workers never send the same reminder, and one failing booking is logged and retried next time without
stalling the rest. Bookings made less than a day ahead get no reminder: their confirmation has just told
them the time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Booking, BookingState
from .services import booking_remind

BATCH = 200
REMIND_BEFORE = timedelta(hours=24)
log = logging.getLogger("nazorat.sweeps")


@dataclass
class ReminderResult:
    reminded: int = 0
    messages: int = 0
    failures: int = 0


def due_reminders(now):
    return Booking.objects.filter(
        state=BookingState.BOOKED, reminded_at__isnull=True,
        slot__starts_at__gt=now, slot__starts_at__lte=now + REMIND_BEFORE,
        created_at__lte=F("slot__starts_at") - REMIND_BEFORE,
    )


def sweep_reminders(now=None) -> ReminderResult:
    now = now or timezone.now()
    result = ReminderResult()
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            batch = list(due_reminders(now).exclude(pk__in=seen)
                         .select_for_update(skip_locked=True, of=("self",))
                         .select_related("slot", "slot__schedule", "slot__schedule__organisation",
                                         "slot__schedule__official__user", "citizen")
                         .order_by("slot__starts_at", "pk")[:BATCH])
            for booking in batch:
                seen.add(booking.pk)
                try:
                    with transaction.atomic():
                        result.messages += booking_remind(booking=booking, now=now)
                        result.reminded += 1
                except Exception:  # noqa: BLE001 - logged; the booking is retried on the next sweep
                    result.failures += 1
                    log.exception("reception reminder failed on booking %s", booking.pk)
        if len(batch) < BATCH:
            return result
