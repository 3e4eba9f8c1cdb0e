"""Background delivery of the outbox (django.tasks; run by the huey worker).

A message is claimed in a short transaction, sent outside any transaction (a slow SMTP or SMS gateway
never holds a database lock), then marked sent or failed. Failures are retried with backoff by the
periodic sweep; a message stuck in "sending" (a worker died mid-send) is picked up again later."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .models import DeliveryState, Notification

log = logging.getLogger("nazorat.notifications")
MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=10)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=2 ** max(0, attempts - 1))


@task
def deliver_notification(notification_id: int) -> str:
    return deliver(notification_id)


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True)
             .filter(Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING, last_attempt_at__lt=now - STUCK_AFTER),
                     pk=notification_id).first())
        if n is None:
            return None
        n.state = DeliveryState.SENDING
        n.attempts += 1
        n.last_attempt_at = now
        n.save(update_fields=["state", "attempts", "last_attempt_at"])
        return n


def deliver(notification_id: int) -> str:
    from .channels import SENDERS

    n = _claim(notification_id)
    if n is None:
        return "skipped"
    try:
        SENDERS[n.channel](n)
    except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
        state = DeliveryState.FAILED if n.attempts >= MAX_ATTEMPTS else DeliveryState.PENDING
        Notification.objects.filter(pk=n.pk).update(state=state, last_error=str(exc)[:2000])
        log.warning("delivery of notification %s failed (attempt %s): %s", n.pk, n.attempts, exc)
        return "failed"
    Notification.objects.filter(pk=n.pk).update(state=DeliveryState.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def retry_pending(limit: int = 200) -> int:
    """Deliver what is still pending after its backoff (worker restarts, gateway outages) and what got
    stuck mid-send. Called by the periodic sweep."""
    now = timezone.now()
    candidates = (Notification.objects.filter(Q(state=DeliveryState.PENDING) | Q(state=DeliveryState.SENDING))
                  .exclude(channel="inapp").order_by("created_at").values_list("pk", "attempts", "last_attempt_at",
                                                                                "state")[: limit * 3])
    due = []
    for pk, attempts, last, state in candidates:
        if state == DeliveryState.SENDING and last and last >= now - STUCK_AFTER:
            continue
        if last is None or last <= now - _backoff(attempts):
            due.append(pk)
        if len(due) >= limit:
            break
    return sum(1 for pk in due if deliver(pk) == "sent")
