"""Throttling of failed logins per identifier and client address, kept in the shared cache (database or
Redis), so every web process sees the same counts.

A fixed window opens at the first failure; after ``NAZORAT_LOGIN_FAILURE_LIMIT`` failures (10) inside
``NAZORAT_LOGIN_FAILURE_WINDOW`` seconds (15 minutes) further attempts for that identifier from that
address are refused without checking the password until the window ends. A successful login clears it.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

from .phones import normalise_phone


def limit() -> int:
    return int(getattr(settings, "NAZORAT_LOGIN_FAILURE_LIMIT", 10))


def window() -> int:
    return int(getattr(settings, "NAZORAT_LOGIN_FAILURE_WINDOW", 15 * 60))


def _normal_identifier(identifier: str) -> str:
    identifier = (identifier or "").strip()
    return normalise_phone(identifier) or identifier.lower()


def _key(identifier: str, ip: str | None) -> str:
    raw = f"{_normal_identifier(identifier)}|{ip or '-'}"
    return "nazorat:login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def seconds_locked(identifier: str, ip: str | None) -> int:
    """Seconds until this identifier may try again from this address; 0 when not locked."""
    entry = cache.get(_key(identifier, ip))
    if not entry:
        return 0
    count, reset_at = entry
    remaining = reset_at - time.time()
    if count >= limit() and remaining > 0:
        return math.ceil(remaining)
    return 0


def register_failure(identifier: str, ip: str | None) -> int:
    """Count one failed attempt; returns the number of failures in the current window."""
    key = _key(identifier, ip)
    now = time.time()
    entry = cache.get(key)
    if not entry or entry[1] <= now:
        entry = (0, now + window())
    count = entry[0] + 1
    cache.set(key, (count, entry[1]), timeout=max(1, math.ceil(entry[1] - now)))
    return count


def reset(identifier: str, ip: str | None) -> None:
    cache.delete(_key(identifier, ip))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
