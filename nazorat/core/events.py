"""The one writer of the event log. Services call ``record`` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from .middleware import current_request_context
from .models import Event


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    case=None,
    payload: dict[str, Any] | None = None,
    is_public: bool = False,
    organisation=None,
    at=None,
) -> Event:
    """Append one event. ``actor`` may be None for the system (worker sweeps, anonymous citizens).

    The actor's position and organisation are snapshotted from their primary membership (or the
    membership in ``organisation`` when given), so the record stays true after people move on.
    """
    ctx = current_request_context()
    object_type, object_id = _object_ref(obj if obj is not None else case)
    position = ""
    actor_org = organisation
    actor_name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_name = actor.get_full_name() or actor.get_username()
        membership = None
        try:
            from nazorat.orgs.selectors import membership_for

            membership = membership_for(actor, organisation=organisation)
        except Exception:  # noqa: BLE001 - an audit row is never lost for lack of a membership
            membership = None
        if membership is not None:
            position = membership.title_display
            actor_org = membership.organisation
    else:
        actor = None
    return Event.objects.create(
        occurred_at=at or timezone.now(),
        actor=actor,
        actor_name=actor_name[:255],
        actor_position=position[:255],
        actor_organisation=actor_org,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=getattr(case, "pk", None) if case is not None else None,
        payload=payload or {},
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
        is_public=is_public,
    )


# Human-readable, translated names of event actions; each app's events.py adds its own.
LABELS: dict[str, object] = {}


def register_labels(labels: dict[str, object]) -> None:
    LABELS.update(labels)


def label_for(action: str) -> str:
    label = LABELS.get(action)
    return str(label) if label is not None else action
