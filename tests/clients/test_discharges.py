"""Discharges from institutions (issue 20, item 1): their own records with history, special
category like health access, on the person page and in the API, for each role."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from audit.models import AccessEvent
from clients import services
from clients.access import HELD
from clients.models import Client, Discharge
from mars.dates import month_bounds
from mars.roles import Role
from tests.clock import ORDINARY_DAY
from tests.factories import ClientFactory, DischargeFactory, UserFactory

# Every leaving here is in the past of a day that is no boundary.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]

LEFT = dt.date(2026, 10, 12)


@pytest.fixture
def keyworker() -> User:
    return UserFactory(username="kw", role=Role.SUPPORT)


@pytest.fixture
def lee(keyworker: User) -> Client:
    return ClientFactory(first_name="Lee", last_name="Harris", key_worker=keyworker)


@pytest.fixture
def released(lee: Client, keyworker: User) -> Discharge:
    return services.record_discharge(
        lee, kind="prison", date=LEFT, evidence="verified", notes="HMP Exeter", by=keyworker
    )


def _form(kind: str = "prison", date: str = "12/10/2026", **more: str) -> dict[str, str]:
    return {"kind": kind, "date": date, "evidence": "self_reported", "notes": "", **more}


# The services


def test_recording_the_same_leaving_twice_is_refused_beside_the_date(
    released: Discharge, coordinator: User
) -> None:
    with pytest.raises(services.ClientError) as refused:
        services.record_discharge(released.client, kind="prison", date=LEFT, by=coordinator)
    assert refused.value.field == "date" and "already recorded" in str(refused.value)
    # Another institution on the same day is another leaving.
    services.record_discharge(released.client, kind="hospital_general", date=LEFT, by=coordinator)
    assert released.client.discharges.count() == 2


def test_a_change_onto_another_leaving_is_refused(released: Discharge, coordinator: User) -> None:
    other = services.record_discharge(
        released.client, kind="prison", date=dt.date(2026, 9, 1), by=coordinator
    )
    with pytest.raises(services.ClientError):
        services.change_discharge(other, {"date": LEFT}, by=coordinator)
    changed = services.change_discharge(other, {"evidence": "verified"}, by=coordinator)
    assert changed.evidence == "verified"


def test_only_those_who_see_special_category_change_or_remove_one(
    released: Discharge, support: User, keyworker: User
) -> None:
    with pytest.raises(services.ClientError):
        services.change_discharge(released, {"notes": "x"}, by=support)
    with pytest.raises(services.ClientError):
        services.remove_discharge(released, by=support)
    services.remove_discharge(released, by=keyworker)
    assert not Discharge.objects.exists()
    assert Discharge.history.filter(history_type="-").get().history_user == keyworker


def test_a_merged_person_takes_no_new_discharge(lee: Client, coordinator: User) -> None:
    other = ClientFactory()
    services.merge_clients(lee, other, by=coordinator)
    with pytest.raises(services.ClientError):
        services.record_discharge(lee, kind="prison", date=LEFT, by=coordinator)


# The pages


def test_the_key_worker_records_one_and_sees_it_with_its_history(
    client: Any, lee: Client, keyworker: User
) -> None:
    client.force_login(keyworker)
    person = client.get(lee.get_absolute_url())
    assert "Leaving institutions" in person.text
    assert reverse("clients:discharge_create", args=[lee.pk]) in person.text
    response = client.post(
        reverse("clients:discharge_create", args=[lee.pk]),
        _form(evidence="verified", notes="Probation confirmed"),
    )
    assert response.status_code == 302
    discharge = lee.discharges.get()
    assert (discharge.kind, discharge.date, discharge.created_by) == ("prison", LEFT, keyworker)
    page = strip_tags(client.get(discharge.get_absolute_url()).text)
    assert "Prison" in page and "12/10/2026" in page and "Verified" in page
    assert "Probation confirmed" in page and "Created" in page
    listed = strip_tags(client.get(lee.get_absolute_url()).text)
    assert "Left prison" in listed and "12/10/2026" in listed


def test_the_same_leaving_twice_is_a_message_beside_the_date_not_an_error(
    client: Any, released: Discharge, keyworker: User
) -> None:
    client.force_login(keyworker)
    response = client.post(
        reverse("clients:discharge_create", args=[released.client_id]), _form(notes="Again")
    )
    assert response.status_code == 200
    assert "already recorded" in " ".join(response.context["form"].errors["date"])
    assert "Again</textarea>" in response.text


def test_a_date_in_the_future_is_refused(client: Any, lee: Client, keyworker: User) -> None:
    client.force_login(keyworker)
    response = client.post(
        reverse("clients:discharge_create", args=[lee.pk]), _form(date="18/06/2027")
    )
    assert response.status_code == 200 and "date" in response.context["form"].errors


def test_changing_and_deleting_after_asking(
    client: Any, released: Discharge, coordinator: User
) -> None:
    client.force_login(coordinator)
    edit = reverse("clients:discharge_edit", args=[released.pk])
    response = client.post(edit, _form(kind="youth_custody"))
    assert response.status_code == 302
    released.refresh_from_db()
    assert released.kind == "youth_custody"
    history = strip_tags(client.get(released.get_absolute_url()).text)
    assert "Youth custody" in history and "Changed" in history

    delete = reverse("clients:discharge_delete", args=[released.pk])
    assert delete in client.get(released.get_absolute_url()).text
    asked = client.get(delete)
    assert asked.status_code == 200 and "Delete this record?" in asked.text
    assert Discharge.objects.filter(pk=released.pk).exists()
    gone = client.post(delete)
    assert gone.status_code == 302 and gone["Location"] == released.client.get_absolute_url()
    assert not Discharge.objects.filter(pk=released.pk).exists()
    assert client.get(released.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH, Role.DIRECTOR])
def test_others_read_that_one_is_held_and_cannot_change_it(
    as_role: Any, released: Discharge, role: str
) -> None:
    browser = as_role(role)
    person = strip_tags(browser.get(released.client.get_absolute_url()).text)
    assert "1 record of leaving an institution held" in person and "Left prison" not in person
    page = browser.get(released.get_absolute_url())
    assert page.status_code == 200
    text = strip_tags(page.text)
    assert HELD in text and "Prison" not in text and "12/10/2026" not in text
    assert "HMP Exeter" not in text and "Left prison" not in text
    assert reverse("clients:discharge_edit", args=[released.pk]) not in page.text
    for name in ("discharge_edit", "discharge_delete"):
        url = reverse(f"clients:{name}", args=[released.pk])
        assert browser.get(url).status_code == 403
        assert browser.post(url, _form(kind="hospital_general")).status_code == 403
    assert Discharge.objects.get(pk=released.pk).kind == "prison"


@pytest.mark.parametrize("role", [Role.PANEL, Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_roles_that_read_no_case_records_see_nothing_of_them(
    as_role: Any, released: Discharge, role: str
) -> None:
    browser = as_role(role)
    assert browser.get(released.get_absolute_url()).status_code == 404
    assert browser.get("/api/discharges/").status_code == 403


def test_reading_a_discharge_is_in_the_access_log(
    client: Any, released: Discharge, coordinator: User
) -> None:
    client.force_login(coordinator)
    client.get(released.get_absolute_url())
    event = AccessEvent.objects.filter(path=released.get_absolute_url()).get()
    assert event.people == [released.client_id]
    client.get("/api/discharges/", {"client": released.client_id})
    listed = AccessEvent.objects.filter(path__startswith="/api/discharges/").get()
    assert listed.people == [released.client_id]


# The API


def test_the_api_records_lists_changes_and_deletes(
    client: Any, lee: Client, keyworker: User
) -> None:
    client.force_login(keyworker)
    created = client.post(
        "/api/discharges/",
        {"client": lee.pk, "kind": "hospital_mental_health", "date": "2026-10-01"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["evidence"] == "self_reported" and body["restricted"] is False
    assert body["created_by"] == keyworker.pk
    twice = client.post(
        "/api/discharges/",
        {"client": lee.pk, "kind": "hospital_mental_health", "date": "2026-10-01"},
        content_type="application/json",
    )
    assert twice.status_code == 400 and "already recorded" in str(twice.json())
    listed = client.get("/api/discharges/", {"client": lee.pk}).json()["results"]
    assert [d["id"] for d in listed] == [body["id"]]
    changed = client.patch(
        f"/api/discharges/{body['id']}/", {"evidence": "verified"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["evidence"] == "verified"
    moved = client.patch(
        f"/api/discharges/{body['id']}/",
        {"client": ClientFactory().pk},
        content_type="application/json",
    )
    assert moved.status_code == 400
    assert client.delete(f"/api/discharges/{body['id']}/").status_code == 204
    assert not lee.discharges.exists()


def test_the_api_masks_it_for_those_who_may_not_see_it(
    client: Any, released: Discharge, support: User
) -> None:
    client.force_login(support)
    record = client.get(f"/api/discharges/{released.pk}/").json()
    assert record["restricted"] is True
    assert [record[k] for k in ("kind", "date", "evidence", "notes")] == [None] * 4
    assert (
        client.patch(
            f"/api/discharges/{released.pk}/", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"/api/discharges/{released.pk}/").status_code == 403
    released.refresh_from_db()
    assert released.notes == "HMP Exeter"


@pytest.mark.parametrize(
    ("role", "listed", "created"),
    [
        (Role.COORDINATOR, 200, 201),
        (Role.SUPPORT, 200, 201),
        (Role.OUTREACH, 200, 201),
        (Role.DIRECTOR, 200, 403),
        (Role.PANEL, 403, 403),
        (Role.RESETTLEMENT_MANAGER, 403, 403),
        (Role.COMMISSIONER, 403, 403),
        (Role.ADMINISTRATOR, 403, 403),
    ],
)
def test_the_api_for_each_role(
    as_role: Any, lee: Client, role: str, listed: int, created: int
) -> None:
    browser = as_role(role)
    assert browser.get("/api/discharges/").status_code == listed
    answer = browser.post(
        "/api/discharges/",
        {"client": lee.pk, "kind": "prison", "date": "2026-10-01"},
        content_type="application/json",
    )
    assert answer.status_code == created


def test_the_outreach_worker_records_one_but_does_not_change_it(
    as_role: Any, released: Discharge
) -> None:
    browser = as_role(Role.OUTREACH)
    page = browser.get(reverse("clients:discharge_create", args=[released.client_id]))
    assert page.status_code == 200
    assert browser.delete(f"/api/discharges/{released.pk}/").status_code == 403


def test_one_who_may_not_see_them_learns_nothing_from_sending_one_again(
    released: Discharge, as_role: Any
) -> None:
    outreach = as_role(Role.OUTREACH)
    # The same leaving again is taken as done, as a new one would be: neither says what is held.
    for day in ("2026-10-12", "2026-10-13"):
        answer = outreach.post(
            "/api/discharges/",
            {"client": released.client_id, "kind": "prison", "date": day},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["kind"] is None
    assert released.client.discharges.count() == 2


def test_a_filter_by_kind_tells_no_one_who_may_not_see_them_who_left_prison(
    released: Discharge, as_role: Any
) -> None:
    for role, count in ((Role.OUTREACH, 0), (Role.COORDINATOR, 1)):
        found = as_role(role).get("/api/discharges/", {"kind": "prison"}).json()
        assert found["count"] == count, role
    assert as_role(Role.OUTREACH).get("/api/discharges/").json()["count"] == 1


def test_merging_two_records_of_the_same_leaving_keeps_one_with_both_notes(
    released: Discharge, coordinator: User
) -> None:
    twin = ClientFactory(first_name="Lee", last_name="Harris")
    services.record_discharge(
        twin, kind="prison", date=LEFT, notes="Told us at the day centre", by=coordinator
    )
    services.record_discharge(twin, kind="hospital_general", date=LEFT, by=coordinator)

    services.merge_clients(twin, released.client, by=coordinator)

    kept = released.client.discharges.order_by("kind")
    assert [(d.kind, d.date) for d in kept] == [("hospital_general", LEFT), ("prison", LEFT)]
    assert kept.get(kind="prison").notes == "HMP Exeter\n\nTold us at the day centre"


def test_a_deleted_one_stays_on_the_person_page_with_who_deleted_it(
    released: Discharge, keyworker: User, as_role: Any, client: Any
) -> None:
    keyworker.first_name, keyworker.last_name = "Kit", "Worker"
    keyworker.save()
    services.remove_discharge(released, by=keyworker)
    client.force_login(keyworker)
    text = strip_tags(client.get(released.client.get_absolute_url()).content.decode())
    assert "Deleted" in text and "Left prison" in text and "by Kit Worker" in text
    # Those who may not see the person's special category data see nothing of it.
    other = strip_tags(as_role(Role.SUPPORT).get(released.client.get_absolute_url()).text)
    assert "Left prison" not in other and "HMP Exeter" not in other


def test_the_schema_has_the_discharges(as_role: Any) -> None:
    schema = as_role(Role.COORDINATOR).get("/api/schema/").text
    assert "/api/discharges/" in schema and "/api/discharges/{id}/" in schema


def test_the_list_pages_query_count_does_not_grow(
    as_role: Any, django_assert_max_num_queries: Any, coordinator: User
) -> None:
    for n in range(15):
        DischargeFactory(date=dt.date(2026, 9, 1) + dt.timedelta(days=n))
    browser = as_role(Role.COORDINATOR)
    with django_assert_max_num_queries(16):
        assert browser.get("/api/discharges/").status_code == 200


# The demo


def test_the_demo_has_a_prison_leaver_within_85_days_and_a_nationality_to_fix(
    settings: Any,
) -> None:
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    today = timezone.localdate()
    _, end = month_bounds(today.replace(day=1))
    lee = Client.objects.get(first_name="Lee", last_name="Harris")
    prison = lee.discharges.get(kind="prison")
    assert end - dt.timedelta(days=85) <= prison.date <= end and prison.date <= today
    assert Discharge.objects.count() >= 3
    darren = Client.objects.get(first_name="Darren", last_name="Yeo")
    assert (darren.nationality, darren.nationality_as_recorded) == ("", "Kurdish")
