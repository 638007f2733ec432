"""One table of real-world name pairs drives both search and the duplicate warning: a pair is
either found by both or by neither (clients.names is the one matcher)."""

import pytest
from django.urls import reverse

from clients.models import Client, PersonName
from clients.names import normalise
from clients.services import find_possible_duplicates, merge_clients, update_client
from mars.roles import Role
from reporting.bundle import FORMAT, import_bundle
from tests.factories import ClientFactory, ContactFactory

pytestmark = pytest.mark.django_db

# (the person on record, any known-as or aliases), (what a worker types: first, last), found?
PAIRS = [
    (("Michael", "O'Brien", {}), ("Michael", "OBrien"), True),
    (("Michael", "O'Brien", {}), ("micheal", "obrien"), True),
    (("Michael", "O'Brien", {}), ("Mick", "O\u2019Brien"), True),
    (("Łukasz", "Nowak", {}), ("Lukasz", "Nowak"), True),
    (("Siobhán", "Kelly", {}), ("Siobhan", "Kelly"), True),
    (("Daniel", "Price", {}), ("Danny", "Price"), True),
    (("Daniel", "Price", {}), ("Danny", "Pryce"), True),
    (("Daniel", "Price", {}), ("Dan", "Price"), True),
    (("Stephen", "Walsh", {}), ("Steve", "Walsh"), True),
    (("Stephen", "Walsh", {}), ("Steven", "Walsh"), True),
    (("Robert", "Doyle", {}), ("Bob", "Doyle"), True),
    (("Elizabeth", "Harris", {}), ("Liz", "Harris"), True),
    (("Elizabeth", "Harris", {}), ("Beth", "Haris"), True),
    (("William", "Evans", {}), ("Bill", "Evans"), True),
    (("James", "Collins", {}), ("Jim", "Colins"), True),
    (("Thomas", "Rowe", {}), ("Tom", "Rowe"), True),
    (("Katherine", "Tucker", {}), ("Kate", "Tucker"), True),
    (("Katherine", "Tucker", {}), ("Catherine", "Tucker"), True),
    (("Susan", "Pascoe", {}), ("Sue", "Pascoe"), True),
    (("Sean", "Murphy", {}), ("Shaun", "Murphy"), True),
    (("Mohammed", "Ali", {}), ("Muhammad", "Ali"), True),
    (("Anne-Marie", "Smith-Jones", {}), ("Anne Marie", "Smith Jones"), True),
    (("Anne-Marie", "Smith-Jones", {}), ("annemarie", "smithjones"), True),
    (("Kieran", "O'Neil", {}), ("Kieran", "O\u2019Neil"), True),
    (("Kieran", "O'Neil", {}), ("Ciaran", "ONeill"), True),
    (("Jade", "Trewin", {"known_as": "JJ"}), ("JJ", ""), True),
    (("Daniel", "Price", {"aliases": ["Dan the Man"]}), ("Dan the", "Man"), True),
    (("Daniel", "Price", {"aliases": ["Danny Pryce"]}), ("danny", "pryce"), True),
    (("Tomasz", "Kowalski", {}), ("Thomas", "Kowalski"), True),
    (("Gary", "McDonald", {}), ("Garry", "MacDonald"), True),
    (("Sarah", "Rowe", {}), ("Sara", "Rowe"), True),
    (("Philip", "Evans", {}), ("Phillip", "Evans"), True),
    (("Daniel", "Price", {}), ("Kevin", "Walsh"), False),
    (("Michael", "O'Brien", {}), ("Michael", "Collins"), False),
    (("Thomas", "Rowe", {}), ("Paul", "Rowe"), False),
    (("Elizabeth", "Harris", {}), ("Elaine", "Harrison"), False),
    (("Aisha", "Mohamed", {}), ("Amir", "Mohamed"), False),
    (("Emma", "Pascoe", {}), ("Emily", "Pascoe"), False),
    (("Susan", "Pascoe", {}), ("Simon", "Pascoe"), False),
]


def _person(first: str, last: str, extra: dict) -> Client:
    return ClientFactory(first_name=first, last_name=last, date_of_birth=None, **extra)


def _label(pair: tuple) -> str:
    (first, last, _), (typed_first, typed_last), found = pair
    return f"{typed_first} {typed_last} {'finds' if found else 'misses'} {first} {last}"


