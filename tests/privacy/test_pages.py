"""The retention page, legal holds, anonymising one person now, and the register: in the
browser's pages and the API, for each role."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from clients.models import Client
from mars.roles import Role
from privacy.models import Anonymisation, LegalHold
from privacy.services import place_hold
from tests.factories import ClientFactory, ContactFactory

NOW = dt.datetime(2033, 6, 16, 9, 0, tzinfo=dt.UTC)
OLD = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def old_person(**kwargs: Any) -> Client:
    person = ClientFactory(**kwargs)
    Client.objects.filter(pk=person.pk).update(created_at=OLD)
    ContactFactory(client=person, at=OLD, notes="Old notes")
    return person


@pytest.mark.time_machine(NOW)
def test_the_retention_page_lists_who_is_due_and_why_and_the_holds_in_force(
    as_role: Any, coordinator: Any
) -> None:
    due = old_person(first_name="Dora")
    held = old_person(first_name="Harold")
    place_hold(held, by=coordinator, reason="Coroner's inquest")

    html = as_role(Role.COORDINATOR).get(reverse("privacy:retention")).text

    assert "Dora" in html and "contact on 02/03/2026" in html and "02/03/2032" in html
    assert "Coroner&#x27;s inquest" in html and "Would otherwise be anonymised" in html
    assert reverse("privacy:hold_create", args=[due.pk]) in html
    # Reading the page is reading the people it names.
    event = AccessEvent.objects.get(what="retention page")
    assert set(event.people) == {due.pk, held.pk}


@pytest.mark.time_machine(NOW)
def test_the_coordinator_places_and_lifts_a_hold_and_its_history_shows(
    as_role: Any,
) -> None:
    person = old_person()
    browser = as_role(Role.COORDINATOR)

    empty = browser.post(reverse("privacy:hold_create", args=[person.pk]), {"reason": " "})
    assert empty.status_code == 200 and "This field is required" in empty.text
    done = browser.post(
        reverse("privacy:hold_create", args=[person.pk]), {"reason": "Claim against us"}
    )
    hold = LegalHold.objects.get()
    assert done.status_code == 302 and done.url == hold.get_absolute_url()
    person_page = browser.get(person.get_absolute_url()).text
    assert "Claim against us" in person_page
    assert reverse("privacy:hold_lift", args=[hold.pk]) in person_page
    again = browser.post(reverse("privacy:hold_create", args=[person.pk]), {"reason": "Twice"})
    assert "already under a legal hold" in again.text
    assert LegalHold.objects.count() == 1

    browser.post(reverse("privacy:hold_lift", args=[hold.pk]), {"lift_reason": "Claim settled"})
    hold.refresh_from_db()
    assert not hold.in_force and hold.lift_reason == "Claim settled"
    page = browser.get(hold.get_absolute_url()).text
    assert "Claim settled" in page and "History" in page
    assert hold.history.count() == 2


@pytest.mark.time_machine(NOW)
def test_the_coordinator_anonymises_a_test_person_after_confirming(as_role: Any) -> None:
    person = old_person(first_name="Testy", last_name="McTest")
    browser = as_role(Role.COORDINATOR)
    url = reverse("privacy:anonymise", args=[person.pk])

    form = browser.get(url).text
    assert "Due: last activity (contact) on 02/03/2026" in form
    unconfirmed = browser.post(url, {"reason": "A test record"})
    assert unconfirmed.status_code == 200 and not Anonymisation.objects.exists()
    assert 'value="A test record"' in unconfirmed.text  # nothing typed is lost
    done = browser.post(url, {"reason": "A test record", "confirm": "on"})

    assert done.status_code == 302
    page = browser.get(done.url).text
    assert f"Anonymised person {person.reference}" in page and "Testy" not in page
    assert "names, date of birth, phone, notes and receipts were removed" in page


@pytest.mark.time_machine(NOW)
def test_a_person_under_a_hold_cannot_be_anonymised_from_the_page(
    as_role: Any, coordinator: Any
) -> None:
    person = old_person()
    place_hold(person, by=coordinator, reason="Inquiry")
    response = as_role(Role.COORDINATOR).post(
        reverse("privacy:anonymise", args=[person.pk]), {"reason": "Tidy", "confirm": "on"}
    )
    assert "under a legal hold" in response.text
    assert not Anonymisation.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATOR])
def test_no_other_role_may_hold_or_anonymise(as_role: Any, role: Role, sam: Client) -> None:
    browser = as_role(role)
    hold = browser.post(reverse("privacy:hold_create", args=[sam.pk]), {"reason": "x"})
    gone = browser.post(
        reverse("privacy:anonymise", args=[sam.pk]), {"reason": "x", "confirm": "on"}
    )
    assert (hold.status_code, gone.status_code) == (403, 403)
    assert not LegalHold.objects.exists() and not Anonymisation.objects.exists()


def test_the_person_page_shows_retention_to_the_coordinator_only(as_role: Any, sam: Client) -> None:
    coordinator_view = as_role(Role.COORDINATOR).get(sam.get_absolute_url()).text
    assert "Place a legal hold" in coordinator_view and "Anonymise now" in coordinator_view
    support_view = as_role(Role.SUPPORT).get(sam.get_absolute_url()).text
    assert "Place a legal hold" not in support_view


@pytest.mark.time_machine(NOW)
def test_the_api_places_lifts_and_previews(as_role: Any) -> None:
    person = old_person()
    api = as_role(Role.COORDINATOR)

    preview = api.get("/api/retention-preview/").json()
    assert [p["reference"] for p in preview] == [person.reference]
    made = api.post("/api/legal-holds/", {"client": person.pk, "reason": "Inquest"})
    assert made.status_code == 201, made.content
    twice = api.post("/api/legal-holds/", {"client": person.pk, "reason": "Again"})
    assert twice.status_code == 400 and "already under a legal hold" in twice.text
    assert api.get("/api/retention-preview/").json() == []
    lifted = api.post(
        f"/api/legal-holds/{made.json()['id']}/lift/",
        json.dumps({"lift_reason": "Over"}),
        content_type="application/json",
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_on"]


def test_the_api_refuses_a_hold_to_other_roles(as_role: Any, sam: Client) -> None:
    made = as_role(Role.SUPPORT).post("/api/legal-holds/", {"client": sam.pk, "reason": "x"})
    assert made.status_code == 403


def test_the_register_lists_each_category_with_its_basis_who_sees_it_and_its_keeping(
    as_role: Any,
) -> None:
    html = as_role(Role.ADMINISTRATOR).get(reverse("privacy:register")).text
    assert "Article 9(2)(h) health or social care" in html
    assert "Schedule 1 Part 2 paragraph 18" in html
    assert "Article 10 criminal offence data" in html
    assert "Until 6 years after the person&#x27;s last activity" in html
    assert "2 years, then removed" in html


def test_the_register_says_who_may_see_from_the_roles_table(as_role: Any) -> None:
    data = as_role(Role.COORDINATOR).get(reverse("privacy:register_json")).json()
    by_key = {entry["key"]: entry for entry in data}
    assert "Commissioner" not in by_key["health"]["seen_by"]
    assert "Support worker" in by_key["health"]["seen_by"]
    assert by_key["access_log"]["seen_by"] == ["Coordinator"]
    # The panel sees the people before it (need to know), not their safeguarding concerns.
    assert "A2A panel member" in by_key["identity"]["seen_by"]
    assert "A2A panel member" not in by_key["safeguarding"]["seen_by"]
    # Special category fields: only the roles given the right, beyond the key worker.
    health = by_key["health"]["need_to_know"]
    assert "health access kind" in health and "read only by Coordinator," in health
    assert "contact notes when marked sensitive" in by_key["street"]["need_to_know"]
    assert by_key["money"]["need_to_know"] == ""


def test_the_register_downloads_as_csv_and_through_the_api(as_role: Any) -> None:
    browser = as_role(Role.ADMINISTRATOR)
    csv_file = browser.get(reverse("privacy:register_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_file)))
    assert rows[0][0] == "category" and len(rows) > 10
    api = browser.get("/api/processing-register/").json()
    assert {entry["key"] for entry in api} >= {"identity", "health", "risk", "access_log"}


@pytest.mark.time_machine(NOW)
def test_reading_a_run_in_the_api_is_reading_the_people_it_names(as_role: Any) -> None:
    from privacy.models import RunTrigger
    from privacy.services import run_retention

    person = old_person()
    run = run_retention(by=None, trigger=RunTrigger.COMMAND, dry_run=True)
    before = AccessEvent.objects.count()
    response = as_role(Role.COORDINATOR).get(f"/api/retention-runs/{run.pk}/")
    assert response.json()["people"][0]["reference"] == person.reference
    (event,) = AccessEvent.objects.order_by("id")[before:]
    assert event.people == [person.pk]
