"""Every read about receptions, given the acting user.

The public sees published schedules of officials in office (Art 9: the schedule is published on the
website) and their times; a schedule's managers and desk staff see theirs published or not; a citizen sees
their own bookings; the desk sees the bookings of the schedules it keeps.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from nazorat.core.search import search
from nazorat.orgs.selectors import StaffScope

from .models import Booking, BookingState, ReceptionSchedule, ReceptionSlot
from .permissions import DESK_ROLES, MANAGER_ROLES

SCHEDULE_RELATED = ("official", "official__user", "organisation", "territory", "territory__parent")


def published_schedules() -> QuerySet[ReceptionSchedule]:
    return ReceptionSchedule.objects.published().select_related(*SCHEDULE_RELATED)


def _scope_q(user, roles) -> Q:
    if getattr(user, "is_superuser", False):
        return Q()
    scope = StaffScope.for_user(user)
    orgs = {m.organisation_id for m in scope.memberships if m.role_codes & roles}
    own = {m.pk for m in scope.memberships}
    return Q(organisation_id__in=orgs) | Q(official_id__in=own)


def schedules_managed_by(user) -> QuerySet[ReceptionSchedule]:
    """Schedules ``user`` may create and change: their own, and those of their body for its managers."""
    if not getattr(user, "is_authenticated", False):
        return ReceptionSchedule.objects.none()
    return (ReceptionSchedule.objects.filter(_scope_q(user, MANAGER_ROLES))
            .filter(official__is_active=True).select_related(*SCHEDULE_RELATED))


def schedules_at_desk(user) -> QuerySet[ReceptionSchedule]:
    """Schedules whose day lists ``user`` keeps (managers and the body's operators)."""
    if not getattr(user, "is_authenticated", False):
        return ReceptionSchedule.objects.none()
    return ReceptionSchedule.objects.filter(_scope_q(user, DESK_ROLES)).select_related(*SCHEDULE_RELATED)


def schedules_visible_to(user) -> QuerySet[ReceptionSchedule]:
    """Published schedules, and the unpublished ones the user keeps."""
    published = ReceptionSchedule.objects.published()
    if not getattr(user, "is_authenticated", False):
        return published.select_related(*SCHEDULE_RELATED)
    return ReceptionSchedule.objects.filter(
        Q(pk__in=published.values("pk")) | Q(pk__in=schedules_at_desk(user).values("pk"))
    ).select_related(*SCHEDULE_RELATED)


def filter_schedules(qs: QuerySet[ReceptionSchedule], *, q: str = "", territory: str = "", organisation=None,
                     official=None, kind: str = "") -> QuerySet[ReceptionSchedule]:
    """The public filters: text (Latin or Cyrillic), territory (a SOATO code and everything under it),
    organisation, official (a membership id), kind."""
    if q:
        qs = search(qs, q)
    if territory:
        qs = qs.filter(territory__code__startswith=territory)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if official:
        qs = qs.filter(official_id=official)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def upcoming_slots(schedule: ReceptionSchedule, *, start: date | None = None, until: date | None = None,
                   now=None) -> QuerySet[ReceptionSlot]:
    """The schedule's times from ``start`` (today by default) that have not begun."""
    now = now or timezone.now()
    qs = schedule.slots.filter(starts_at__gt=now)
    if start:
        qs = qs.filter(date__gte=start)
    if until:
        qs = qs.filter(date__lte=until)
    return qs.order_by("starts_at")


def next_free_slots(schedules, *, per_schedule: int = 3, now=None) -> dict[int, list[ReceptionSlot]]:
    """For a page of schedules, the first ``per_schedule`` times of each with a seat left: one query."""
    ids = [s.pk for s in schedules]
    if not ids:
        return {}
    now = now or timezone.now()
    ranked = (ReceptionSlot.objects.filter(schedule_id__in=ids, starts_at__gt=now, booked__lt=F("capacity"))
              .annotate(rank=Window(RowNumber(), partition_by=[F("schedule_id")], order_by=F("starts_at").asc()))
              .filter(rank__lte=per_schedule).order_by("schedule_id", "starts_at"))
    result: dict[int, list[ReceptionSlot]] = defaultdict(list)
    for slot in ranked:
        result[slot.schedule_id].append(slot)
    return dict(result)


def slot_for(user, pk) -> ReceptionSlot | None:
    """A time of a schedule the user may see, or None."""
    return (ReceptionSlot.objects.filter(pk=pk, schedule__in=schedules_visible_to(user).values("pk"))
            .select_related("schedule", *[f"schedule__{r}" for r in SCHEDULE_RELATED]).first())


def bookings_of(user) -> QuerySet[Booking]:
    """The citizen's own bookings, newest reception first."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    return (Booking.objects.filter(citizen=user)
            .select_related("slot", "schedule", *[f"schedule__{r}" for r in SCHEDULE_RELATED])
            .order_by("-slot__starts_at", "-pk"))


def bookings_visible_to(user) -> QuerySet[Booking]:
    """Own bookings, and those of the schedules the user keeps at the desk."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    return (Booking.objects.filter(Q(citizen=user) | Q(schedule__in=schedules_at_desk(user).values("pk")))
            .select_related("slot", "citizen", "schedule", *[f"schedule__{r}" for r in SCHEDULE_RELATED]))


def day_list(user, schedule: ReceptionSchedule, day: date) -> list[ReceptionSlot]:
    """The desk's list for one day: the times with their bookings (cancelled ones last)."""
    if not schedules_at_desk(user).filter(pk=schedule.pk).exists():
        return []
    slots = list(schedule.slots.filter(date=day).order_by("starts_at"))
    by_slot: dict[int, list[Booking]] = defaultdict(list)
    order = {BookingState.BOOKED: 0, BookingState.ATTENDED: 1, BookingState.NO_SHOW: 2, BookingState.CANCELLED: 3}
    for booking in Booking.objects.filter(slot__in=slots).select_related("citizen").order_by("created_at", "pk"):
        by_slot[booking.slot_id].append(booking)
    for slot in slots:
        slot.day_bookings = sorted(by_slot.get(slot.pk, []), key=lambda b: order.get(b.state, 9))
    return slots


def officials_managed_by(user) -> QuerySet:
    """Memberships whose schedules ``user`` may keep: their own, and everyone in the bodies where they hold a
    managing role (all officials for a superuser)."""
    from nazorat.orgs.models import Membership

    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    qs = Membership.objects.active().select_related("user", "organisation", "organisation__territory")
    if getattr(user, "is_superuser", False):
        return qs.order_by("organisation__path", "position", "user__last_name")
    scope = StaffScope.for_user(user)
    orgs = {m.organisation_id for m in scope.memberships if m.role_codes & MANAGER_ROLES}
    return qs.filter(Q(organisation_id__in=orgs) | Q(user=user)).order_by("organisation__path", "position",
                                                                          "user__last_name")
