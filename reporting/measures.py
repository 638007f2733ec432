"""The figures the contract reports, as people read them: names, which way is better, the
definition printed in the report's appendix, and the people behind each part."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models


class MeasureKey(models.TextChoices):
    SEEN = "rough_sleepers.seen", "People seen rough sleeping"
    NEW = "rough_sleepers.new", "New rough sleepers (flow)"
    STOCK = "rough_sleepers.stock", "Seen in the month before too (stock)"
    RETURNERS = "rough_sleepers.returners", "Returned to the streets"
    UNIDENTIFIED = "rough_sleepers.unidentified_sightings", "Unidentified sightings"
    LEFT_STREETS = "left_streets_within_14_days", "Left the streets within 14 days"
    SUPPORTED_ACCOMMODATION = "supported_accommodation_access", "Into supported accommodation"
    RECONNECTED = "reconnected", "Reconnections that succeeded"
    SUPPORT_PLANS = "multi_agency_support_plans", "On a multi-agency support plan"
    PRIMARY_CARE = "primary_care_access", "Access to primary care"


class Status(models.TextChoices):
    GREEN = "green", "On target"
    AMBER = "amber", "Close to target"
    RED = "red", "Off target"
    NONE = "none", "No target"


@dataclass(frozen=True)
class Measure:
    key: MeasureKey
    percent: bool
    # True when more is better, False when fewer is, None when it is only reported.
    higher_is_better: bool | None
    definition: str
    # Cohorts attributes naming the people behind the numerator (or the count) and denominator.
    people: str | None
    denominator_people: str | None = None

    @property
    def label(self) -> str:
        return str(self.key.label)

    @property
    def unit(self) -> str:
        return "%" if self.percent else ""

    def reading(self, figures: dict[str, Any]) -> Reading:
        """This measure's value (the percent, or the count) and its parts, from figures()."""
        group, _, name = self.key.value.partition(".")
        found = figures[group]
        if name:
            count = found[name]
            return Reading(self, _decimal(count), count, None)
        if self.percent:
            return Reading(
                self, _decimal(found["percent"]), found["numerator"], found["denominator"]
            )
        return Reading(self, _decimal(found["count"]), found["count"], None)


@dataclass(frozen=True)
class Reading:
    measure: Measure
    value: Decimal | None
    numerator: int
    denominator: int | None

    @property
    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{self.value}{self.measure.unit}" if self.measure.percent else f"{self.value:.0f}"


def _decimal(value: float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


MEASURES: list[Measure] = [
    Measure(
        MeasureKey.SEEN,
        False,
        False,
        "People with at least one bedded-down contact on a day of the month (local dates, "
        "Europe/London). Sightings of unidentified people are not counted.",
        "seen",
    ),
    Measure(
        MeasureKey.NEW,
        False,
        False,
        "People seen in the month whose first ever bedded-down contact was in the month.",
        "new",
    ),
    Measure(
        MeasureKey.STOCK,
        False,
        False,
        "People seen in the month who were also seen in the month before.",
        "stock",
    ),
    Measure(
        MeasureKey.RETURNERS,
        False,
        False,
        "People seen in the month, first seen before it, and not seen in the month before. "
        "New, stock and returners add up to people seen.",
        "returners",
    ),
    Measure(
        MeasureKey.UNIDENTIFIED,
        False,
        None,
        "Bedded-down contacts in the month with no person identified.",
        None,
    ),
    Measure(
        MeasureKey.LEFT_STREETS,
        True,
        True,
        "Of the people first seen in the month (on day d), those who moved into a placement of "
        "any kind, or were reconnected, on a day from d to d + 14 (and not after the as-of "
        "date). People whose 14 days had not ended on the as-of date and who had not yet left "
        "are left out of the denominator.",
        "left",
        "left_streets_cohort",
    ),
    Measure(
        MeasureKey.SUPPORTED_ACCOMMODATION,
        False,
        True,
        "People with a placement starting in the month in a hostel, supported housing, MARS "
        "House or Housing First, who had a bedded-down contact in the 365 days up to and "
        "including the day they moved in.",
        "supported_accommodation",
    ),
    Measure(
        MeasureKey.RECONNECTED,
        True,
        True,
        "Of the people whose reconnection closed in the month as reconnected, declined or failed "
        "(exempt is not counted), those reconnected.",
        "reconnected",
        "reconnection_closed",
    ),
    Measure(
        MeasureKey.SUPPORT_PLANS,
        False,
        True,
        "People who, on the last day of the month, have a support plan in force with at least "
        "one partner agency involved.",
        "support_plans",
    ),
    Measure(
        MeasureKey.PRIMARY_CARE,
        True,
        True,
        "Of the people for whom primary care is relevant and who had a contact of any kind in "
        "the month, those with a GP registration or appointment on or before its last day.",
        "primary_care_accessed",
        "primary_care_relevant_contacted",
    ),
]
BY_KEY: dict[str, Measure] = {measure.key.value: measure for measure in MEASURES}
TARGETABLE = [measure for measure in MEASURES if measure.higher_is_better is not None]


def status(
    measure: Measure, actual: Decimal | None, target: Decimal | None, margin: Decimal
) -> str:
    """Green on or past the target, amber within the margin short of it, red beyond."""
    if target is None or measure.higher_is_better is None or actual is None:
        return Status.NONE
    short = target - actual if measure.higher_is_better else actual - target
    if short <= 0:
        return Status.GREEN
    return Status.AMBER if short <= margin else Status.RED