def test_the_table_holds_at_least_thirty_pairs_of_each_answer_in_all():
    assert len(PAIRS) >= 30
    assert {found for *_, found in PAIRS} == {True, False}


@pytest.mark.parametrize("pair", PAIRS, ids=_label)
def test_search_finds_the_person_by_any_spelling_of_their_name(pair):
    (first, last, extra), (typed_first, typed_last), found = pair
    person = _person(first, last, extra)
    results = Client.objects.active().search(f"{typed_first} {typed_last}")
    assert (person in results) is found


@pytest.mark.parametrize("pair", PAIRS, ids=_label)
def test_the_duplicate_warning_finds_the_person_without_a_date_of_birth(pair):
    (first, last, extra), (typed_first, typed_last), found = pair
    person = _person(first, last, extra)
    candidates = find_possible_duplicates(first_name=typed_first, last_name=typed_last)
    assert (person in candidates) is found


def test_names_are_normalised_for_case_accents_apostrophes_and_hyphens():
    assert normalise("Łukasz O\u2019Brien-Smith") == "lukasz obrien smith"
    assert normalise("  SIOBHÁN   o'neil ") == "siobhan oneil"


def test_a_matching_date_of_birth_ranks_a_person_first_and_a_different_one_last():
    same = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth="1984-03-12")
    unknown = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth=None)
    different = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth="1990-01-01")
    found = find_possible_duplicates(
        first_name="Daniel", last_name="Price", date_of_birth="1984-03-12"
    )
    assert found == [same, unknown, different]


def test_changing_a_name_changes_what_finds_the_person():
    person = ClientFactory(first_name="Daniel", last_name="Price")
    update_client(person, {"last_name": "O'Brien"}, aliases=["Dazza"], by=None)
    assert set(PersonName.objects.filter(client=person).values_list("normalised", flat=True)) >= {
        "obrien",
        "dazza",
    }
    assert list(Client.objects.search("obrien")) == [person]
    assert list(Client.objects.search("dazza")) == [person]
    assert not Client.objects.search("price").exists()


def test_people_list_finds_obrien_typed_without_the_apostrophe(as_role):
    person = ClientFactory(first_name="Michael", last_name="O'Brien")
    response = as_role(Role.OUTREACH).get(reverse("clients:list"), {"q": "obrien"})
    assert person.get_absolute_url() in response.text


def test_adding_a_person_with_no_date_of_birth_warns_of_a_similar_name(as_role):
    daniel = ClientFactory(first_name="Daniel", last_name="Price", known_as="Dan")
    response = as_role(Role.OUTREACH).post(
        reverse("clients:create"),
        {
            "first_name": "Danny",
            "last_name": "Price",
            "gender": "not_known",
            "status": "rough_sleeping",
            "local_connection": "unknown",
            "reconnection_policy_applies": "not_assessed",
        },
    )
    assert response.status_code == 200
    assert "This person may already have a record" in response.text
    assert daniel.reference in response.text
    assert Client.objects.count() == 1


def test_the_warning_says_when_and_where_a_possible_match_was_last_seen(as_role):
    daniel = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth=None)
    ContactFactory(client=daniel, location="Bus station")
    response = as_role(Role.OUTREACH).post(
        reverse("clients:create"),
        {
            "first_name": "Danny",
            "last_name": "Pryce",
            "gender": "not_known",
            "status": "rough_sleeping",
            "local_connection": "unknown",
            "reconnection_policy_applies": "not_assessed",
        },
    )
    assert "date of birth not known" in response.text
    assert "Bus station" in response.text


def test_a_merged_persons_names_find_the_record_they_were_merged_into():
    survivor = ClientFactory(first_name="Daniel", last_name="Price")
    duplicate = ClientFactory(first_name="Danny", last_name="Pryce", known_as="Dan the Man")
    merge_clients(duplicate, survivor, by=None)
    assert list(Client.objects.active().search("Dan the Man")) == [survivor]
    assert list(Client.objects.active().search("Danny Pryce")) == [survivor]


def test_people_imported_from_a_bundle_are_found_by_name():
    data = {
        "format": FORMAT,
        "clients": [{"ref": "C01", "first_name": "Łukasz", "last_name": "O'Brien"}],
    }
    import_bundle(data)
    assert Client.objects.search("lukasz obrien").get().external_ref == "C01"
