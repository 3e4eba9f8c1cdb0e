"""Delivery channels. Each backend is configured by settings (see docs/deployment.md)."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    pass


def send_email(notification) -> None:
    send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.address])


class FileSmsBackend:
    """Appends each SMS to a file (the demo's SMS gateway: read var/sms.log)."""

    def send(self, phone: str, text: str) -> None:
        stamp = datetime.now(dt_timezone.utc).isoformat(timespec="seconds")
        with open(settings.NAZORAT_SMS_FILE, "a", encoding="utf-8") as fh:
            fh.write(f"{stamp}\t{phone}\t{text.replace(chr(10), ' ')}\n")


class MemorySmsBackend:
    """Keeps messages in memory (tests read ``MemorySmsBackend.outbox``)."""

    outbox: list[tuple[str, str]] = []
    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            self.outbox.append((phone, text))


class HttpSmsBackend:
    """Posts {"phone", "text"} as JSON to an SMS gateway with a bearer token."""

    def send(self, phone: str, text: str) -> None:
        if not settings.NAZORAT_SMS_GATEWAY_URL:
            raise DeliveryError("NAZORAT_SMS_GATEWAY_URL is not set")
        req = urllib.request.Request(
            settings.NAZORAT_SMS_GATEWAY_URL,
            data=json.dumps({"phone": phone, "text": text}).encode(),
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {settings.NAZORAT_SMS_GATEWAY_TOKEN}"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - configured gateway URL
            if resp.status >= 300:
                raise DeliveryError(f"gateway answered {resp.status}")


def send_sms(notification) -> None:
    backend = import_string(settings.NAZORAT_SMS_BACKEND)()
    text = notification.subject if not notification.body else f"{notification.subject}. {notification.body}"
    backend.send(notification.address, text[:480])


def send_telegram(notification) -> None:
    token = settings.NAZORAT_TELEGRAM_BOT_TOKEN
    if not token:
        raise DeliveryError("NAZORAT_TELEGRAM_BOT_TOKEN is not set")
    req = urllib.request.Request(
        f"https://api.telegram.org/bot{token}/sendMessage",
        data=json.dumps({"chat_id": notification.address,
                         "text": f"{notification.subject}\n{notification.body}"}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(req, timeout=10):  # noqa: S310
        pass


SENDERS = {"email": send_email, "sms": send_sms, "telegram": send_telegram}
