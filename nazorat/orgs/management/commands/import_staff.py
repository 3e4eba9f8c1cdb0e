"""``manage.py import_staff FILE.csv [--actor USERNAME] [--dry-run]`` — create staff accounts with their
membership (organisation, unit, position, roles) from a CSV; all rows or none. See docs/imports.md."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nazorat.orgs.imports import import_staff
from nazorat.territories.csvio import ImportResult
from nazorat.territories.management.csvcommand import CsvImportCommand


class Command(CsvImportCommand):
    help = "Import staff from a CSV file; if any row is bad, report every problem and import nothing."

    import_service = staticmethod(import_staff)

    def describe_success(self, result: ImportResult) -> str:
        return _("%(people)s staff accounts created, %(units)s units created.") % {
            "people": result.created, "units": result.details.get("units_created", 0)}
