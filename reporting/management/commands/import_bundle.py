"""Load a mars-bundle/1 file: all of it, or nothing and every problem listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.bundle import BundleError, import_bundle, parse


class Command(BaseCommand):
    help = "Import a mars-bundle/1 JSON file (all or nothing; importing it again changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="Username the records are recorded as added by (default: mars-import)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f'No user "{options["user"]}".')
        try:
            summary = import_bundle(parse(raw), by=by)
        except BundleError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{path} was not imported: {len(error.problems)} problem(s); nothing was changed."
            ) from error
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Imported {path}." if summary.changed_anything else f"{path}: nothing to change."
        )
