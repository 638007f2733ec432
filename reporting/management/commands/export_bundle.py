"""Write every record the bundle format holds to a mars-bundle/1 file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reporting.bundle import export_bundle


class Command(BaseCommand):
    help = "Export agencies, properties, people and their records as a mars-bundle/1 JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write it (- for standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(export_bundle(), indent=1, ensure_ascii=False)
        if str(options["file"]) == "-":
            self.stdout.write(text)
            return
        options["file"].write_text(text + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {options['file']}.")
