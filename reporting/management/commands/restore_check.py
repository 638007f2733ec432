"""Prove a backup: `manage.py restore_check DIR` restores it into a scratch database, compares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.backups import BackupError, check_backup


class Command(BaseCommand):
    help = (
        "Check a backup made by `manage.py backup`: its checksums, its uploaded files, and a "
        "restore into a scratch database (created and dropped here) against the source's row "
        "counts, migrations and contract figures. Exits non-zero on any difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, help="The backup's folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["dir"]
        try:
            differences = check_backup(source, write=self.stdout.write)
        except BackupError as error:
            raise CommandError(f"Restore check FAILED: {error}") from error
        if differences:
            raise CommandError(
                f"Restore check FAILED: {differences} difference(s) between {source} and its "
                "manifest (each is marked DIFF above)."
            )
        self.stdout.write(f"Restore check passed: {source} restores to what its source held.")
