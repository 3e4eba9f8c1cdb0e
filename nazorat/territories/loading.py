"""Load the shipped territory reference file (``data/territories.json``) into the database.

One function serves two callers: the data migration ``0002_load_territories`` (with the *historical*
model, which has neither the model's ``save()`` nor modeltranslation's descriptors) and the
``load_territories`` command that refreshes the table after the file is rebuilt. Hence the model is a
parameter and ``search_text`` is computed here rather than left to ``Territory.save``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "territories.json"
NAME_FIELDS = ("name_uz", "name_uz_cyrl", "name_ru", "name_en")
_VALUE_FIELDS = ("level", "kind", "parent_id", *NAME_FIELDS)


@dataclass
class LoadResult:
    """What a load changed; ``unchanged`` rows were already identical and were not written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def read_reference_data(path: Path = DATA_FILE) -> list[dict[str, Any]]:
    """The rows of the reference file, parents before children (sorted by code: "1703" < "1703202")."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return sorted(document["territories"], key=lambda row: row["code"])


def search_text_for(names: dict[str, str | None]) -> str:
    """The same folded text ``Territory.save`` stores, so rows loaded by the migration are searchable."""
    from nazorat.core.text import fold

    return fold(" ".join(names[f] for f in NAME_FIELDS if names.get(f)))


def _uses_modeltranslation(model: type) -> bool:
    """True for the live model, False for a migration's historical one (which has a plain ``name``)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        translator.get_options_for_model(model)
    except NotRegistered:
        return False
    return True


def load_territories(*, model: type, path: Path = DATA_FILE) -> LoadResult:
    """Create or update every row of the reference file by SOATO code; idempotent.

    Rows present in the database but absent from the file (mahallas, or a district abolished since)
    are left alone: organisations and cases point at them and nothing is ever deleted.
    """
    rows = read_reference_data(path)
    translated = _uses_modeltranslation(model)
    existing = {t.code: t for t in model.objects.filter(code__in=[r["code"] for r in rows])}
    result = LoadResult()
    for row in rows:
        values = {
            "level": row["level"], "kind": row["kind"], "parent_id": row["parent"],
            **{f: row[f] for f in NAME_FIELDS},
        }
        obj = existing.get(row["code"])
        if obj is not None and all(getattr(obj, f) == values[f] for f in _VALUE_FIELDS) and obj.is_active:
            result.unchanged += 1
            continue
        if obj is None:
            obj = model(code=row["code"])
            result.created += 1
        else:
            result.updated += 1
        for field_name, value in values.items():
            setattr(obj, field_name, value)
        obj.is_active = True
        if not translated:
            obj.name = row["name_uz"]  # the historical model's plain column; the live one is kept by modeltranslation
        obj.search_text = search_text_for(values)
        obj.save()
    return result
