"""Access to public funds (issue 20, item 1): an immigration fact, special category like the
ethnicity. Those who may not see a person's special category data neither read nor change it, on
the page, in the API and in the people list's filter."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import strip_tags

from clients.access import HELD
from clients.models import Client, PublicFunds
from mars.roles import Role
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyworker() -> User:
    return UserFactory(username="kw", role=Role.SUPPORT)


@pytest.fixture
def nadia(keyworker: User) -> Client:
    return ClientFactory(
        first_name="Nadia", last_name="Tesfay", key_worker=keyworker, public_funds="no_recourse"
    )


def _form_data(person: Client, **changes: str) -> dict[str, str]:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "gender": person.gender,
        "status": person.status,
        "local_connection": person.local_connection,
        "reconnection_policy_applies": person.reconnection_policy_applies,
        **changes,
    }


def test_the_key_worker_and_the_coordinator_read_and_change_it(
    client: Any, nadia: Client, keyworker: User, coordinator: User
) -> None:
    for user in (keyworker, coordinator):
        client.force_login(user)
        assert "No recourse to public funds" in strip_tags(
            client.get(nadia.get_absolute_url()).text
        )
        form = client.get(reverse("clients:edit", args=[nadia.pk])).text
        assert 'name="public_funds"' in form and "Access to public funds" in form
    response = client.post(
        reverse("clients:edit", args=[nadia.pk]), _form_data(nadia, public_funds="eligible")
    )
    assert response.status_code == 302
    nadia.refresh_from_db()
    assert nadia.public_funds == PublicFunds.ELIGIBLE


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH, Role.DIRECTOR])
def test_others_read_that_it_is_held_and_what_they_send_changes_nothing(
    as_role: Any, nadia: Client, role: str
) -> None:
    browser = as_role(role)
    details = strip_tags(browser.get(nadia.get_absolute_url()).text)
    assert "No recourse" not in details and HELD in details
    if role == Role.DIRECTOR:
        return
    form = browser.get(reverse("clients:edit", args=[nadia.pk])).text
    assert 'name="public_funds"' not in form
    response = browser.post(
        reverse("clients:edit", args=[nadia.pk]),
        _form_data(nadia, public_funds="eligible", known_as="Nad"),
    )
    assert response.status_code == 302
    nadia.refresh_from_db()
    assert (nadia.known_as, nadia.public_funds) == ("Nad", PublicFunds.NO_RECOURSE)


def test_not_known_is_no_secret(as_role: Any) -> None:
    person = ClientFactory(public_funds="not_known")
    details = strip_tags(as_role(Role.SUPPORT).get(person.get_absolute_url()).text)
    assert HELD not in details and "Access to public funds" in details


def test_the_api_masks_it_like_the_ethnicity(
    client: Any, nadia: Client, keyworker: User, support: User
) -> None:
    client.force_login(support)
    person = client.get(f"/api/clients/{nadia.pk}/").json()
    assert person["public_funds"] is None
    assert person["special_category"]["held"]["public_funds"] is True
    changed = client.patch(
        f"/api/clients/{nadia.pk}/", {"public_funds": "eligible"}, content_type="application/json"
    )
    assert changed.status_code == 200
    nadia.refresh_from_db()
    assert nadia.public_funds == PublicFunds.NO_RECOURSE

    client.force_login(keyworker)
    person = client.get(f"/api/clients/{nadia.pk}/").json()
    assert person["public_funds"] == "no_recourse" and person["special_category"]["visible"]
    changed = client.patch(
        f"/api/clients/{nadia.pk}/", {"public_funds": "eligible"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["public_funds"] == "eligible"


def test_the_people_list_filters_by_it_without_telling_who_has_it(
    client: Any, nadia: Client, keyworker: User, support: User, coordinator: User
) -> None:
    ClientFactory(first_name="Elsie", public_funds="eligible")
    url = reverse("clients:list")
    client.force_login(coordinator)
    page = client.get(url, {"public_funds": "no_recourse"})
    assert [p.pk for p in page.context["page"].object_list] == [nadia.pk]
    assert "No recourse to public funds" in page.text  # offered as a filter
    api = client.get("/api/clients/", {"public_funds": "no_recourse"}).json()["results"]
    assert [p["id"] for p in api] == [nadia.pk]

    client.force_login(support)
    assert not client.get(url, {"public_funds": "no_recourse"}).context["page"].object_list
    assert client.get("/api/clients/", {"public_funds": "no_recourse"}).json()["results"] == []

    client.force_login(keyworker)
    mine = client.get(url, {"public_funds": "no_recourse"}).context["page"].object_list
    assert [p.pk for p in mine] == [nadia.pk]


def test_the_need_filter_no_longer_offers_no_recourse(as_role: Any) -> None:
    page = as_role(Role.COORDINATOR).get(reverse("clients:list"))
    needs = [value for value, _ in page.context["form"].fields["need"].choices]
    assert "no_recourse_to_public_funds" not in needs
    refused = as_role(Role.COORDINATOR).get(
        reverse("clients:list"), {"need": "no_recourse_to_public_funds"}
    )
    assert refused.status_code == 200 and refused.context["form"].errors
