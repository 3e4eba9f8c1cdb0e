"""``manage.py import_organisations FILE.csv [--actor USERNAME] [--dry-run]`` — create organisations
from a CSV (parents before their subordinate bodies); all rows or none. See docs/imports.md."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nazorat.orgs.imports import import_organisations
from nazorat.territories.csvio import ImportResult
from nazorat.territories.management.csvcommand import CsvImportCommand


class Command(CsvImportCommand):
    help = "Import organisations from a CSV file; if any row is bad, report every problem and import nothing."

    import_service = staticmethod(import_organisations)

    def describe_success(self, result: ImportResult) -> str:
        return _("%(count)s organisations created.") % {"count": result.created}
