"""Mahalla import (R-E1): neither public data set has mahallas, so administrators load them from a CSV.

The contract, shared with the organisation and staff imports: every row is validated first; if any row
is bad, the result lists every problem with its line number and *nothing* is written; otherwise all rows
are written in one transaction and one audit event records who imported which file. The command
``import_mahallas`` and a future admin upload page both call ``import_mahallas`` here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from nazorat.core import events

from .csvio import ImportResult, read_csv
from .loading import LoadResult
from .models import Kind, Level, Territory
from .names import normalise_cyrillic, normalise_uz_latin

MAHALLA_REQUIRED = ("code", "district_code", "name_uz")
MAHALLA_OPTIONAL = ("name_uz_cyrl", "name_ru", "name_en")
NAME_MAX_LENGTH = 200

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class MahallaRow:
    """A validated mahalla, ready to write."""

    code: str
    district_code: str
    name_uz: str
    name_uz_cyrl: str
    name_ru: str
    name_en: str


def _validate_rows(rows) -> tuple[list[MahallaRow], list[tuple[int, str]]]:
    from nazorat.core.text import to_cyrillic

    errors: list[tuple[int, str]] = []
    district_codes = {r["district_code"] for r in rows}
    districts = set(Territory.objects.filter(code__in=district_codes, level=Level.DISTRICT)
                    .values_list("code", flat=True))
    existing = {t.code: t for t in Territory.objects.filter(code__in={r["code"] for r in rows})}
    first_line_of: dict[str, int] = {}
    valid: list[MahallaRow] = []
    for row in rows:
        line, problems = row.line, []
        code, district_code = row["code"], row["district_code"]
        if not (code.isdigit() and len(code) == 10):
            problems.append(_("mahalla code '%(code)s' must have 10 digits") % {"code": code})
        if not (district_code.isdigit() and len(district_code) == 7):
            problems.append(_("district code '%(code)s' must have 7 digits") % {"code": district_code})
        else:
            if district_code not in districts:  # seven digits can only be a district or city
                problems.append(_("district '%(code)s' not found") % {"code": district_code})
            if code and not code.startswith(district_code):
                problems.append(_("mahalla code '%(code)s' does not start with its district code '%(district)s'")
                                % {"code": code, "district": district_code})
        if code in first_line_of:
            problems.append(_("code '%(code)s' is already used on line %(line)s") % {
                "code": code, "line": first_line_of[code]})
        elif code:
            first_line_of[code] = line
        if code in existing and existing[code].level != Level.MAHALLA:
            problems.append(_("code '%(code)s' belongs to an existing %(level)s") % {
                "code": code, "level": existing[code].get_level_display()})
        name_uz = normalise_uz_latin(row["name_uz"])
        if not name_uz:
            problems.append(_("the name in Uzbek (Latin), name_uz, is empty"))
        elif _CYRILLIC.search(name_uz):
            problems.append(_("name_uz must be in Latin script; put the Cyrillic name in name_uz_cyrl"))
        names = {
            "name_uz": name_uz,
            "name_uz_cyrl": normalise_cyrillic(row["name_uz_cyrl"]) or (to_cyrillic(name_uz) if name_uz else ""),
            "name_ru": normalise_cyrillic(row["name_ru"]),
            "name_en": row["name_en"].strip(),
        }
        for column, value in names.items():
            if len(value) > NAME_MAX_LENGTH:
                problems.append(_("%(column)s is longer than %(max)s characters") % {
                    "column": column, "max": NAME_MAX_LENGTH})
        if problems:
            errors.extend((line, p) for p in problems)
        else:
            valid.append(MahallaRow(code=code, district_code=district_code, **names))
    return valid, errors


def upsert_mahallas(rows: Iterable[MahallaRow]) -> LoadResult:
    """Create or update mahallas by code; rows already identical are not written. Call inside a
    transaction; the rows must be valid (``_validate_rows`` or the demo generator guarantee it)."""
    rows = list(rows)
    existing = Territory.objects.in_bulk([r.code for r in rows])
    result = LoadResult()
    for row in rows:
        values = {
            "level": Level.MAHALLA, "kind": Kind.MAHALLA, "parent_id": row.district_code, "is_active": True,
            "name_uz": row.name_uz, "name_uz_cyrl": row.name_uz_cyrl, "name_ru": row.name_ru,
            "name_en": row.name_en,
        }
        obj = existing.get(row.code)
        if obj is not None and all((getattr(obj, k) or "") == v for k, v in values.items()):
            result.unchanged += 1
            continue
        if obj is None:
            obj = Territory(code=row.code)
            result.created += 1
        else:
            result.updated += 1
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
    return result


def import_mahallas(*, data: bytes | str, file_name: str, actor=None, dry_run: bool = False) -> ImportResult:
    """Validate and import a mahalla CSV (columns ``code,district_code,name_uz,name_uz_cyrl,name_ru,
    name_en``). With ``dry_run`` only validation runs. Returns counts, or the problems and no changes."""
    table = read_csv(data, required=MAHALLA_REQUIRED, optional=MAHALLA_OPTIONAL)
    result = ImportResult(errors=list(table.errors), dry_run=dry_run)
    if table.errors:
        return result
    rows, errors = _validate_rows(table.rows)
    result.details["rows"] = len(table.rows)
    if errors:
        result.errors = errors
        return result
    if dry_run:
        return result
    with transaction.atomic():
        counts = upsert_mahallas(rows)
        events.record(action="territory.mahallas_imported", actor=actor,
                      payload={**counts.as_dict(), "rows": len(rows), "file": file_name})
    result.created, result.updated, result.unchanged = counts.created, counts.updated, counts.unchanged
    return result
