"""Capacity and "one booking per person" hold when many people press "Book" at the same moment (the slot row
is locked; on PostgreSQL this runs with real row locks, on SQLite with IMMEDIATE transactions)."""

import threading
from datetime import time

import pytest
from django.db import close_old_connections, connection
from django.utils import translation

from nazorat import testing
from nazorat.receptions import services
from nazorat.receptions.models import Booking, ReceptionSlot
from nazorat.receptions.services import ReceptionStateError


def _skip_in_memory():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite shares one connection; CI proves this on PostgreSQL")


def _setup(capacity):
    region = testing.org(name="Namangan viloyati hokimligi", territory_code="1714")
    governor = testing.staff(region, position="head", roles=("signatory",), title="Viloyat hokimi")
    schedule = services.schedule_create(
        actor=governor, official=governor.memberships.get(), place_uz="Hokimlik binosi", start_time=time(9),
        end_time=time(17), weekdays=[1, 2, 3, 4, 5, 6, 7], capacity=capacity, publish=True)
    return schedule, schedule.slots.order_by("starts_at")


def _run(jobs):
    errors, barrier = [], threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                job()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bookings_never_exceed_capacity():
    _skip_in_memory()
    schedule, slots = _setup(capacity=3)
    slot = slots.first()
    people = [testing.citizen() for _ in range(8)]
    errors = _run([lambda p=p: services.booking_create(actor=p, slot=slot, topic="Savol") for p in people])
    assert len(errors) == 5 and all(isinstance(e, ReceptionStateError) for e in errors), errors
    assert all("fully booked" in str(e) for e in errors)
    assert Booking.objects.filter(slot=slot).count() == 3
    assert ReceptionSlot.objects.get(pk=slot.pk).booked == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_person_pressing_twice_gets_one_booking():
    _skip_in_memory()
    schedule, slots = _setup(capacity=5)
    later_day = slots.filter(date__gt=slots.first().date).first().date  # a whole day, whatever the hour now
    same_day = list(slots.filter(date=later_day)[:4])
    citizen = testing.citizen()
    errors = _run([lambda s=s: services.booking_create(actor=citizen, slot=s, topic="Savol") for s in same_day])
    assert len(errors) == 3 and all(isinstance(e, ReceptionStateError) for e in errors), errors
    assert Booking.objects.filter(citizen=citizen).count() == 1
    assert sum(ReceptionSlot.objects.filter(pk__in=[s.pk for s in same_day]).values_list("booked", flat=True)) == 1
