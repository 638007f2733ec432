from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from risk.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the nightly reminders now (the nightly task does the same): only what is new."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, help="As if today were this date")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders(options["today"])
        self.stdout.write(
            f"Notified: {sent.reviews_due} of reviews due, {sent.reviews_overdue} of overdue "
            f"reviews, {sent.actions_past_due} of actions past due, {sent.consent_reviews} of "
            "consent reviews due."
        )
