"""Print the contract KPIs for a month: `manage.py kpis --period 2026-10 [--as-of 2026-11-20]`."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mars.dates import MonthError, parse_month
from reporting import kpis
from reporting.measures import MEASURES


class Command(BaseCommand):
    help = "Print the contract KPIs for a month, as JSON or as a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--as-of", help="The date the figures are as of (default: today).")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_month(options["period"])
        except MonthError as error:
            raise CommandError(str(error)) from error
        try:
            as_of = date.fromisoformat(options["as_of"]) if options["as_of"] else None
        except ValueError as error:
            raise CommandError(f'"{options["as_of"]}" is not a date: write YYYY-MM-DD.') from error
        figures = kpis.figures(period, as_of or timezone.localdate())
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures, indent=1))
            return
        self.stdout.write(
            f"MARS contract figures for {figures['period']}, as of {figures['as_of']}"
        )
        width = max(len(measure.label) for measure in MEASURES)
        for measure in MEASURES:
            reading = measure.reading(figures)
            parts = f"  ({reading.numerator}/{reading.denominator})" if measure.percent else ""
            self.stdout.write(f"{measure.label:<{width}}  {reading.shown:>7}{parts}")
        window_open = figures["left_streets_within_14_days"]["window_open"]
        self.stdout.write(f"{'14-day windows still open':<{width}}  {window_open:>7}")
