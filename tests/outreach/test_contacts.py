"""Logging contacts and sightings, linking sightings to people, and the person's timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.services import merge_clients
from mars.roles import Role
from outreach import services
from outreach.models import Contact
from tests import clock
from tests.factories import ClientFactory, ContactFactory, HotspotFactory, OutreachSessionFactory

NEW_CONTACT = reverse("outreach:contact_create")


def _form(**fields):  # type: ignore[no-untyped-def]
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {
        "at": now,
        "kind": "street_outreach",
        "engagement": "engaged",
        "verification": "seen_by_worker",
        "location": "Royal Parade",
    }
    data.update(fields)
    return data


def test_outreach_worker_logs_a_bedded_down_contact_for_a_known_person(as_role, sam):
    browser = as_role(Role.OUTREACH)
    session = OutreachSessionFactory(area="Hoe and Barbican")
    session.staff.add(_user(browser))
    form = browser.get(NEW_CONTACT + f"?client={sam.pk}")
    assert form.context["form"].initial["session"] == session
    response = browser.post(
        NEW_CONTACT + f"?client={sam.pk}", _form(bedded_down="on", session=session.pk)
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    assert contact.client == sam and contact.bedded_down
    assert contact.verification == "seen_by_worker"
    assert contact.worker.username == "outreach"
    assert contact.history.get().history_user.username == "outreach"


def _user(browser):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=browser.session["_auth_user_id"])


def test_the_form_remembers_session_and_location_for_the_next_contact(as_role, sam):
    browser = as_role(Role.OUTREACH)
    session = OutreachSessionFactory(date=timezone.localdate() - dt.timedelta(days=1))
    hotspot = HotspotFactory(name="Bus station")
    browser.post(
        NEW_CONTACT + f"?client={sam.pk}",
        _form(session=session.pk, location="Side door, bus station", hotspot=hotspot.pk),
    )
    other = ClientFactory()
    initial = browser.get(NEW_CONTACT + f"?client={other.pk}").context["form"].initial
    assert initial["session"] == session
    assert initial["location"] == "Side door, bus station"
    assert initial["hotspot"] == hotspot.pk


def test_an_unidentified_sighting_needs_a_description_and_keeps_what_was_typed(as_role):
    browser = as_role(Role.OUTREACH)
    response = browser.post(NEW_CONTACT, _form(bedded_down="on", notes="Asleep, left water"))
    assert response.status_code == 200
    assert (
        "Describe the person" in response.content.decode()
        or response.context["form"].errors["description"]
    )
    assert response.context["form"]["notes"].value() == "Asleep, left water"
    assert not Contact.objects.exists()
    browser.post(NEW_CONTACT, _form(bedded_down="on", description="Tall man, grey beard, dog"))
    sighting = Contact.objects.get()
    assert sighting.client is None and sighting.description == "Tall man, grey beard, dog"


def test_bedded_down_needs_how_it_was_verified(as_role, sam):
    browser = as_role(Role.OUTREACH)
    response = browser.post(
        NEW_CONTACT + f"?client={sam.pk}", _form(bedded_down="on", verification="")
    )
    assert response.context["form"].errors["verification"]
    assert not Contact.objects.exists()


def test_a_contact_cannot_be_in_the_future(as_role, sam):
    browser = as_role(Role.OUTREACH)
    later = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = browser.post(NEW_CONTACT + f"?client={sam.pk}", _form(at=later))
    assert response.context["form"].errors["at"]
    assert not Contact.objects.exists()
    # The time is among the folded-away fields: they open to show its error.
    assert '<details class="more" open>' in response.content.decode()
    assert '<details class="more">' in browser.get(NEW_CONTACT).content.decode()


def test_coordinates_come_in_pairs_and_in_range(as_role, sam):
    browser = as_role(Role.OUTREACH)
    response = browser.post(NEW_CONTACT + f"?client={sam.pk}", _form(latitude="50.37"))
    assert response.context["form"].errors["latitude"]
    response = browser.post(
        NEW_CONTACT + f"?client={sam.pk}", _form(latitude="95", longitude="-4.14")
    )
    assert response.context["form"].errors["latitude"]
    browser.post(
        NEW_CONTACT + f"?client={sam.pk}", _form(latitude="50.37012", longitude="-4.14271")
    )
    assert str(Contact.objects.get().latitude) == "50.37012"


def test_a_contact_for_a_merged_record_goes_to_the_record_that_stayed(as_role, coordinator):
    browser = as_role(Role.OUTREACH)
    survivor, duplicate = ClientFactory(), ClientFactory()
    merge_clients(duplicate, survivor, by=coordinator)
    browser.post(NEW_CONTACT + f"?client={duplicate.pk}", _form())
    assert Contact.objects.get().client == survivor


def test_a_merge_moves_contacts_to_the_survivor(coordinator):
    survivor, duplicate = ClientFactory(), ClientFactory()
    contact = ContactFactory(client=duplicate)
    merge_clients(duplicate, survivor, by=coordinator)
    contact.refresh_from_db()
    assert contact.client == survivor


def test_the_people_search_offers_log_contact_to_those_who_may(as_role, sam, make_user):
    browser = as_role(Role.OUTREACH)
    page = browser.get(reverse("clients:list") + "?q=Sam").content.decode()
    assert f"{NEW_CONTACT}?client={sam.pk}" in page
    browser.force_login(make_user(Role.PANEL))
    page = browser.get(reverse("clients:list") + "?q=Sam").content.decode()
    assert "Log contact" not in page


def test_linking_a_sighting_to_a_person_shows_in_history_and_the_timeline(as_role, sam):
    browser = as_role(Role.OUTREACH)
    sighting = ContactFactory(client=None, description="Woman with a purple rucksack")
    url = reverse("outreach:contact_link", args=[sighting.pk])
    found = browser.get(url + "?q=Sam")
    assert sam in list(found.context["people"])
    response = browser.post(url, {"client": sam.pk})
    assert response.url == sam.get_absolute_url()
    sighting.refresh_from_db()
    assert sighting.client == sam
    detail = browser.get(reverse("outreach:contact_detail", args=[sighting.pk])).content.decode()
    assert f"Identified as {sam.reference}" in detail
    person = browser.get(sam.get_absolute_url()).content.decode()
    assert sighting.get_absolute_url() in person


def test_a_sighting_is_linked_once_even_if_two_workers_try(outreach, sam):
    sighting = ContactFactory(client=None, description="Man with a bike")
    services.link_contact(sighting, sam, by=outreach)
    with pytest.raises(services.OutreachError, match="already linked"):
        services.link_contact(sighting, ClientFactory(), by=outreach)
    sighting.refresh_from_db()
    assert sighting.client == sam


@pytest.mark.django_db(transaction=True)
def test_two_workers_linking_one_sighting_at_once_make_one_link():
    from tests.concurrency import at_once
    from tests.factories import UserFactory

    sighting = ContactFactory(client=None, description="Man with a bike")
    first, second = ClientFactory(), ClientFactory()
    worker = UserFactory()
    results = at_once(
        lambda: services.link_contact(sighting, first, by=worker),
        lambda: services.link_contact(sighting, second, by=worker),
    )
    assert sum(isinstance(r, services.OutreachError) for r in results) == 1
    sighting.refresh_from_db()
    assert sighting.client in (first, second)
    assert sighting.history.filter(history_change_reason__startswith="Identified").count() == 1


def test_people_are_found_by_the_description_of_an_earlier_sighting(as_role, sam):
    browser = as_role(Role.OUTREACH)
    ContactFactory(client=sam, description="Green sleeping bag, Staffie called Bruno")
    new = ContactFactory(client=None, description="Staffie, green bag")
    found = browser.get(reverse("outreach:contact_link", args=[new.pk]) + "?q=Bruno")
    assert list(found.context["people"]) == [sam]


def test_a_sighting_becomes_a_new_person_record(as_role):
    browser = as_role(Role.OUTREACH)
    sighting = ContactFactory(client=None, description="Young man, red hoodie")
    url = reverse("outreach:contact_new_person", args=[sighting.pk])
    response = browser.post(
        url,
        {
            "first_name": "Jamie",
            "last_name": "Rowe",
            "gender": "male",
            "status": "rough_sleeping",
            "local_connection": "unknown",
            "reconnection_policy_applies": "not_assessed",
            "primary_care_relevant": "on",
        },
    )
    jamie = Client.objects.get(first_name="Jamie")
    assert response.url == jamie.get_absolute_url()
    sighting.refresh_from_db()
    assert sighting.client == jamie
    assert sighting.history.first().history_change_reason.startswith("Identified as MARS-")


def test_a_new_person_from_a_sighting_is_checked_for_duplicates_first(as_role, sam):
    browser = as_role(Role.OUTREACH)
    sighting = ContactFactory(client=None, description="Sam? by the library")
    url = reverse("outreach:contact_new_person", args=[sighting.pk])
    data = {
        "first_name": "Sam",
        "last_name": "Example",
        "date_of_birth": "1985-02-01",
        "gender": "male",
        "status": "rough_sleeping",
        "local_connection": "unknown",
        "reconnection_policy_applies": "not_assessed",
    }
    response = browser.post(url, data)
    assert response.status_code == 200
    assert [match.client for match in response.context["candidates"]] == [sam]
    sighting.refresh_from_db()
    assert sighting.client is None and Client.objects.count() == 1


def test_a_contact_cannot_be_moved_to_another_person(outreach, sam):
    contact = ContactFactory(client=sam)
    contact.client = ClientFactory()
    with pytest.raises(services.OutreachError):
        services.log_contact(contact, by=outreach)


def test_the_timeline_lists_contacts_and_interventions_newest_first(as_role, sam):
    from tests.factories import InterventionFactory

    browser = as_role(Role.SUPPORT)
    old = ContactFactory(
        client=sam, at=timezone.now() - dt.timedelta(days=30), location="Old place"
    )
    new = ContactFactory(
        client=sam, at=timezone.now() - dt.timedelta(hours=2), location="New place"
    )
    work = InterventionFactory(client=sam, opened=timezone.localdate() - dt.timedelta(days=10))
    timeline = browser.get(sam.get_absolute_url()).context["timeline"].entries
    assert [e.url for e in timeline] == [
        new.get_absolute_url(),
        work.get_absolute_url(),
        old.get_absolute_url(),
    ]


def test_unidentified_sightings_are_searchable_by_description(as_role):
    browser = as_role(Role.OUTREACH)
    ContactFactory(client=None, description="Woman, yellow coat")
    ContactFactory(client=None, description="Man, blue tent")
    page = browser.get(reverse("outreach:sighting_list") + "?q=yellow")
    assert [c.description for c in page.context["page"].object_list] == ["Woman, yellow coat"]


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(clock.SPRING_FORWARD, id="spring-forward"),
        pytest.param(clock.FALL_BACK, id="fall-back"),
        pytest.param(clock.ORDINARY_DAY, id="ordinary-day"),
    ],
)
def test_a_contact_may_be_up_to_five_minutes_ahead_across_the_clock_changes(
    time_machine, as_role, sam, now
):
    time_machine.move_to(now, tick=False)
    browser = as_role(Role.OUTREACH)

    def log(minutes: int):  # type: ignore[no-untyped-def]
        at = (now + dt.timedelta(minutes=minutes)).isoformat()
        return _post_api(browser, {"client": sam.pk, "kind": "phone", "at": at})

    assert log(-59).status_code == 201
    assert log(4).status_code == 201
    refused = log(6)
    assert refused.status_code == 400 and "future" in str(refused.json())
    assert Contact.objects.count() == 2


def test_a_contact_in_the_hour_after_the_clocks_go_forward_is_logged_in_summer_time(
    time_machine, as_role, sam
):
    time_machine.move_to(clock.SPRING_FORWARD, tick=False)  # 02:30 BST
    browser = as_role(Role.OUTREACH)
    assert browser.post(NEW_CONTACT + f"?client={sam.pk}", _form(at="2027-03-28T02:34")).url
    contact = Contact.objects.get()
    assert contact.at == clock.SPRING_FORWARD + dt.timedelta(minutes=4)
    response = browser.post(NEW_CONTACT + f"?client={sam.pk}", _form(at="2027-03-28T02:36"))
    assert response.context["form"].errors["at"] == ["A contact cannot be in the future."]


def test_a_contact_in_the_repeated_hour_when_the_clocks_go_back_is_logged(
    time_machine, as_role, sam
):
    time_machine.move_to(clock.FALL_BACK, tick=False)  # the second 01:30 of the night, GMT
    browser = as_role(Role.OUTREACH)
    form = browser.get(NEW_CONTACT + f"?client={sam.pk}").context["form"]
    assert f"{form.initial['at']:%H:%M}" == "01:30"
    response = browser.post(NEW_CONTACT + f"?client={sam.pk}", _form())
    assert response.status_code == 302
    # 01:30 shows twice: it is read as the first (BST) one, an hour before now, never after it.
    assert Contact.objects.get().at == clock.FALL_BACK - dt.timedelta(hours=1)


def test_a_time_the_clocks_skip_is_refused(time_machine, as_role, sam):
    time_machine.move_to(clock.SPRING_FORWARD, tick=False)
    browser = as_role(Role.OUTREACH)
    response = browser.post(NEW_CONTACT + f"?client={sam.pk}", _form(at="2027-03-28T01:30"))
    assert "may not exist" in str(response.context["form"].errors["at"])
    assert not Contact.objects.exists()


def _post_api(browser, data):  # type: ignore[no-untyped-def]
    return browser.post(reverse("contact-list"), data, content_type="application/json")
