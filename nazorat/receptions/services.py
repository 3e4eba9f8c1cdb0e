"""Every write about receptions (R-B12; law on appeals Arts 8, 9). Keyword-only arguments; each service checks
its predicate, runs in one transaction, writes an event (``core.events.record``) and tells the citizen through
the outbox after commit.

Refusals: ``PermissionDenied`` (403), ``ValidationError`` with a message per field (400), ``ReceptionStateError``
— not possible in the current state: a full, past or unpublished time, a second booking the same day, a closed
booking (409, with the reason in the user's language).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from nazorat.accounts.phones import normalise_phone
from nazorat.cases.services import CaseStateError
from nazorat.core import events
from nazorat.core.text import to_cyrillic
from nazorat.notifications.models import Channel
from nazorat.notifications.services import notify, notify_user
from nazorat.workcalendar.calendar import calendar_for

from . import events as names
from . import permissions
from .models import Booking, BookingState, ReceptionKind, ReceptionSchedule, ReceptionSlot

# How far ahead times are prepared (on publication, on a change and by the nightly task).
HORIZON_WEEKS = getattr(settings, "NAZORAT_RECEPTION_HORIZON_WEEKS", 4)
# Seats per time when the schedule does not say: one person at a personal reception, a group otherwise.
DEFAULT_CAPACITY = {ReceptionKind.PERSONAL: 1, ReceptionKind.MOBILE: 5, ReceptionKind.MASS: 20}
MAX_CAPACITY = 500
LANGS = ("uz", "uz_cyrl", "ru", "en")
EDITABLE = ("kind", "territory", "place_uz", "place_uz_cyrl", "place_ru", "place_en", "weekdays", "on_date",
            "start_time", "end_time", "slot_minutes", "capacity", "valid_from", "valid_until", "notes")


class ReceptionStateError(CaseStateError):
    """Not possible in the current state; the message says why, in the user's language (HTTP 409)."""


