"""The one write of the discipline register (R-A9): recording a disciplinary measure taken against an executor or
a head listed for a week (docs/execution-reports.md). Measures are never edited or deleted: a wrong entry is
corrected by recording another one with the grounds.

Who records: the head, the first deputy or the control group (or an administrator) of the person's body, or of
a body above it — a regional hokimlik takes measures against the heads of its districts
(``permissions.can_record_measures`` on the body or one of its ancestors).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from nazorat.cases.models import Assignment, AssignmentState
from nazorat.core import events
from nazorat.orgs.models import Membership, Organisation

from . import permissions
from .models import DisciplinaryMeasure, MeasureKind, Task


def _ancestor_ids(organisation: Organisation) -> list[int]:
    """The body itself and every body above it, nearest first (from the materialised path)."""
    return [int(p) for p in reversed(organisation.path.strip("/").split("/")) if p]


def can_record_for(user, organisation: Organisation) -> bool:
    """True when the user may record measures against people of ``organisation``: the predicate holds for the
    body or one of the bodies above it. No query (the predicate reads the user's cached memberships)."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return any(permissions.can_record_measures(user, Organisation(pk=pk)) for pk in _ancestor_ids(organisation))


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _as_week(value, errors: dict) -> date | None:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value or ""))
        except ValueError:
            errors["week"] = _("Enter the week as the date of its Monday (YYYY-MM-DD).")
            return None
    if value.weekday() != 0:
        errors["week"] = _("The week is given by its Monday.")
        return None
    if value > week_of(timezone.localdate()):
        errors["week"] = _("A measure cannot be recorded for a week that has not begun.")
        return None
    return value


@transaction.atomic
def measure_record(*, actor, organisation: Organisation, person, week, kind: str, note: str,
                   tasks: Iterable = ()) -> DisciplinaryMeasure:
    """Record a measure taken against ``person`` of ``organisation`` for the register's ``week`` (its Monday),
    with the grounds and the tasks concerned (tasks of the body or of bodies under it)."""
    if organisation is None or not can_record_for(actor, organisation):
        raise PermissionDenied(_("Only the head, the first deputy or the control group of the body (or of a body "
                                 "above it) records disciplinary measures."))
    errors: dict = {}
    if kind not in MeasureKind.values:
        errors["kind"] = _("Choose the measure.")
    note = (note or "").strip()
    if len(note) < 5:
        errors["note"] = _("Write the grounds for the measure (at least 5 characters).")
    week_day = _as_week(week, errors)
    if person is None or not Membership.objects.active().filter(user=person, organisation=organisation).exists():
        errors["person"] = _("The person is not a member of this body.")
    task_ids = set()
    for t in tasks or ():
        try:
            task_ids.add(int(getattr(t, "pk", t)))
        except (TypeError, ValueError):
            errors["tasks"] = _("Choose tasks from the list.")
    found = []
    if task_ids and "tasks" not in errors:
        of_body = Assignment.objects.filter(case=OuterRef("case"), organisation__path__startswith=organisation.path
                                            ).exclude(state=AssignmentState.CANCELLED)
        found = list(Task.objects.filter(pk__in=task_ids).filter(Exists(of_body)))
        if len(found) != len(task_ids):
            errors["tasks"] = _("Choose only tasks given to this body.")
    if errors:
        raise ValidationError(errors)
    measure = DisciplinaryMeasure.objects.create(organisation=organisation, person=person, week=week_day, kind=kind,
                                                 note=note, recorded_by=actor)
    if found:
        measure.tasks.set(found)
    events.record(action="measure.recorded", actor=actor, obj=measure, organisation=organisation,
                  payload={"person": person.pk, "week": week_day.isoformat(), "kind": kind,
                           "tasks": sorted(t.pk for t in found)})
    return measure
