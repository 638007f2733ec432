"""Back up the database and the uploaded files: `manage.py backup DIR [--period 2026-10]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mars.dates import MonthError, parse_month
from reporting.backups import MANIFEST, BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Write a PostgreSQL dump (custom format), an archive of the uploaded files and a manifest "
        "(checksums, row counts, migrations, one month's contract figures) into DIR, a new folder."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, help="A new or empty folder for this backup.")
        parser.add_argument(
            "--period",
            help="The month whose contract figures the manifest records, YYYY-MM (default: the "
            "last complete month).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_month(options["period"]) if options["period"] else None
        except MonthError as error:
            raise CommandError(str(error)) from error
        target: Path = options["dir"]
        try:
            manifest = make_backup(target, period=period)
        except BackupError as error:
            raise CommandError(f"No backup was made: {error}") from error
        except OSError as error:
            raise CommandError(f"No backup was made: {error}") from error
        sizes = ", ".join(
            f"{name} {entry['bytes']} bytes" for name, entry in manifest["files"].items()
        )
        self.stdout.write(
            f"Backed up {sum(manifest['row_counts'].values())} rows in "
            f"{len(manifest['row_counts'])} tables and {len(manifest['media_files'])} uploaded "
            f"files to {target} ({sizes}); {MANIFEST} records the contract figures for "
            f"{manifest['kpis']['period']}. Prove it with: manage.py restore_check {target}"
        )
