"""Bundle times that exist (issue 19, item 5): London clock times the clocks skip or repeat are
refused, and so are dates too early to be a record of this service."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from accommodation.models import Placement
from clients.models import Client, HealthAccess, SupportPlan
from mars.dates import NoSuchLocalTime, local_instant
from outreach.models import Contact, Intervention
from reporting import kpis
from reporting.bundle import BundleError, import_bundle, parse
from tests.reporting.conftest import expected, scenario_data

PERSON = {"ref": "Z1", "first_name": "Zed", "date_of_birth": "1950-06-01"}


def bundle(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "mars-bundle/1",
        "clients": [PERSON],
        "properties": [{"key": "mh", "name": "MARS House", "type": "mars_house", "units": ["R1"]}],
        **sections,
    }


def sighting(at: str) -> dict[str, Any]:
    return {"client": "Z1", "at": at, "kind": "street_outreach", "bedded_down": True}


@pytest.fixture(autouse=True)
def winter_2027(time_machine: Any) -> None:
    """After every date these tests import (a contact may not be in the future)."""
    time_machine.move_to(datetime(2027, 1, 15, 12, 0, tzinfo=UTC))


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(BundleError) as refused:
        import_bundle(data)
    return refused.value.problems


@pytest.mark.django_db
def test_a_time_without_an_offset_is_read_on_a_london_clock() -> None:
    import_bundle(bundle(contacts=[sighting("2026-10-03T06:30:00"), sighting("2026-12-03T06:30")]))
    assert sorted(Contact.objects.values_list("at", flat=True)) == [
        datetime(2026, 10, 3, 5, 30, tzinfo=UTC),
        datetime(2026, 12, 3, 6, 30, tzinfo=UTC),
    ]


@pytest.mark.django_db
def test_a_time_the_clocks_skip_in_march_is_refused_and_nothing_is_written() -> None:
    assert problems(
        bundle(contacts=[sighting("2026-03-29T07:00"), sighting("2026-03-29T01:30")])
    ) == [
        'contacts[1].at: "2026-03-29T01:30": 01:30 on 29/03/2026 does not exist in London (the '
        "clocks go forward from 01:00 to 02:00): check the time, or give it with its UTC offset"
    ]
    assert Client.objects.count() == Contact.objects.count() == 0


@pytest.mark.django_db
def test_a_time_the_clocks_repeat_in_october_is_refused_without_its_offset() -> None:
    assert problems(bundle(contacts=[sighting("2026-10-25T01:30:00")])) == [
        'contacts[0].at: "2026-10-25T01:30:00": 01:30 on 25/10/2026 happens twice in London (the '
        "clocks go back an hour at 02:00): give the UTC offset, +01:00 for the first, +00:00 for "
        "the second"
    ]


@pytest.mark.django_db
def test_with_their_offsets_both_of_octobers_half_past_ones_are_taken() -> None:
    import_bundle(
        bundle(
            contacts=[sighting("2026-10-25T01:30:00+01:00"), sighting("2026-10-25T01:30:00+00:00")]
        )
    )
    assert sorted(Contact.objects.values_list("at", flat=True)) == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("wall", "utc"),
    [
        ("2026-03-29T00:59", datetime(2026, 3, 29, 0, 59, tzinfo=UTC)),
        ("2026-03-29T02:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        ("2026-10-25T00:59", datetime(2026, 10, 24, 23, 59, tzinfo=UTC)),
        ("2026-10-25T02:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
    ],
)
def test_the_minutes_either_side_of_a_clock_change_name_one_instant(
    wall: str, utc: datetime
) -> None:
    assert local_instant(datetime.fromisoformat(wall)) == utc


@pytest.mark.parametrize(
    "wall", ["2026-03-29T01:00", "2026-03-29T01:59", "2026-10-25T01:00", "2026-10-25T01:59"]
)
def test_the_hour_the_clocks_change_is_refused(wall: str) -> None:
    with pytest.raises(NoSuchLocalTime):
        local_instant(datetime.fromisoformat(wall))


@pytest.mark.django_db
def test_a_bedded_down_contact_in_1900_is_refused_and_leaves_first_seen_alone() -> None:
    october = [sighting("2026-10-03T06:30:00+01:00")]
    refused = problems(bundle(contacts=[sighting("1900-10-03T06:30:00+00:00"), *october]))
    assert refused == [
        'contacts[0].at: "1900-10-03T06:30:00+00:00" is before 01/01/1990: too early to be a '
        "record of this service (to import older history, an administrator lowers "
        "BUNDLE_EARLIEST_DATE)"
    ]
    import_bundle(bundle(contacts=october))
    figures = kpis.figures(date(2026, 10, 1), date(2026, 11, 20))
    assert figures["rough_sleepers"]["new"] == 1
    assert figures["rough_sleepers"]["returners"] == 0


@pytest.mark.django_db
def test_every_dated_record_refuses_a_date_before_1990_but_not_a_date_of_birth() -> None:
    old = "1989-12-31"
    data = bundle(
        consents=[
            {
                "client": "Z1",
                "outcome": "given",
                "how": "verbal",
                "scopes": ["health"],
                "given_on": old,
            }
        ],
        placements=[{"client": "Z1", "property": "mh", "unit": "R1", "start": old}],
        interventions=[{"client": "Z1", "kind": "advice", "opened": "2026-01-01", "closed": old}],
        support_plans=[{"client": "Z1", "start": "2026-01-01", "review_date": old}],
        health_access=[{"client": "Z1", "kind": "dental", "date": old}],
    )
    data["clients"] = [dict(PERSON, date_of_birth="1940-01-01", consent_given_on=old)]
    assert [problem.split(":")[0] for problem in problems(data)] == [
        "clients[0].consent_given_on",
        "consents[0].given_on",
        "placements[0].start",
        "interventions[0].closed",
        "support_plans[0].review_date",
        "health_access[0].date",
    ]


@pytest.mark.django_db
def test_the_bound_is_on_the_london_date_and_1_january_1990_is_taken() -> None:
    # 00:30 BST-style offset on 1 January is 23:30 on 31 December 1989 in London.
    refused = problems(bundle(contacts=[sighting("1990-01-01T00:30:00+01:00")]))
    assert refused[0].startswith('contacts[0].at: "1990-01-01T00:30:00+01:00" is before 01/01/1990')
    import_bundle(
        bundle(
            contacts=[sighting("1990-01-01T00:00:00")],
            health_access=[{"client": "Z1", "kind": "dental", "date": "1990-01-01"}],
        )
    )
    assert Contact.objects.count() == HealthAccess.objects.count() == 1


@pytest.mark.django_db
def test_a_team_migrating_older_history_lowers_the_bound(settings: Any) -> None:
    settings.BUNDLE_EARLIEST_DATE = date(1980, 1, 1)
    import_bundle(
        bundle(
            contacts=[sighting("1985-10-03T06:30:00")],
            placements=[
                {
                    "client": "Z1",
                    "property": "mh",
                    "unit": "R1",
                    "start": "1985-10-05",
                    "end": "1986-01-05",
                    "end_reason": "planned_move_on",
                }
            ],
            interventions=[{"client": "Z1", "kind": "advice", "opened": "1985-10-04"}],
            support_plans=[{"client": "Z1", "start": "1985-10-04"}],
        )
    )
    assert Contact.objects.count() == Placement.objects.count() == 1
    assert Intervention.objects.count() == SupportPlan.objects.count() == 1
    assert problems(bundle(contacts=[sighting("1979-12-31T12:00:00")]))[0].startswith(
        'contacts[0].at: "1979-12-31T12:00:00" is before 01/01/1980'
    )


@pytest.mark.django_db
def test_the_shared_scenario_still_imports_with_the_same_figures() -> None:
    import_bundle(scenario_data())
    assert kpis.figures(date(2026, 10, 1), date(2026, 11, 20)) == expected(
        "example-2026-10.expected.json"
    )


@pytest.mark.django_db
def test_a_bundle_saved_with_a_byte_order_mark_is_read() -> None:
    """Notepad and Excel start a UTF-8 file with one; it is not part of the JSON."""
    raw = (
        "\ufeff".encode() + json.dumps(bundle(contacts=[sighting("2026-10-03T06:30:00")])).encode()
    )
    import_bundle(parse(raw))
    assert Contact.objects.get().at == datetime(2026, 10, 3, 5, 30, tzinfo=UTC)
