from django.core.management.base import BaseCommand

from nazorat.core import demo


class Command(BaseCommand):
    help = "Load the demo data (Namangan region, people for every role, some work). Safe to run again."

    def handle(self, *args, **options):
        result = demo.seed()
        self.stdout.write(
            f"Demo data: {result['organisations']} new organisations, {result['people']} new people, "
            f"{result['letters']} new letters, {result['mahallas']} new mahallas."
        )
