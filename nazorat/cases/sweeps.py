"""Idempotent periodic sweeps over what waits on whom (run by the worker every few minutes).

Reminders before a deadline and escalations after it are sent once per work item and deadline: the
notification key carries the deadline, the work item keeps ``reminded_at``/``escalated_at``, and rows
are claimed with SELECT … FOR UPDATE SKIP LOCKED so several workers never double-send. Overdue itself
is never stored: it is derived from the deadline and the state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from nazorat.core import events
from nazorat.notifications.services import notify_user
from nazorat.orgs.models import Membership

from .models import WorkItem

BATCH = 200
log = logging.getLogger("nazorat.sweeps")


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    failures: int = 0


class _People:
    """Memberships of the organisations in one batch, loaded once (no query per work item)."""

    def __init__(self, items: list[WorkItem]):
        org_ids = {i.organisation_id for i in items if i.organisation_id}
        org_ids |= {i.assignment.organisation_id for i in items if i.assignment_id}
        self.by_org: dict[int, list[Membership]] = {}
        for m in (Membership.objects.active().filter(organisation_id__in=org_ids)
                  .select_related("user").prefetch_related("roles")):
            self.by_org.setdefault(m.organisation_id, []).append(m)

    def addressees(self, item: WorkItem):
        if item.person_id:
            return [item.person]
        members = self.by_org.get(item.organisation_id, [])
        if item.role:
            members = [m for m in members if item.role in m.role_codes]
        return list({m.user_id: m.user for m in members}.values())

    def heads(self, item: WorkItem):
        org_id = item.organisation_id or (item.assignment.organisation_id if item.assignment_id else None)
        return [m.user for m in self.by_org.get(org_id, []) if m.position == "head"]


def _when(dt) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(dt), "SHORT_DATETIME_FORMAT")


def _remind(item: WorkItem, people: _People, now) -> int:
    sent = 0
    number, title, due = item.case.number, item.case.title, item.due_at
    for user in people.addressees(item):
        sent += notify_user(
            key=f"reminder:{item.pk}:{due.isoformat()}", user=user, case=item.case,
            subject=lambda: _("Deadline approaching: %(number)s") % {"number": number},
            body=lambda: _("%(title)s — due %(due)s.") % {"title": title, "due": _when(due)},
        )
    item.reminded_at = now
    item.save(update_fields=["reminded_at"])
    return sent


def _escalate(item: WorkItem, people: _People, now) -> int:
    sent = 0
    number, title, due = item.case.number, item.case.title, item.due_at
    recipients = {u.pk: u for u in people.addressees(item) + people.heads(item)}
    for user in recipients.values():
        sent += notify_user(
            key=f"overdue:{item.pk}:{due.isoformat()}", user=user, case=item.case,
            subject=lambda: _("Overdue: %(number)s") % {"number": number},
            body=lambda: _("%(title)s — the deadline %(due)s has passed.") % {"title": title, "due": _when(due)},
        )
    item.escalated_at = now
    item.save(update_fields=["escalated_at"])
    events.record(action="workitem.overdue", actor=None, obj=item, case=item.case, at=now,
                  payload={"action": item.action, "due_at": due.isoformat(), "organisation": item.organisation_id})
    return sent


def _run(queryset, handle, now) -> tuple[int, int]:
    """Claim batches with SKIP LOCKED; one failing item is logged and skipped (its own savepoint), never
    stalling the rest. Returns (messages, failures)."""
    sent = failures = 0
    seen: set[int] = set()
    while True:
        with transaction.atomic():
            batch = list(queryset.exclude(pk__in=seen).select_for_update(skip_locked=True, of=("self",))
                         .select_related("case", "person", "assignment").order_by("due_at")[:BATCH])
            people = _People(batch)
            for item in batch:
                seen.add(item.pk)
                try:
                    with transaction.atomic():
                        sent += handle(item, people, now)
                except Exception:  # noqa: BLE001 - logged; the item is retried on the next sweep
                    failures += 1
                    log.exception("sweep failed on work item %s", item.pk)
        if len(batch) < BATCH:
            return sent, failures


def sweep_deadlines(now=None) -> SweepResult:
    now = now or timezone.now()
    window = timedelta(hours=settings.NAZORAT_REMINDER_BEFORE_HOURS)
    open_items = WorkItem.objects.open().filter(due_at__isnull=False)
    reminders, f1 = _run(open_items.filter(reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + window),
                         _remind, now)
    escalations, f2 = _run(open_items.filter(escalated_at__isnull=True, due_at__lte=now), _escalate, now)
    return SweepResult(reminders=reminders, escalations=escalations, failures=f1 + f2)
