"""Load a mars-bundle/1 file: all of it, or nothing and every problem listed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.bundle import BundleError, Progress, import_bundle_file

# Away from a terminal (a log, the benchmark), a plain line this often, in seconds.
LOG_EVERY = 10.0


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def progress_line(progress: Progress) -> str:
    """`checking: 120,000 of 1,300,000 records, 9,800 a second, 2m01s left`."""
    of = f" of {progress.total:,}" if progress.total is not None else ""
    left = progress.seconds_left
    return f"{progress.stage}: {progress.done:,}{of} records, {progress.rate:,.0f} a second" + (
        f", {_duration(left)} left" if left is not None else ""
    )


class Command(BaseCommand):
    help = "Import a mars-bundle/1 JSON file (all or nothing; importing it again changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="Username the records are recorded as added by (default: mars-import)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f'No user "{options["user"]}".')
        terminal = self.stdout.isatty()
        last_line = [0.0]

        def show(progress: Progress) -> None:
            # On a terminal one line, rewritten; elsewhere a line every LOG_EVERY seconds.
            if terminal:
                self.stdout.write(f"\r{progress_line(progress)}\033[K", ending="")
                self.stdout.flush()
            elif time.monotonic() - last_line[0] >= LOG_EVERY:
                last_line[0] = time.monotonic()
                self.stdout.write(progress_line(progress))

        try:
            summary = import_bundle_file(path, by=by, progress=show)
        except BundleError as error:
            if terminal:
                self.stdout.write("")
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{path} was not imported: {len(error.problems)} problem(s); nothing was changed."
            ) from error
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        if terminal:
            self.stdout.write("")
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"Imported {path}." if summary.changed_anything else f"{path}: nothing to change."
        )
