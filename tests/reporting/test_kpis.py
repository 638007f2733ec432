"""The contract KPIs, to the letter of DESIGN.md, on the shared example and on its edges."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accommodation.models import PropertyType
from clients.models import HealthAccessKind
from outreach.models import InterventionKind, InterventionOutcome
from reporting import kpis
from tests.factories import (
    ClientFactory,
    ContactFactory,
    HealthAccessFactory,
    InterventionFactory,
    PlacementFactory,
    PropertyFactory,
    UnitFactory,
)
from tests.reporting.conftest import expected

OCTOBER = date(2026, 10, 1)
pytestmark = pytest.mark.django_db


def run_kpis(*args: str) -> str:
    out = StringIO()
    call_command("kpis", *args, stdout=out)
    return out.getvalue()


def test_scenario_gives_the_expected_figures_as_of_20_november(scenario: Any) -> None:
    printed = json.loads(run_kpis("--period", "2026-10", "--as-of", "2026-11-20"))
    assert printed == expected("example-2026-10.expected.json")


def test_scenario_as_of_5_november_has_one_window_still_open(scenario: Any) -> None:
    printed = json.loads(
        run_kpis("--period", "2026-10", "--as-of", "2026-11-05", "--format", "json")
    )
    assert printed == expected("example-2026-10.as-of-2026-11-05.expected.json")


def test_json_has_exactly_the_design_keys(scenario: Any) -> None:
    printed = json.loads(run_kpis("--period", "2026-10", "--as-of", "2026-11-20"))
    assert set(printed) == {
        "period",
        "as_of",
        "rough_sleepers",
        "left_streets_within_14_days",
        "supported_accommodation_access",
        "reconnected",
        "multi_agency_support_plans",
        "primary_care_access",
    }
    assert set(printed["rough_sleepers"]) == {
        "seen",
        "new",
        "stock",
        "returners",
        "unidentified_sightings",
    }
    assert set(printed["left_streets_within_14_days"]) == {
        "numerator",
        "denominator",
        "percent",
        "window_open",
    }


def test_table_format_prints_each_figure(scenario: Any) -> None:
    table = run_kpis("--period", "2026-10", "--as-of", "2026-11-20", "--format", "table")
    assert "People seen rough sleeping" in table
    assert "50.0%  (2/4)" in table


def test_a_malformed_period_is_refused_with_the_expected_form() -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        run_kpis("--period", "October")


def test_contact_late_on_30_september_utc_is_1_october_in_london() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=datetime.fromisoformat("2026-09-30T23:30:00+00:00"))
    assert kpis.cohorts(OCTOBER, date(2026, 11, 20)).new == {sam.pk}
    assert kpis.cohorts(date(2026, 9, 1), date(2026, 11, 20)).seen == set()


def test_months_follow_london_time_either_side_of_the_clock_changes() -> None:
    # 23:30 UTC on 31 March (summer time) is 1 April in London; on 31 October (winter time)
    # 23:30 UTC is still 31 October.
    spring, autumn = ClientFactory(), ClientFactory()
    ContactFactory(client=spring, at=datetime.fromisoformat("2026-03-31T23:30:00+00:00"))
    ContactFactory(client=autumn, at=datetime.fromisoformat("2026-10-31T23:30:00+00:00"))
    as_of = date(2026, 12, 1)
    assert kpis.cohorts(date(2026, 4, 1), as_of).seen == {spring.pk}
    assert kpis.cohorts(date(2026, 3, 1), as_of).seen == set()
    assert kpis.cohorts(OCTOBER, as_of).seen == {autumn.pk}
    assert kpis.cohorts(date(2026, 11, 1), as_of).seen == set()


def test_window_closing_on_the_as_of_date_is_closed() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=datetime.fromisoformat("2026-10-20T06:00:00+01:00"))
    open_on = kpis.cohorts(OCTOBER, date(2026, 11, 2))
    closed_on = kpis.cohorts(OCTOBER, date(2026, 11, 3))
    assert open_on.window_open == {sam.pk}
    assert closed_on.window_open == set()
    assert closed_on.figures()["left_streets_within_14_days"]["denominator"] == 1


def test_placement_on_day_fourteen_counts_and_day_fifteen_does_not() -> None:
    on_time, too_late = ClientFactory(), ClientFactory()
    for person in (on_time, too_late):
        ContactFactory(client=person, at=datetime.fromisoformat("2026-10-01T06:00:00+01:00"))
    PlacementFactory(client=on_time, start=date(2026, 10, 15))
    PlacementFactory(client=too_late, start=date(2026, 10, 16))
    result = kpis.cohorts(OCTOBER, date(2026, 11, 20))
    assert result.left == {on_time.pk}
    assert result.figures()["left_streets_within_14_days"]["percent"] == 50.0


def test_a_placement_booked_after_the_as_of_date_has_not_yet_taken_anyone_off_the_streets() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=datetime.fromisoformat("2026-10-20T06:00:00+01:00"))
    PlacementFactory(client=sam, start=date(2026, 10, 25))
    before = kpis.cohorts(OCTOBER, date(2026, 10, 23))
    assert (before.left, before.window_open) == (set(), {sam.pk})
    after = kpis.cohorts(OCTOBER, date(2026, 10, 25))
    assert (after.left, after.window_open) == ({sam.pk}, set())


def test_supported_accommodation_needs_a_bedded_down_contact_in_the_year_before() -> None:
    recent, long_ago = ClientFactory(), ClientFactory()
    hostel = UnitFactory(property=PropertyFactory(type=PropertyType.HOSTEL))
    other = UnitFactory(property=PropertyFactory(type=PropertyType.HOSTEL))
    ContactFactory(client=recent, at=datetime.fromisoformat("2025-10-11T06:00:00+01:00"))
    ContactFactory(client=long_ago, at=datetime.fromisoformat("2025-10-09T06:00:00+01:00"))
    PlacementFactory(client=recent, unit=hostel, start=date(2026, 10, 10))
    PlacementFactory(client=long_ago, unit=other, start=date(2026, 10, 10))
    assert kpis.cohorts(OCTOBER, date(2026, 11, 20)).supported_accommodation == {recent.pk}


def test_night_shelter_is_not_supported_accommodation() -> None:
    sam = ClientFactory()
    ContactFactory(client=sam, at=datetime.fromisoformat("2026-10-01T06:00:00+01:00"))
    shelter = UnitFactory(property=PropertyFactory(type=PropertyType.NIGHT_SHELTER))
    PlacementFactory(client=sam, unit=shelter, start=date(2026, 10, 2))
    result = kpis.cohorts(OCTOBER, date(2026, 11, 20))
    assert result.supported_accommodation == set()
    assert result.left == {sam.pk}


def test_exempt_reconnections_count_in_neither_part() -> None:
    for outcome in (InterventionOutcome.RECONNECTED, InterventionOutcome.EXEMPT):
        InterventionFactory(
            kind=InterventionKind.RECONNECTION,
            opened=date(2026, 10, 1),
            closed=date(2026, 10, 5),
            outcome=outcome,
        )
    figures = kpis.figures(OCTOBER, date(2026, 11, 20))
    assert figures["reconnected"] == {"numerator": 1, "denominator": 1, "percent": 100.0}


def test_primary_care_counts_only_gp_registration_and_appointments_to_the_month_end() -> None:
    people = [ClientFactory() for _ in range(4)]
    for person in people:
        ContactFactory(client=person, at=datetime.fromisoformat("2026-10-10T14:00:00+01:00"))
    HealthAccessFactory(
        client=people[0], kind=HealthAccessKind.GP_APPOINTMENT, date=date(2026, 1, 1)
    )
    HealthAccessFactory(client=people[1], kind=HealthAccessKind.DENTAL, date=date(2026, 10, 2))
    HealthAccessFactory(
        client=people[2], kind=HealthAccessKind.GP_REGISTRATION, date=date(2026, 11, 1)
    )
    people[3].primary_care_relevant = False
    people[3].save()
    assert kpis.figures(OCTOBER, date(2026, 11, 20))["primary_care_access"] == {
        "numerator": 1,
        "denominator": 3,
        "percent": 33.3,
    }


def test_query_count_does_not_grow_with_the_number_of_people(
    django_assert_max_num_queries: Any,
) -> None:
    start = datetime.fromisoformat("2026-10-01T06:00:00+01:00")
    for day in range(40):
        person = ClientFactory()
        ContactFactory(client=person, at=start + timedelta(days=day % 28))
        PlacementFactory(client=person, start=date(2026, 10, 1) + timedelta(days=day % 20))
        InterventionFactory(
            client=person,
            kind=InterventionKind.RECONNECTION,
            opened=date(2026, 10, 1),
            closed=date(2026, 10, 3),
            outcome=InterventionOutcome.FAILED,
        )
    with django_assert_max_num_queries(12):
        figures = kpis.figures(OCTOBER, date(2026, 11, 20))
    assert figures["rough_sleepers"]["seen"] == 40