def horizon(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(weeks=HORIZON_WEEKS)


# --- schedules ---------------------------------------------------------------------------------------

def _weekday_string(weekdays) -> str:
    if isinstance(weekdays, str):
        weekdays = [w for w in weekdays.split(",") if w.strip()]
    days = set()
    for value in weekdays or ():
        try:
            day = int(value)
        except (TypeError, ValueError):
            day = 0
        if not 1 <= day <= 7:
            raise ValidationError({"weekdays": _("Weekdays are numbers from 1 (Monday) to 7 (Sunday).")})
        days.add(day)
    return ",".join(str(d) for d in sorted(days))


def _clean(schedule: ReceptionSchedule, *, creating: bool, today: date) -> None:
    """Check a schedule's rule; every problem is reported at once, next to its field."""
    errors: dict[str, str] = {}
    org = schedule.organisation
    if schedule.kind not in ReceptionKind.values:
        errors["kind"] = _("Choose personal, mobile or mass reception.")
    if not (schedule.place_uz or "").strip():
        errors["place_uz"] = _("Say where the reception is held.")
    if schedule.kind == ReceptionKind.MOBILE and schedule.territory_id is None:
        errors["territory"] = _("A mobile reception needs the mahalla or district it visits.")
    elif (schedule.territory_id and org.territory_id
          and not schedule.territory_id.startswith(org.territory_id)):
        errors["territory"] = _("The territory must lie within the territory of %(organisation)s.") % {
            "organisation": org.name}
    if schedule.on_date and schedule.weekdays:
        errors["on_date"] = _("Give either weekdays or one date, not both.")
    elif not schedule.on_date and not schedule.weekdays:
        errors["weekdays"] = _("Choose the weekdays of the reception, or give one date.")
    if schedule.on_date:
        if creating and schedule.on_date < today:
            errors["on_date"] = _("The date has already passed.")
        elif not calendar_for(org).is_working_day(schedule.on_date):
            errors["on_date"] = _("%(date)s is a day off in the work calendar; receptions are held on working "
                                  "days.") % {"date": date_format(schedule.on_date, "SHORT_DATE_FORMAT")}
    start, end = schedule.start_time, schedule.end_time
    if start is None:
        errors["start_time"] = _("Give the time the reception starts.")
    if end is None:
        errors["end_time"] = _("Give the time the reception ends.")
    if start is not None and end is not None and end <= start:
        errors["end_time"] = _("The reception must end after it starts.")
    minutes = schedule.slot_minutes
    if minutes is None or not 5 <= minutes <= 480:
        errors["slot_minutes"] = _("A time slot lasts from 5 to 480 minutes.")
    elif start is not None and end is not None and end > start:
        length = datetime.combine(today, end) - datetime.combine(today, start)
        if length < timedelta(minutes=minutes):
            errors["slot_minutes"] = _("The reception hours must hold at least one slot.")
    if schedule.capacity is None or not 1 <= schedule.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("People per slot: a number from 1 to %(max)s.") % {"max": MAX_CAPACITY}
    if schedule.valid_from is None:
        errors["valid_from"] = _("Give the first day the schedule applies.")
    elif schedule.valid_until is not None and schedule.valid_until < schedule.valid_from:
        errors["valid_until"] = _("The schedule must end on or after the day it starts.")
    if errors:
        raise ValidationError(errors)


def _fill_places(schedule: ReceptionSchedule) -> None:
    for lang in LANGS:
        setattr(schedule, f"place_{lang}", (getattr(schedule, f"place_{lang}", "") or "").strip())
    if schedule.place_uz and not schedule.place_uz_cyrl:
        schedule.place_uz_cyrl = to_cyrillic(schedule.place_uz)


def _snapshot(schedule: ReceptionSchedule) -> dict:
    return {
        "kind": schedule.kind, "territory": schedule.territory_id, "place": schedule.place_uz,
        "weekdays": schedule.weekdays, "on_date": schedule.on_date.isoformat() if schedule.on_date else None,
        "start_time": schedule.start_time.isoformat() if schedule.start_time else None,
        "end_time": schedule.end_time.isoformat() if schedule.end_time else None,
        "slot_minutes": schedule.slot_minutes, "capacity": schedule.capacity,
        "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
        "valid_until": schedule.valid_until.isoformat() if schedule.valid_until else None,
    }


@transaction.atomic
def schedule_create(
    *,
    actor,
    official,
    kind: str = ReceptionKind.PERSONAL,
    place_uz: str,
    start_time: time,
    end_time: time,
    weekdays: Iterable[int] | str = (),
    on_date: date | None = None,
    slot_minutes: int = 30,
    capacity: int | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    territory=None,
    notes: str = "",
    publish: bool = False,
    **places,
) -> ReceptionSchedule:
    """A reception schedule for ``official`` (a membership). ``places`` may carry place_uz_cyrl, place_ru,
    place_en. A one-off reception (``on_date``) is valid on that day only."""
    if not permissions.can_manage_for(actor, official):
        raise PermissionDenied(_("You may not keep the reception schedule of this official."))
    today = timezone.localdate()
    unknown = set(places) - {f"place_{lang}" for lang in LANGS[1:]}
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    if territory is None and kind != ReceptionKind.MOBILE:
        territory = official.organisation.territory
    schedule = ReceptionSchedule(
        official=official, organisation=official.organisation, kind=kind, place_uz=place_uz or "",
        weekdays=_weekday_string(weekdays), on_date=on_date, start_time=start_time, end_time=end_time,
        slot_minutes=slot_minutes, capacity=capacity if capacity is not None else DEFAULT_CAPACITY.get(kind, 1),
        valid_from=on_date or valid_from or today, valid_until=on_date or valid_until,
        territory=territory,
        notes=(notes or "").strip(), created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **places,
    )
    _fill_places(schedule)
    _clean(schedule, creating=True, today=today)
    schedule.search_text = schedule.build_search_text()
    schedule.save()
    events.record(action=names.SCHEDULE_CREATED, actor=actor, obj=schedule, organisation=schedule.organisation,
                  payload={"official": official.pk, **_snapshot(schedule)})
    if publish:
        schedule = schedule_publish(actor=actor, schedule=schedule)
    return schedule


@transaction.atomic
def schedule_update(*, actor, schedule: ReceptionSchedule, **changes) -> ReceptionSchedule:
    """Change the rule, place or period. Times not yet booked are prepared again from the new rule; booked
    times stay as they are (the official receives those people), their seats never below those taken."""
    if not permissions.can_manage_schedule(actor, schedule):
        raise PermissionDenied(_("You may not keep the reception schedule of this official."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unexpected arguments: {sorted(unknown)}")
    schedule = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    before = _snapshot(schedule)
    for key, value in changes.items():
        if key == "weekdays":
            value = _weekday_string(value)
        setattr(schedule, key, value)
    if "on_date" in changes and schedule.on_date:
        schedule.valid_from = schedule.valid_until = schedule.on_date
    if schedule.territory_id is None and schedule.kind != ReceptionKind.MOBILE:
        schedule.territory = schedule.organisation.territory
    _fill_places(schedule)
    _clean(schedule, creating=False, today=timezone.localdate())
    schedule.search_text = schedule.build_search_text()
    schedule.updated_at = timezone.now()
    schedule.save()
    after = _snapshot(schedule)
    _refresh_slots(schedule, rule_changed=any(before[k] != after[k] for k in (
        "weekdays", "on_date", "start_time", "end_time", "slot_minutes", "valid_from", "valid_until")))
    events.record(action=names.SCHEDULE_UPDATED, actor=actor, obj=schedule, organisation=schedule.organisation,
                  payload={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return schedule


def _refresh_slots(schedule: ReceptionSchedule, *, rule_changed: bool) -> None:
    now = timezone.now()
    future = schedule.slots.filter(starts_at__gt=now)
    if rule_changed:
        # Times nobody ever booked are derived data: drop them and prepare them again from the new rule.
        future.exclude(Exists(Booking.objects.filter(slot=OuterRef("pk")))).delete()
    future.filter(booked__lte=schedule.capacity).update(capacity=schedule.capacity)
    future.filter(booked__gt=schedule.capacity).update(capacity=F("booked"))
    if schedule.is_published or rule_changed:
        _generate_for(schedule, until=horizon(), now=now)


@transaction.atomic
def schedule_publish(*, actor, schedule: ReceptionSchedule, publish: bool = True) -> ReceptionSchedule:
    """Publish the schedule on the site (Art 9) and prepare its times, or withdraw it from publication.
    Withdrawing keeps the bookings already made; staff cancel them one by one, with a reason, if needed."""
    if not permissions.can_manage_schedule(actor, schedule):
        raise PermissionDenied(_("You may not keep the reception schedule of this official."))
    schedule = ReceptionSchedule.objects.select_for_update().get(pk=schedule.pk)
    if schedule.is_published == publish:
        return schedule
    schedule.is_published = publish
    schedule.published_at = timezone.now() if publish else schedule.published_at
    schedule.save(update_fields=["is_published", "published_at"])
    created = _generate_for(schedule, until=horizon(), now=timezone.now()) if publish else 0
    events.record(action=names.SCHEDULE_PUBLISHED if publish else names.SCHEDULE_UNPUBLISHED, actor=actor,
                  obj=schedule, organisation=schedule.organisation, payload={"slots_created": created})
    return schedule


# --- times -------------------------------------------------------------------------------------------

def _days(schedule: ReceptionSchedule, first: date, last: date) -> list[date]:
    if schedule.on_date:
        return [schedule.on_date] if first <= schedule.on_date <= last else []
    weekdays = set(schedule.weekday_numbers)
    days, day = [], first
    while day <= last:
        if day.isoweekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _generate_for(schedule: ReceptionSchedule, *, until: date, now: datetime) -> int:
    """Create the missing times of ``schedule`` from today to ``until`` on the organisation's working days.
    Idempotent: existing times are kept, and the unique (schedule, start) constraint settles a race."""
    tz = timezone.get_default_timezone()
    first = max(timezone.localdate(now), schedule.valid_from)
    last = min(until, schedule.valid_until) if schedule.valid_until else until
    if last < first:
        return 0
    cal = calendar_for(schedule.organisation)
    step = timedelta(minutes=schedule.slot_minutes)
    existing = set(schedule.slots.filter(date__gte=first, date__lte=last).values_list("starts_at", flat=True))
    missing = []
    for day in _days(schedule, first, last):
        if not cal.is_working_day(day):
            continue
        start = datetime.combine(day, schedule.start_time, tzinfo=tz)
        close = datetime.combine(day, schedule.end_time, tzinfo=tz)
        while start + step <= close:
            if start > now and start not in existing:
                missing.append(ReceptionSlot(schedule=schedule, date=day, starts_at=start, ends_at=start + step,
                                             capacity=schedule.capacity))
            start += step
    if missing:
        ReceptionSlot.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def slots_generate(*, until: date, schedule: ReceptionSchedule | None = None, actor=None, now=None) -> int:
    """Prepare the times of one schedule, or of every published schedule (the nightly task, ``actor`` None),
    up to ``until``. Safe to run any number of times. Returns how many times were created."""
    if schedule is not None and actor is not None and not permissions.can_manage_schedule(actor, schedule):
        raise PermissionDenied(_("You may not keep the reception schedule of this official."))
    now = now or timezone.now()
    schedules = [schedule] if schedule is not None else (
        ReceptionSchedule.objects.published().select_related("organisation").order_by("pk"))
    total = 0
    for item in schedules:
        with transaction.atomic():
            created = _generate_for(item, until=until, now=now)
            if created:
                events.record(action=names.SLOTS_GENERATED, actor=actor, obj=item, organisation=item.organisation,
                              payload={"created": created, "until": until.isoformat()})
        total += created
    return total


# --- bookings ----------------------------------------------------------------------------------------

def _lock_slot(slot: ReceptionSlot) -> ReceptionSlot:
    """Lock the time's row for the rest of the transaction: bookings of one time are serialised (PostgreSQL
    row lock; SQLite takes the database write lock at BEGIN IMMEDIATE)."""
    return (ReceptionSlot.objects.select_for_update(of=("self",))
            .select_related("schedule", "schedule__organisation", "schedule__official__user",
                            "schedule__territory")
            .get(pk=slot.pk))


def when_text(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _details(slot: ReceptionSlot) -> str:
    """Who receives, when and where — rendered under the recipient's language (called inside the override)."""
    schedule = slot.schedule
    text = _("%(official)s, %(position)s, %(organisation)s — %(when)s, %(place)s.") % {
        "official": schedule.official_name, "position": schedule.official.title_display,
        "organisation": schedule.organisation.name, "when": when_text(slot.starts_at), "place": schedule.place}
    if schedule.needs_identity_document:
        text += " " + _("Bring your identity document.")
    return text


def _tell(booking: Booking, *, key: str, subject, body) -> int:
    """The citizen through their channels in their language; a walk-in by SMS in the booking's language."""
    if booking.citizen_id:
        return notify_user(key=key, user=booking.citizen, subject=subject, body=body)
    if not booking.phone:
        return 0
    with translation.override(booking.language or settings.LANGUAGE_CODE):
        s, b = str(subject()), str(body())
    return int(notify(key=f"{key}:walk-in:{Channel.SMS}", channel=Channel.SMS, subject=s, body=b,
                      address=booking.phone, language=booking.language) is not None)


@transaction.atomic
def booking_create(*, actor, slot: ReceptionSlot, topic: str, name: str = "", phone: str = "",
                   now: datetime | None = None) -> Booking:
    """Book a seat. A signed-in person books for themself; reception staff register a visitor by ``name``
    (and phone) — a walk-in, also while the time is running. Refused: a full, past or unpublished time, and a
    second booking of the same person with the same official on the same day."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to book a reception."))
    now = now or timezone.now()
    walk_in = bool((name or "").strip() or (phone or "").strip())
    errors = {}
    topic = " ".join((topic or "").split())
    if not topic:
        errors["topic"] = _("Say briefly what you want to discuss.")
    elif len(topic) > 300:
        errors["topic"] = _("Keep the topic under 300 characters.")
    canonical_phone = ""
    if walk_in:
        name = " ".join((name or "").split())
        if not name:
            errors["name"] = _("Give the visitor's full name.")
        elif len(name) > 200:
            errors["name"] = _("Keep the name under 200 characters.")
        if (phone or "").strip():
            canonical_phone = normalise_phone(phone) or ""
            if not canonical_phone:
                errors["phone"] = _("Enter a phone number like +998 90 123 45 67.")
    slot = _lock_slot(slot)
    schedule = slot.schedule
    if walk_in and not permissions.can_run_desk(actor, schedule):
        raise PermissionDenied(_("Only reception staff may register a visitor."))
    if errors:
        raise ValidationError(errors)
    if not ReceptionSchedule.objects.published().filter(pk=schedule.pk).exists():
        raise ReceptionStateError(_("This reception schedule is not published; it cannot be booked."))
    if walk_in and slot.has_ended(now):
        raise ReceptionStateError(_("This reception time has already passed."))
    if not walk_in and slot.has_started(now):
        raise ReceptionStateError(_("This reception time has already begun or passed; choose a later time."))
    if slot.booked >= slot.capacity:
        raise ReceptionStateError(_("This time is fully booked; choose another time."))
    same_day = Booking.objects.filter(schedule=schedule, day=slot.date).exclude(state=BookingState.CANCELLED)
    if walk_in:
        taken = bool(canonical_phone) and same_day.filter(phone=canonical_phone).exists()
        already = _("A visitor with this phone number is already booked with this official on this day.")
    else:
        taken = same_day.filter(citizen=actor).exists()
        already = _("You already have a booking with this official on this day. Cancel it to choose another "
                    "time.")
    if taken:
        raise ReceptionStateError(already)
    booking = Booking(
        slot=slot, schedule=schedule, day=slot.date, topic=topic, created_by=actor, created_at=now,
        citizen=None if walk_in else actor, name=name if walk_in else "", phone=canonical_phone,
        language=(translation.get_language() or settings.LANGUAGE_CODE) if walk_in
        else (actor.preferred_language or settings.LANGUAGE_CODE),
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:  # the same person booked in a parallel request
        raise ReceptionStateError(already) from None
    ReceptionSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    slot.booked += 1
    events.record(action=names.BOOKED, actor=actor, obj=booking,
                  organisation=schedule.organisation if walk_in else None,
                  payload={"schedule": schedule.pk, "slot": slot.pk, "starts_at": slot.starts_at.isoformat(),
                           "walk_in": walk_in})
    _tell(booking, key=f"reception:booked:{booking.pk}",
          subject=lambda: _("Reception booked: %(when)s") % {"when": when_text(slot.starts_at)},
          body=lambda: _("You are booked for a reception. %(details)s") % {"details": _details(slot)})
    return booking


def _lock_booking(booking: Booking) -> tuple[Booking, ReceptionSlot]:
    slot = _lock_slot(booking.slot)
    locked = Booking.objects.select_for_update(of=("self",)).select_related("citizen").get(pk=booking.pk)
    locked.slot = slot
    locked.schedule = slot.schedule
    return locked, slot


@transaction.atomic
def booking_cancel(*, actor, booking: Booking, reason: str = "", now: datetime | None = None) -> Booking:
    """The citizen cancels their own booking before the reception starts; reception staff cancel any
    booking at any time, giving the reason (the citizen is told it). The seat becomes free again."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to cancel a booking."))
    now = now or timezone.now()
    booking, slot = _lock_booking(booking)
    reason = (reason or "").strip()
    own = permissions.owns_booking(actor, booking)
    desk = permissions.can_run_desk(actor, booking.schedule)
    if own and not slot.has_started(now):
        by_staff = False
    elif desk:
        by_staff = True
        if not reason:
            raise ValidationError({"reason": _("Give the reason for cancelling; the visitor is told it.")})
    elif own:
        raise ReceptionStateError(_("The reception has already begun; the booking can no longer be cancelled."))
    else:
        raise PermissionDenied(_("You may not cancel this booking."))
    if booking.state != BookingState.BOOKED:
        raise ReceptionStateError(_("Only an active booking can be cancelled; this one is “%(state)s”.") % {
            "state": booking.get_state_display()})
    booking.cancel()
    booking.cancelled_at, booking.cancelled_by, booking.cancel_reason = now, actor, reason
    booking.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
    ReceptionSlot.objects.filter(pk=slot.pk).update(booked=F("booked") - 1)
    slot.booked -= 1
    events.record(action=names.CANCELLED, actor=actor, obj=booking,
                  organisation=booking.schedule.organisation if by_staff else None,
                  payload={"schedule": booking.schedule_id, "slot": slot.pk, "by_staff": by_staff,
                           "reason": reason})
    def body() -> str:
        if by_staff:
            return _("Your reception booking was cancelled. Reason: %(reason)s %(details)s") % {
                "reason": reason, "details": _details(slot)}
        return _("You cancelled your reception booking. %(details)s") % {"details": _details(slot)}

    _tell(booking, key=f"reception:cancelled:{booking.pk}",
          subject=lambda: _("Reception booking cancelled: %(when)s") % {"when": when_text(slot.starts_at)}, body=body)
    return booking


@transaction.atomic
def booking_mark(*, actor, booking: Booking, outcome: str, now: datetime | None = None) -> Booking:
    """Reception staff record whether the person came (``attended``) or not (``no_show``)."""
    if not getattr(actor, "is_authenticated", False) or not permissions.can_run_desk(actor, booking.schedule):
        raise PermissionDenied(_("Only reception staff may mark attendance."))
    if outcome not in (BookingState.ATTENDED, BookingState.NO_SHOW):
        raise ValidationError({"outcome": _("Mark the visitor as attended or as not come.")})
    now = now or timezone.now()
    booking, slot = _lock_booking(booking)
    if booking.state != BookingState.BOOKED:
        raise ReceptionStateError(_("This booking is already closed (“%(state)s”).") % {
            "state": booking.get_state_display()})
    if outcome == BookingState.ATTENDED and slot.date > timezone.localdate(now):
        raise ReceptionStateError(_("Attendance can be marked from the day of the reception."))
    if outcome == BookingState.NO_SHOW and not slot.has_started(now):
        raise ReceptionStateError(_("A visitor can be marked as not come only once their time has begun."))
    booking.attend() if outcome == BookingState.ATTENDED else booking.miss()
    booking.marked_at, booking.marked_by = now, actor
    booking.save(update_fields=["state", "marked_at", "marked_by"])
    events.record(action=names.ATTENDED if outcome == BookingState.ATTENDED else names.NO_SHOW, actor=actor,
                  obj=booking, organisation=booking.schedule.organisation,
                  payload={"schedule": booking.schedule_id, "slot": slot.pk})
    return booking


# --- reminders (called by the sweep) -----------------------------------------------------------------

def booking_remind(*, booking: Booking, now: datetime) -> int:
    """The reminder the day before; once per booking and start time (the key), recorded on the booking."""
    slot = booking.slot
    sent = _tell(booking, key=f"reception:reminder:{booking.pk}:{slot.starts_at.isoformat()}",
                 subject=lambda: _("Reminder: reception on %(when)s") % {"when": when_text(slot.starts_at)},
                 body=lambda: _("Reminder of your reception. %(details)s If you cannot come, please cancel the "
                                "booking so that someone else can take the time.") % {"details": _details(slot)})
    booking.reminded_at = now
    booking.save(update_fields=["reminded_at"])
    return sent
