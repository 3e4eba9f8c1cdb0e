"""Background delivery of the outbox (django.tasks; run by the huey worker)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import DeliveryState, Notification

log = logging.getLogger("nazorat.notifications")
MAX_ATTEMPTS = 5


@task
def deliver_notification(notification_id: int) -> str:
    return deliver(notification_id)


def deliver(notification_id: int) -> str:
    from .channels import SENDERS

    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True)
             .filter(pk=notification_id, state=DeliveryState.PENDING).first())
        if n is None:
            return "skipped"
        n.attempts += 1
        try:
            SENDERS[n.channel](n)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is recorded and retried
            n.last_error = str(exc)[:2000]
            if n.attempts >= MAX_ATTEMPTS:
                n.state = DeliveryState.FAILED
            n.save(update_fields=["attempts", "last_error", "state"])
            log.warning("delivery of notification %s failed: %s", n.pk, exc)
            return "failed"
        n.state = DeliveryState.SENT
        n.sent_at = timezone.now()
        n.save(update_fields=["attempts", "state", "sent_at"])
        return "sent"


def retry_pending(limit: int = 500) -> int:
    """Deliver what is still pending (worker restarts, gateway outages). Called by the periodic sweep."""
    ids = list(Notification.objects.filter(state=DeliveryState.PENDING).exclude(channel="inapp")
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if deliver(pk) == "sent")
