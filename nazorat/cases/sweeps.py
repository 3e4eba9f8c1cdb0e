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
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nazorat.core import events
from nazorat.notifications.services import notify_user
from nazorat.orgs.models import Membership

from .models import WorkItem

BATCH = 200


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0


def _addressees(item: WorkItem):
    if item.person_id:
        return [item.person]
    qs = Membership.objects.active().filter(organisation_id=item.organisation_id).select_related("user")
    if item.role:
        qs = qs.filter(roles__role=item.role)
    return list({m.user for m in qs})


def _heads(item: WorkItem):
    org_id = item.organisation_id or (item.assignment.organisation_id if item.assignment_id else None)
    if org_id is None:
        return []
    return [m.user for m in Membership.objects.active().filter(organisation_id=org_id, position="head")
            .select_related("user")]


def _when(dt) -> str:
    return timezone.localtime(dt).strftime("%d.%m.%Y %H:%M")


def sweep_deadlines(now=None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    window = timedelta(hours=settings.NAZORAT_REMINDER_BEFORE_HOURS)
    while True:
        with transaction.atomic():
            batch = list(
                WorkItem.objects.open()
                .filter(due_at__isnull=False, reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + window)
                .select_for_update(skip_locked=True, of=("self",)).select_related("case", "person")
                .order_by("due_at")[:BATCH]
            )
            for item in batch:
                for user in _addressees(item):
                    with translation.override(user.preferred_language or "uz"):
                        result.reminders += notify_user(
                            key=f"reminder:{item.pk}:{item.due_at.isoformat()}", user=user, case=item.case,
                            subject=lambda: _("Deadline approaching: %(number)s") % {"number": item.case.number},
                            body=lambda: _("%(title)s — due %(due)s.") % {"title": item.case.title,
                                                                         "due": _when(item.due_at)},
                        )
                item.reminded_at = now
                item.save(update_fields=["reminded_at"])
        if len(batch) < BATCH:
            break
    while True:
        with transaction.atomic():
            batch = list(
                WorkItem.objects.open()
                .filter(due_at__isnull=False, escalated_at__isnull=True, due_at__lte=now)
                .select_for_update(skip_locked=True, of=("self",)).select_related("case", "person", "assignment")
                .order_by("due_at")[:BATCH]
            )
            for item in batch:
                recipients = {u.pk: u for u in _addressees(item) + _heads(item)}
                for user in recipients.values():
                    result.escalations += notify_user(
                        key=f"overdue:{item.pk}:{item.due_at.isoformat()}", user=user, case=item.case,
                        subject=lambda: _("Overdue: %(number)s") % {"number": item.case.number},
                        body=lambda: _("%(title)s — the deadline %(due)s has passed.") % {
                            "title": item.case.title, "due": _when(item.due_at)},
                    )
                item.escalated_at = now
                item.save(update_fields=["escalated_at"])
                events.record(action="workitem.overdue", actor=None, obj=item, case=item.case, at=now,
                              payload={"action": item.action, "due_at": item.due_at.isoformat(),
                                       "organisation": item.organisation_id})
        if len(batch) < BATCH:
            break
    return result
