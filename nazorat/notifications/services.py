"""Write a message to the outbox (idempotent by key) and have the worker deliver it after commit.

Callers pass subject/body already translated by ``gettext`` in the recipient's language — use
``for_each_recipient`` / ``notify_*`` which switch the language per recipient."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils import translation

from .models import Channel, Notification


def _enqueue(notification_id: int) -> None:
    from .tasks import deliver_notification

    deliver_notification.enqueue(notification_id)


def notify(*, key: str, channel: str, subject: str, body: str, recipient=None, address: str = "",
           case=None, language: str | None = None) -> Notification | None:
    """Store one message (once per key) and schedule its delivery when the transaction commits."""
    if channel not in Channel.values:
        raise ValueError(channel)
    if not address and recipient is not None:
        address = {"email": recipient.email or "", "sms": recipient.phone or ""}.get(channel, "")
    if channel in (Channel.EMAIL, Channel.SMS) and not address:
        return None
    try:
        with transaction.atomic():
            obj, created = Notification.objects.get_or_create(
                key=key,
                defaults=dict(recipient=recipient, channel=channel, address=address, subject=subject[:255],
                              body=body, case_id=getattr(case, "pk", None),
                              language=language or translation.get_language() or "uz"),
            )
    except IntegrityError:  # a concurrent worker wrote the same key first
        return None
    if created and channel != Channel.INAPP:
        transaction.on_commit(lambda: _enqueue(obj.pk), robust=True)
    return obj if created else None


def channels_for(user) -> list[str]:
    chans = [Channel.INAPP]
    if user.email:
        chans.append(Channel.EMAIL)
    if user.phone and not user.is_staff_member:
        chans.append(Channel.SMS)
    return chans


def notify_user(*, key: str, user, case=None, subject: str | Callable[[], str], body: str | Callable[[], str],
                channels: Iterable[str] | None = None) -> int:
    """One message per channel, rendered in the user's language. ``subject``/``body`` may be
    callables so that gettext runs under the user's language."""
    sent = 0
    lang = user.preferred_language or "uz"
    with translation.override(lang):
        s = subject() if callable(subject) else str(subject)
        b = body() if callable(body) else str(body)
    for channel in channels or channels_for(user):
        if notify(key=f"{key}:{user.pk}:{channel}", channel=channel, subject=s, body=b, recipient=user, case=case,
                  language=lang):
            sent += 1
    return sent


def notify_organisation(*, key: str, organisation, roles: Iterable[str], case=None, subject, body) -> int:
    """Everyone holding one of ``roles`` in the organisation (in-system and e-mail)."""
    from nazorat.orgs.models import Membership

    users = {m.user for m in Membership.objects.active().filter(organisation=organisation, roles__role__in=list(roles))
             .select_related("user")}
    return sum(notify_user(key=key, user=u, case=case, subject=subject, body=body) for u in users)
