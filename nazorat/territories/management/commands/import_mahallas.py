"""``manage.py import_mahallas FILE.csv [--actor USERNAME] [--dry-run]`` — load mahallas from a CSV
(``code,district_code,name_uz,name_uz_cyrl,name_ru,name_en``); all rows or none. See docs/imports.md."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nazorat.territories.csvio import ImportResult
from nazorat.territories.imports import import_mahallas
from nazorat.territories.management.csvcommand import CsvImportCommand


class Command(CsvImportCommand):
    help = "Import mahallas from a CSV file; if any row is bad, report every problem and import nothing."

    import_service = staticmethod(import_mahallas)

    def describe_success(self, result: ImportResult) -> str:
        return _("Mahallas: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged}
