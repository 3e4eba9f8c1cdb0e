"""``manage.py load_territories [--file PATH]`` — refresh regions and districts/cities from the shipped
reference file after it was rebuilt with ``scripts/build_territories.py``. Idempotent."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from nazorat.core import events
from nazorat.territories.loading import DATA_FILE, load_territories
from nazorat.territories.models import Territory


class Command(BaseCommand):
    help = "Create or update regions and districts/cities from the territory reference file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE,
                            help="reference JSON (default: nazorat/territories/data/territories.json)")

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        with transaction.atomic():
            result = load_territories(model=Territory, path=file)
            if result.created or result.updated:
                events.record(action="territory.reference_loaded", actor=None,
                              payload={**result.as_dict(), "file": file.name})
        self.stdout.write(self.style.SUCCESS(
            _("Territories: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % result.as_dict()
        ))
