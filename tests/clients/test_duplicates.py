import pytest
from django.urls import reverse

from clients.models import Client
from clients.services import find_possible_duplicates
from mars.roles import Role
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

NEW_PERSON = {
    "first_name": "Danny",
    "last_name": "Pryce",
    "date_of_birth": "1984-03-12",
    "gender": "male",
    "status": "rough_sleeping",
    "local_connection": "unknown",
    "reconnection_policy_applies": "not_assessed",
    "primary_care_relevant": "on",
}


@pytest.fixture
def daniel(db):
    return ClientFactory(
        first_name="Daniel", last_name="Price", date_of_birth="1984-03-12", aliases=["Dan the Man"]
    )


def test_same_birth_date_and_similar_name_is_a_possible_duplicate(daniel):
    found = find_possible_duplicates(
        first_name="Danny", last_name="Pryce", date_of_birth=daniel.date_of_birth
    )
    assert found == [daniel]


def test_same_birth_date_but_different_name_is_not(daniel):
    assert (
        find_possible_duplicates(
            first_name="Kevin", last_name="Walsh", date_of_birth=daniel.date_of_birth
        )
        == []
    )


def test_similar_name_but_different_birth_date_is_not(daniel):
    assert (
        find_possible_duplicates(first_name="Danny", last_name="Pryce", date_of_birth="1990-01-01")
        == []
    )


def test_an_alias_matching_an_existing_alias_is_a_possible_duplicate(daniel):
    found = find_possible_duplicates(first_name="Unknown", aliases=["dan the man"])
    assert found == [daniel]


def test_a_name_matching_an_existing_alias_is_a_possible_duplicate(daniel):
    assert find_possible_duplicates(first_name="Dan the", last_name="Man") == [daniel]


def test_an_alias_matching_an_existing_name_is_a_possible_duplicate(daniel):
    assert find_possible_duplicates(first_name="Somebody", aliases=["Daniel Price"]) == [daniel]


def test_merged_records_are_not_offered_as_duplicates(daniel):
    survivor = ClientFactory()
    daniel.merged_into = survivor
    daniel.save()
    assert (
        find_possible_duplicates(first_name="Danny", last_name="Pryce", date_of_birth="1984-03-12")
        == []
    )


def test_create_page_shows_possible_duplicates_and_saves_nothing(as_role, daniel):
    response = as_role(Role.OUTREACH).post(reverse("clients:create"), NEW_PERSON)
    assert response.status_code == 200
    assert Client.objects.count() == 1
    assert "This person may already have a record" in response.text
    assert daniel.get_absolute_url() in response.text
    assert 'value="Pryce"' in response.text


def test_confirming_a_different_person_creates_the_record(as_role, daniel):
    response = as_role(Role.OUTREACH).post(
        reverse("clients:create"), {**NEW_PERSON, "confirmed_distinct": "on"}
    )
    assert response.status_code == 302
    assert Client.objects.filter(first_name="Danny").exists()


def test_api_refuses_a_possible_duplicate_until_confirmed(as_role, daniel):
    client = as_role(Role.SUPPORT)
    payload = {"first_name": "Danny", "last_name": "Pryce", "date_of_birth": "1984-03-12"}
    refused = client.post("/api/clients/", payload, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["possible_duplicates"][0]["reference"] == daniel.reference
    created = client.post(
        "/api/clients/", {**payload, "confirmed_distinct": True}, content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["reference"].startswith("MARS-")
