"""python manage.py retention [--dry-run]: the retention schedule, as the monthly task runs it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mars.dates import uk_date
from privacy.models import RunTrigger
from privacy.services import RetentionError, access_log_years, retention_years, run_retention


class Command(BaseCommand):
    help = (
        "Anonymise people past the retention schedule and remove the access log past its keeping."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would be anonymised and why; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        try:
            run = run_retention(by=None, trigger=RunTrigger.COMMAND, dry_run=dry_run)
        except RetentionError as refusal:
            raise CommandError(str(refusal)) from refusal
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"Retention: {retention_years()} years after the last activity; "
            f"access log kept {access_log_years()} years."
        )
        for person in run.people:
            line = (
                f"{verb} {person['reference']}: last activity {person['what']} on "
                f"{uk_date(_day(person['last_activity']))}, due {uk_date(_day(person['due_on']))}"
            )
            if "refused" in person:
                line = f"Not anonymised {person['reference']}: {person['refused']}"
            self.stdout.write(line)
        if not run.people:
            self.stdout.write("No one is due.")
        if not dry_run:
            self.stdout.write(
                f"{run.anonymised_count} anonymised; {run.access_events_removed} access log rows "
                "removed."
            )


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)
