"""The one search interface every selector uses (R-E2): folded-key substring matching.

Rows keep a ``search_text`` column holding ``build_search_text(...)`` of their searchable fields; a query is
folded the same way (``nazorat.core.text.fold``), so Cyrillic finds Latin, any apostrophe finds any other, and
case does not matter. Plain ``icontains`` keeps it identical on SQLite and PostgreSQL and needs no search
index; swap the body of ``search`` for FTS or trigram lookups later without touching callers.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from .text import fold

__all__ = ["MAX_TOKENS", "build_search_text", "search"]

# Each token is one LIKE over the column; past a handful they add cost, not precision.
MAX_TOKENS = 8

_M = TypeVar("_M", bound=Model)


def search(queryset: QuerySet[_M], query: str | None, field: str = "search_text") -> QuerySet[_M]:
    """Rows whose folded ``field`` contains every token of the folded ``query``.

    A query with no letters or digits (empty, blanks, ``%``, ``_``) leaves the queryset unchanged. LIKE
    wildcards never reach SQL as wildcards: ``fold`` turns them into separators, and Django escapes whatever
    ``icontains`` receives anyway.
    """
    tokens = list(dict.fromkeys(fold(query or "").split()))[:MAX_TOKENS]
    if not tokens:
        return queryset
    condition = Q()
    for token in tokens:
        condition &= Q(**{f"{field}__icontains": token})
    return queryset.filter(condition)


def build_search_text(*values: object) -> str:
    """The ``search_text`` value for a row: the folded non-empty values, space-separated."""
    return fold(" ".join(str(value) for value in values if value not in (None, "")))
