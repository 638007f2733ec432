"""The list of people an outreach phone keeps to work with no signal (issue 21)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from clients.models import Client, ClientStatus
from clients.services import merge_clients
from mars.roles import Role
from tests.factories import ClientFactory, ContactFactory, plan_in_force

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
URL = "/api/outreach/people-for-phone/"


@pytest.fixture(autouse=True)
def six_in_the_morning(time_machine):  # type: ignore[no-untyped-def]
    time_machine.move_to(NOW, tick=False)


def seen(person, days_ago: int) -> None:  # type: ignore[no-untyped-def]
    description = "" if person else "Red hoodie"
    ContactFactory(client=person, at=NOW - dt.timedelta(days=days_ago), description=description)


def test_the_route_is_the_one_the_phone_asks_for() -> None:
    assert reverse("phone-people-list") == URL


def test_the_phone_keeps_the_people_seen_in_the_last_28_days_and_for_24_hours(as_role):
    mick = ClientFactory(
        first_name="Michael", last_name="O'Brien", known_as="Mick", aliases=["Mikey"]
    )
    seen(mick, 27)
    seen(ClientFactory(first_name="Long", last_name="Ago"), 28)
    seen(None, 1)  # an unidentified sighting names nobody
    answer = as_role(Role.OUTREACH).get(URL).json()
    assert answer["days"] == 28
    assert answer["fetched_at"] == "2026-12-01T06:00:00Z"
    assert answer["keep_until"] == "2026-12-02T06:00:00Z"
    assert answer["people"] == [
        {
            "id": mick.pk,
            "reference": mick.reference,
            "first_name": "Michael",
            "last_name": "O'Brien",
            "known_as": "Mick",
            "aliases": ["Mikey"],
            "alerts": [],
        }
    ]


def test_only_names_and_the_alerts_that_keep_staff_safe_go_to_the_phone(as_role):
    sam = ClientFactory(first_name="Sam", date_of_birth="1985-02-01", phone="07700 900123")
    seen(sam, 0)
    plan_in_force(
        sam,
        alerts=[
            ("dog_on_site", "Staffie"),
            ("medical", "Seizures"),
            ("do_not_disclose_address", "Partner lives nearby"),
            ("other", "Anything at all"),
            ("violence_to_staff", ""),
        ],
    )
    [person] = as_role(Role.OUTREACH).get(URL).json()["people"]
    assert person["alerts"] == ["Dog on site", "Violence to staff"]
    text = str(person)
    for kept_off in ("1985", "07700", "Seizures", "Partner", "Staffie", "Anything"):
        assert kept_off not in text
    assert set(person) == {
        "id",
        "reference",
        "first_name",
        "last_name",
        "known_as",
        "aliases",
        "alerts",
    }


def test_merged_and_dead_people_are_not_offered(as_role, coordinator):
    survivor = ClientFactory(last_name="Survivor")
    duplicate = ClientFactory(last_name="Duplicate")
    dead = ClientFactory(last_name="Dead", status=ClientStatus.DECEASED)
    for person in (survivor, duplicate, dead):
        seen(person, 3)
    merge_clients(duplicate, survivor, by=coordinator)
    people = as_role(Role.OUTREACH).get(URL).json()["people"]
    assert [p["last_name"] for p in people] == ["Survivor"]


def test_the_list_is_ordered_by_name_and_costs_the_same_for_many_people(
    as_role, django_assert_max_num_queries
):
    browser = as_role(Role.OUTREACH)
    for name in ("Young", "Adams", "Moss"):
        seen(ClientFactory(last_name=name), 2)
    plan_in_force(Client.objects.get(last_name="Moss"))
    browser.get(URL)  # the session and permissions, once
    with django_assert_max_num_queries(14) as few:
        browser.get(URL)
    for number in range(15):
        person = ClientFactory(last_name=f"Extra{number:02}", aliases=["A", "B"])
        seen(person, 1)
        plan_in_force(person, alerts=[("weapons", "")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        people = browser.get(URL).json()["people"]
    assert [p["last_name"] for p in people][:3] == ["Adams", "Extra00", "Extra01"]
    assert len(people) == 18


def test_reading_the_list_is_in_the_access_log(as_role):
    sam = ClientFactory()
    seen(sam, 0)
    as_role(Role.OUTREACH).get(URL)
    event = AccessEvent.objects.get(what="outreach phone list")
    assert event.people == [sam.pk] and event.username == "outreach"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.OUTREACH, 200),
        (Role.SUPPORT, 200),
        (Role.COORDINATOR, 200),
        (Role.PANEL, 403),
        (Role.DIRECTOR, 403),
        (Role.RESETTLEMENT_MANAGER, 403),
        (Role.COMMISSIONER, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_only_those_who_log_contacts_get_the_list(as_role, role, status):
    assert as_role(role).get(URL).status_code == status


def test_the_anonymous_get_nothing(client):  # type: ignore[no-untyped-def]
    assert client.get(URL).status_code in (401, 403)


def test_a_contact_for_someone_merged_meanwhile_says_to_find_them_again(as_role, coordinator):
    duplicate = ClientFactory()
    merge_clients(duplicate, ClientFactory(), by=coordinator)
    response = as_role(Role.OUTREACH).post(
        "/api/contacts/",
        {"client": duplicate.pk, "kind": "street_outreach"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "merged" in response.json()["client"][0]
