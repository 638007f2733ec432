"""Make a person's subject access export on the server: the same ZIP as the request page's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from clients.models import Client, normal_reference
from rights import export

SYSTEM = "manage.py subject_access"


class Command(BaseCommand):
    help = (
        "Write the subject access export of one person (MARS-000123) to a ZIP file: a readable "
        "PDF, the same data as JSON, receipts and the list of what was redacted. Written to the "
        "access log as the system."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="The person's reference, e.g. MARS-000123.")
        parser.add_argument("file", type=Path, help="Where to write the ZIP.")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = normal_reference(options["reference"])
        client = Client.objects.filter(reference=reference).first() if reference else None
        if client is None:
            raise CommandError(f"No person has the reference {options['reference']!r}.")
        if client.is_merged:
            raise CommandError(
                f"{client.reference} was merged into another record: export that one instead."
            )
        target: Path = options["file"]
        if not target.parent.exists():
            raise CommandError(f"No such folder: {target.parent}.")
        partial = target.with_name(target.name + ".part")
        try:
            with transaction.atomic(), partial.open("wb") as out:
                export.write_zip(client, out, made_by=SYSTEM)
                export.log_export(client, system=SYSTEM, path=str(target))
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Wrote the subject access export of {client.reference} to {target}.")
