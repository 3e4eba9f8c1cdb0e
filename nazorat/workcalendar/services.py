"""Every write to the calendar overrides. Each validates, saves and writes an audit event; saving or
deleting a row clears the in-process calendar cache (the receiver in ``calendar.py``), so the next deadline
computed in this process already counts the change."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nazorat.core import events
from nazorat.core.text import to_cyrillic

from .models import CalendarOverride

TRANSLATED_NAMES = frozenset({"name_uz_cyrl", "name_ru", "name_en"})
EDITABLE_FIELDS = frozenset({"date", "kind", "work_week", "name_uz", "legal_basis"}) | TRANSLATED_NAMES


@transaction.atomic
def override_create(
    *,
    actor,
    date: datetime.date,
    kind: str,
    work_week: int,
    name_uz: str,
    legal_basis: str,
    **names: str,
) -> CalendarOverride:
    """Record a decree's day off or working day. ``names`` may carry name_uz_cyrl, name_ru, name_en; the
    Cyrillic name is transliterated from the Latin one when not given.

    Refuses (ValidationError) a second override for the same date and regime: the existing row must be
    changed instead, so the calendar never depends on which of two rows is read first.
    """
    unknown = set(names) - TRANSLATED_NAMES
    if unknown:
        raise TypeError(f"override_create() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    override = CalendarOverride(
        date=date, kind=kind, work_week=work_week, name_uz=(name_uz or "").strip(),
        legal_basis=(legal_basis or "").strip(), created_by=_user_or_none(actor),
        **{field: (value or "").strip() for field, value in names.items()},
    )
    if not override.name_uz_cyrl:
        override.name_uz_cyrl = to_cyrillic(override.name_uz)
    _validate(override)
    override.save()
    events.record(action="calendar.override_created", actor=actor, obj=override, payload=_snapshot(override))
    return override


@transaction.atomic
def override_update(*, actor, override: CalendarOverride, **fields: Any) -> CalendarOverride:
    """Correct an override (date, kind, regime, names, legal basis); the event keeps old and new values.

    The old values are read from the database, so a caller that already put the new values on the instance
    (the admin's form does) is recorded correctly too.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"override_update() got unexpected keyword arguments: {', '.join(sorted(unknown))}")
    before = _snapshot(CalendarOverride.objects.select_for_update().get(pk=override.pk))
    for field, value in fields.items():
        setattr(override, field, value.strip() if isinstance(value, str) else value)
    # A Cyrillic name that was transliterated follows a renamed Latin one; one typed by hand is kept.
    if "name_uz_cyrl" not in fields and before["name_uz_cyrl"] == to_cyrillic(before["name_uz"]):
        override.name_uz_cyrl = to_cyrillic(override.name_uz)
    _validate(override)
    override.save()
    after = _snapshot(override)
    changes = {field: [before[field], after[field]] for field in after if before[field] != after[field]}
    if changes:
        events.record(action="calendar.override_changed", actor=actor, obj=override, payload={"changes": changes})
    return override


@transaction.atomic
def override_delete(*, actor, override: CalendarOverride) -> None:
    """Remove an override entered in error; the event keeps what it said."""
    events.record(action="calendar.override_deleted", actor=actor, obj=override, payload=_snapshot(override))
    override.delete()


def _validate(override: CalendarOverride) -> None:
    if not override.name_uz:
        raise ValidationError({"name_uz": _("The name in Uzbek is required.")})
    # Field checks and the (date, work_week) uniqueness, with the model's translated message.
    override.full_clean()


def _snapshot(override: CalendarOverride) -> dict[str, Any]:
    return {
        "date": override.date.isoformat(),
        "kind": override.kind,
        "work_week": override.work_week,
        "name_uz": override.name_uz,
        "name_uz_cyrl": override.name_uz_cyrl or "",
        "name_ru": override.name_ru or "",
        "name_en": override.name_en or "",
        "legal_basis": override.legal_basis,
    }


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
