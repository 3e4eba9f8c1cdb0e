from django.core.management.base import BaseCommand

from nazorat.core import demo


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
        for username, what, title in demo.login_rows():
            self.stdout.write(f"  {username:<12} {what}" + (f" — {title}" if title else ""))
