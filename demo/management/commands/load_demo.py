from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import load as demo


class Command(BaseCommand):
    help = "Load demo users and people for trying MARS out (never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="Load even though DEBUG is off (for a staging copy with no real data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "Demo data is only loaded with DJANGO_DEBUG=1 "
                "(or --not-production on a staging copy)."
            )
        added = demo.load()
        self.stdout.write(
            "Demo data: added "
            + ", ".join(f"{count} {what}" for what, count in added.items())
            + " (anything already there was left as it was)."
        )
