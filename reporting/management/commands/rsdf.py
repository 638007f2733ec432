"""Print England's rough sleeping return (RSDF) for a month: `manage.py rsdf --period 2026-10
[--single-night 2026-10-21] [--population 266900] --format json|table`."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mars.dates import MonthError, parse_month
from reporting import returns, rsdf


class Command(BaseCommand):
    help = "Print England's rough sleeping return (RSDF) for a month, as JSON or as a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument(
            "--single-night",
            help="The single night, YYYY-MM-DD: a day of the month, not its last "
            "(default: the month's return's, else none).",
        )
        parser.add_argument(
            "--population",
            help="Residents, for the figures per 100,000 (default: the month's return's, else "
            "the MARS_POPULATION setting).",
        )
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_month(options["period"])
        except MonthError as error:
            raise CommandError(str(error)) from error
        night: date | None = None
        population: int | None = None
        if options["single_night"]:
            try:
                night = date.fromisoformat(options["single_night"].strip())
            except ValueError as error:
                raise CommandError(
                    f'"{options["single_night"]}" is not a date: write YYYY-MM-DD, e.g. 2026-10-21.'
                ) from error
        if options["population"] is not None:
            text = options["population"].strip().replace(",", "")
            if not text.isascii() or not text.isdigit():
                raise CommandError(
                    f'"{options["population"]}" is not a population: write a whole number of '
                    "residents, e.g. 266900."
                )
            population = int(text)
        try:
            if night is not None:
                rsdf.check_night(period, night)  # refused before the database is asked
            if not options["single_night"] or options["population"] is None:
                # The month's return's night and population when it is open, else rsdf's.
                held_night, held_population = returns.night_and_population(period)
                night = night if options["single_night"] else held_night
                population = population if options["population"] is not None else held_population
            figures = rsdf.figures(period, night=night, population=population)
        except rsdf.RsdfError as error:
            raise CommandError(str(error)) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(figures, indent=1))
            return
        self._table(figures)

    def _table(self, figures: dict[str, Any]) -> None:
        night = figures["night"] or "none chosen"
        population = figures["population"] if figures["population"] is not None else "not set"
        self.stdout.write(
            f"Rough sleeping return (RSDF, {figures['definitions']}) for {figures['period']}; "
            f"single night: {night}; population: {population}"
        )
        width = max(len(indicator.label) for indicator in rsdf.INDICATORS)
        code_width = max(len(indicator.code) for indicator in rsdf.INDICATORS)
        for indicator in rsdf.INDICATORS:
            value = indicator.value(figures)
            shown = "-" if value is None else str(value)
            self.stdout.write(
                f"{indicator.code:<{code_width}}  {indicator.label:<{width}}  {shown:>7}"
            )
