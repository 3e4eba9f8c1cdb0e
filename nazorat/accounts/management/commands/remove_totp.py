"""Remove a person's two-step verification devices (lost phone), when the web administration is not at
hand, e.g. for the only administrator. The person sets up a new device at the next login.

    python manage.py remove_totp <login, e-mail or phone>
"""

from django.core.management.base import BaseCommand, CommandError

from nazorat.accounts import services
from nazorat.accounts.models import User


class Command(BaseCommand):
    help = "Remove the TOTP (authenticator app) devices of one account, so a new one can be set up."

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="login name, e-mail or phone number of the account")

    def handle(self, *args, identifier, **options):
        try:
            user = User.objects.get_by_identifier(identifier)
        except (User.DoesNotExist, User.MultipleObjectsReturned) as exc:
            raise CommandError(f"no single account matches {identifier!r}") from exc
        count = services.totp_remove(actor=None, user=user, via="command")
        self.stdout.write(f"removed {count} device(s) of {user.get_username()}")
