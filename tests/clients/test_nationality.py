"""A person's nationality is a country (issue 20, item 1): chosen from a list that names and
demonyms find, shown by its name, set through the page and the API; text that named no one
country waits on the coordinator's list of nationalities to fix."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from audit.models import AccessEvent
from clients import countries, services
from clients.models import Client
from mars.roles import Role
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Polish", "PL"),
        ("UK", "GB"),
        ("British", "GB"),
        ("Scottish", "GB"),
        ("welsh", "GB"),
        ("Northern Irish", "GB"),
        ("Irish", "IE"),
        ("Romanian", "RO"),
        ("Roumanian", "RO"),
        ("Portugese", "PT"),
        ("Dutch", "NL"),
        ("Eritrean", "ER"),
        ("Sudanese", "SD"),
        ("Afghan", "AF"),
        ("Iranian", "IR"),
        ("Syrian", "SY"),
        ("Vietnamese", "VN"),
        ("Filipino", "PH"),
        ("Ivorian", "CI"),
        ("Burmese", "MM"),
        ("Argentinian", "AR"),
        ("Kiwi", "NZ"),
        ("American", "US"),
        ("Kosovan", "XK"),
        ("Türkiye", "TR"),
        ("Turkish", "TR"),
    ],
)
def test_names_demonyms_and_spellings_find_the_country(written: str, code: str) -> None:
    assert countries.match(written) == code


@pytest.mark.parametrize("written", ["Kurdish", "Roma", "African", "British/Irish", "Korean"])
def test_text_that_names_no_one_country_finds_none(written: str) -> None:
    assert countries.match(written) is None


@pytest.mark.parametrize("written", ["No", "no", "NO", "NA", "n/a", "NI", "Br", "Can", "pl"])
def test_words_and_abbreviations_are_not_read_as_country_codes(written: str) -> None:
    assert countries.match(written) is None


@pytest.mark.parametrize(("written", "code"), [("PL", "PL"), ("POL", "PL"), ("GBR", "GB")])
def test_a_code_written_as_a_code_finds_the_country(written: str, code: str) -> None:
    assert countries.match(written) == code


def test_most_countries_have_a_demonym_or_another_name() -> None:
    named = [c for c in countries.countries() if countries.OTHER_NAMES.get(c.code)]
    assert len(named) >= 190
    assert all(code in countries.by_code() for code in countries.OTHER_NAMES)


def test_the_form_offers_a_plain_list_whose_options_carry_their_other_names(
    as_role: Any, sam: Client
) -> None:
    page = as_role(Role.SUPPORT).get(reverse("clients:edit", args=[sam.pk])).text
    assert '<select name="nationality"' in page and "data-country-find" in page
    assert '<label for="id_nationality">Nationality' in page
    assert '<option value="" selected>Not known</option>' in page
    assert 'value="PL" data-names="PL|Republic of Poland|Polish|Pole' in page
    assert "js/country-find.js" in page


def test_setting_a_country_on_the_page_shows_its_name(as_role: Any, sam: Client) -> None:
    browser = as_role(Role.SUPPORT)
    data = {
        "first_name": "Sam",
        "last_name": "Example",
        "gender": "male",
        "nationality": "PL",
        "status": "rough_sleeping",
        "local_connection": "unknown",
        "reconnection_policy_applies": "not_assessed",
    }
    response = browser.post(reverse("clients:edit", args=[sam.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    sam.refresh_from_db()
    assert sam.nationality == "PL"
    details = strip_tags(browser.get(sam.get_absolute_url()).text)
    assert "Poland" in details


def test_a_code_that_is_no_country_is_refused_beside_the_field(as_role: Any, sam: Client) -> None:
    response = as_role(Role.SUPPORT).post(
        reverse("clients:edit", args=[sam.pk]), {"first_name": "Sam", "nationality": "ZZ"}
    )
    assert response.status_code == 200
    assert "nationality" in response.context["form"].errors


def test_setting_a_country_clears_the_text_it_was_recorded_as(coordinator: Any) -> None:
    person = ClientFactory(nationality="", nationality_as_recorded="Kurdish")
    services.update_client(person, {"known_as": "Az"}, by=coordinator)
    person.refresh_from_db()
    assert person.nationality_as_recorded == "Kurdish"
    services.update_client(person, {"nationality": "IQ"}, by=coordinator)
    person.refresh_from_db()
    assert (person.nationality, person.nationality_as_recorded) == ("IQ", "")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.COORDINATOR, 200),
        (Role.SUPPORT, 200),
        (Role.OUTREACH, 200),
        (Role.DIRECTOR, 403),
        (Role.PANEL, 403),
        (Role.COMMISSIONER, 403),
        (Role.ADMINISTRATOR, 403),
        (Role.RESETTLEMENT_MANAGER, 403),
    ],
)
def test_the_nationalities_to_fix_are_for_those_who_change_people(
    as_role: Any, role: str, status: int
) -> None:
    ClientFactory(first_name="Azad", nationality="", nationality_as_recorded="Kurdish")
    response = as_role(role).get(reverse("clients:nationalities_to_fix"))
    assert response.status_code == status
    people = as_role(role).get(reverse("clients:list"))
    shown = people.status_code == 200 and "Nationalities to fix: 1" in people.text
    assert shown is (status == 200)


def test_the_list_shows_what_was_written_links_to_set_it_and_returns_after(
    as_role: Any, django_assert_max_num_queries: Any
) -> None:
    azad = ClientFactory(first_name="Azad", nationality="", nationality_as_recorded="Kurdish")
    roma = ClientFactory(first_name="Rosa", nationality="", nationality_as_recorded="Roma")
    ClientFactory(first_name="Piotr", nationality="PL")
    ClientFactory(first_name="Nobody", nationality="")
    for n in range(20):
        ClientFactory(nationality="", nationality_as_recorded=f"Written {n}")
    browser = as_role(Role.COORDINATOR)
    with django_assert_max_num_queries(14):
        response = browser.get(reverse("clients:nationalities_to_fix"))
    text = strip_tags(response.text)
    assert "22 people to fix" in text and "“Kurdish”" in text and "“Roma”" in text
    assert "Piotr" not in text and "Nobody" not in text
    edit = reverse("clients:edit", args=[azad.pk]) + "?from=nationalities"
    assert edit in response.text
    # Reading the list is reading those people: the access log's.
    event = AccessEvent.objects.filter(path=reverse("clients:nationalities_to_fix")).latest("at")
    assert azad.pk in event.people and roma.pk in event.people

    form = browser.get(edit)
    assert "Recorded before as “Kurdish”" in form.text
    data = {
        "first_name": azad.first_name,
        "last_name": azad.last_name,
        "gender": azad.gender,
        "nationality": "IQ",
        "status": azad.status,
        "local_connection": azad.local_connection,
        "reconnection_policy_applies": azad.reconnection_policy_applies,
        "ethnicity": "",
        "public_funds": "not_known",
    }
    saved = browser.post(edit, data)
    assert saved.status_code == 302 and saved["Location"] == reverse("clients:nationalities_to_fix")
    azad.refresh_from_db()
    assert (azad.nationality, azad.nationality_as_recorded) == ("IQ", "")
    assert "21 people to fix" in strip_tags(browser.get(saved["Location"]).text)
    details = strip_tags(browser.get(azad.get_absolute_url()).text)
    assert "Iraq" in details and "recorded as “Kurdish”" not in details


def test_the_text_recorded_is_shown_as_text_not_markup(as_role: Any) -> None:
    person = ClientFactory(nationality="", nationality_as_recorded="<b>Kurd</b>")
    browser = as_role(Role.COORDINATOR)
    for url in (
        reverse("clients:edit", args=[person.pk]),
        reverse("clients:nationalities_to_fix"),
        person.get_absolute_url(),
    ):
        page = browser.get(url).text
        assert "<b>Kurd</b>" not in page and "&lt;b&gt;Kurd&lt;/b&gt;" in page, url


def test_the_person_page_shows_the_text_still_waiting_for_a_country(as_role: Any) -> None:
    azad = ClientFactory(first_name="Azad", nationality="", nationality_as_recorded="Kurdish")
    text = strip_tags(as_role(Role.SUPPORT).get(azad.get_absolute_url()).text)
    assert "Not known (recorded as “Kurdish”)" in text


def test_the_api_shows_the_code_and_the_name_and_sets_the_country(as_role: Any) -> None:
    azad = ClientFactory(first_name="Azad", nationality="", nationality_as_recorded="Kurdish")
    browser = as_role(Role.SUPPORT)
    before = browser.get(f"/api/clients/{azad.pk}/").json()
    assert before["nationality"] == "" and before["nationality_name"] == "Not known"
    assert before["nationality_as_recorded"] == "Kurdish"
    refused = browser.patch(
        f"/api/clients/{azad.pk}/", {"nationality": "Kurdistan"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "nationality" in refused.json()
    refused = browser.patch(
        f"/api/clients/{azad.pk}/", {"nationality": "ZZ"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "not a country code" in str(refused.json())
    after = browser.patch(
        f"/api/clients/{azad.pk}/",
        {"nationality": "iq", "nationality_as_recorded": "kept?"},
        content_type="application/json",
    ).json()
    assert after["nationality"] == "IQ" and after["nationality_name"] == "Iraq"
    assert after["nationality_as_recorded"] == ""
    listed = browser.get("/api/clients/", {"nationality": "IQ"}).json()["results"]
    assert [p["id"] for p in listed] == [azad.pk]
    rosa = ClientFactory(first_name="Rosa", nationality="")
    unknown = browser.get("/api/clients/", {"nationality": "not_known"}).json()["results"]
    assert [p["id"] for p in unknown] == [rosa.pk]


def test_the_api_creates_a_person_with_a_country(as_role: Any) -> None:
    created = as_role(Role.OUTREACH).post(
        "/api/clients/",
        {
            "first_name": "Ola",
            "last_name": "Nowak",
            "nationality": "PL",
            "confirmed_distinct": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["nationality_name"] == "Poland"


def test_the_schema_describes_the_nationality(as_role: Any) -> None:
    schema = as_role(Role.COORDINATOR).get("/api/schema/").text
    assert "nationality_name" in schema and "ISO 3166-1 alpha-2" in schema


def test_no_one_else_reads_the_list_through_an_unknown_role() -> None:
    nobody = UserFactory(username="nobody")
    from clients.access import can_fix_nationalities, nationalities_to_fix

    assert not can_fix_nationalities(nobody)
    assert not nationalities_to_fix(nobody).exists()
