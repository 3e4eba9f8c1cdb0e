"""The shared shape of the CSV import commands (mahallas, organisations, staff): read the file, resolve
``--actor``, call the import service, print every problem or the counts. A bad file ends with a
``CommandError`` (exit status 1) after the full report, so a script running the import notices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nazorat.territories.csvio import ImportResult


class CsvImportCommand(BaseCommand):
    """Subclasses set ``help`` and ``import_service`` (the service that validates and imports)."""

    import_service: Callable[..., ImportResult]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path, help="the CSV file (UTF-8; ',' or ';' delimited; header required)")
        parser.add_argument("--actor", help="username recorded as the importing person in the audit log")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")

    def describe_success(self, result: ImportResult) -> str:
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": result.created, "updated": result.updated, "unchanged": result.unchanged}

    def handle(self, *args, csv: Path, actor: str | None, dry_run: bool, **options) -> None:
        if not csv.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": csv})
        actor_user = self._actor(actor)
        result = type(self).import_service(data=csv.read_bytes(), file_name=csv.name, actor=actor_user, dry_run=dry_run)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            raise CommandError(
                _("%(count)s problem(s) found in %(file)s; nothing was imported.") % {
                    "count": len(result.errors), "file": csv.name}
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS(
                _("%(file)s is valid (%(rows)s rows); nothing was written (dry run).") % {
                    "file": csv.name, "rows": result.details.get("rows", 0)}))
            return
        self.stdout.write(self.style.SUCCESS(self.describe_success(result)))

    @staticmethod
    def _actor(username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(_("No user with the login name %(username)s.") % {"username": username})
        return user
