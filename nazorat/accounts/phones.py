"""Uzbek phone numbers in one canonical form: +998XXXXXXXXX."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D+")


def normalise_phone(value: str) -> str | None:
    """Return +998XXXXXXXXX for an Uzbek mobile or landline number typed in any usual way, else None."""
    if not value:
        return None
    raw = value.strip()
    if not re.fullmatch(r"[+\d\s()\-]{7,20}", raw):
        return None
    digits = _DIGITS.sub("", raw)
    if len(digits) == 9:
        digits = "998" + digits
    if len(digits) == 12 and digits.startswith("998"):
        return "+" + digits
    return None
