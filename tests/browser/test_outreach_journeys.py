import re

import pytest
from playwright.sync_api import expect

from clients.models import Client
from mars.roles import Role
from outreach.models import Contact, OutreachSession, SevereWeatherActivation
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outreach_worker_on_a_phone_starts_a_session_logs_contacts_and_identifies_a_sighting(
    open_page,
):
    UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen", last_name="Hale")
    mick = ClientFactory(first_name="Michael", last_name="O'Brien", known_as="Mick")
    page = open_page(PHONE)
    sign_in(page, "outreach")

    # Today's session is one tap from home.
    page.get_by_role("link", name="Start today's session").click()
    page.get_by_label("Area or route").fill("Hoe and Barbican")
    page.get_by_role("button", name="Start session").click()
    session = OutreachSession.objects.get()
    expect(page).to_have_url(re.compile(rf"/outreach/sessions/{session.pk}/$"))

    # Find Mick, then three taps: Log contact, Bedded down, Save.
    page.get_by_label("Find a person to log a contact").fill("Mick")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 person")).to_be_visible()
    taps = 0
    page.get_by_role("link", name=re.compile("Log contact")).click()
    taps += 1
    expect(page.get_by_role("heading", name="Log a contact")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("Bedded down")).check()
    taps += 1
    page.get_by_role("button", name="Save contact").click()
    taps += 1
    assert taps <= 3
    expect(page).to_have_url(re.compile(rf"/outreach/sessions/{session.pk}/$"))
    expect(page.get_by_text("Michael O'Brien: contact logged.")).to_be_visible()
    contact = Contact.objects.get()
    assert contact.client == mick and contact.bedded_down and contact.session == session
    assert contact.verification == "seen_by_worker"

    # An unidentified sighting, remembered session and all.
    page.get_by_role("link", name="Log an unidentified sighting").click()
    page.get_by_label("Description").fill("Young man, red hoodie, black dog")
    page.get_by_role("checkbox", name=re.compile("Bedded down")).check()
    page.get_by_label("Location").fill("Under the Mayflower steps")
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 50.36462, "longitude": -4.13617, "accuracy": 12})
    page.get_by_text("Time, kind, place on the map, needs and notes").click()
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_label("Latitude")).to_have_value("50.36462")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Unidentified sighting: contact logged.")).to_be_visible()
    sighting = Contact.objects.get(client__isnull=True)
    assert sighting.session == session
    assert (str(sighting.latitude), str(sighting.longitude)) == ("50.36462", "-4.13617")

    # Later: the sighting becomes a new person's record.
    page.goto("/outreach/sightings/")
    page.get_by_role("link", name="Young man, red hoodie, black dog").click()
    page.get_by_role("link", name="Make a new person record").click()
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Blake")
    page.get_by_role("button", name="Save").click()
    jordan = Client.objects.get(first_name="Jordan")
    expect(page).to_have_url(re.compile(rf"/people/{jordan.pk}/$"))
    timeline = page.locator("#timeline")
    expect(timeline.get_by_role("link", name="Contact, bedded down")).to_be_visible()
    sighting.refresh_from_db()
    assert sighting.client == jordan
    timeline.get_by_role("link", name="Contact, bedded down").click()
    expect(
        page.locator(".history").get_by_text(f"Identified as {jordan.reference}")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.console_errors == []


def test_coordinator_activates_swep_and_records_an_offer_on_a_desktop(open_page):
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    sam = ClientFactory(first_name="Sam", last_name="Example")
    ContactFactory(client=sam, location="Bus station")
    page = open_page(DESKTOP)
    sign_in(page, "coordinator")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outreach").click()
    page.get_by_role("link", name="SWEP").click()
    page.get_by_role("link", name="Activate SWEP").click()
    page.get_by_label("Trigger").select_option("freezing")
    page.get_by_label("Forecast minimum (°C)").fill("-3")
    page.get_by_role("button", name="Activate SWEP").click()
    activation = SevereWeatherActivation.objects.get()
    expect(page).to_have_url(re.compile(rf"/outreach/swep/{activation.pk}/$"))
    expect(page.get_by_role("status").get_by_text("SWEP is in force")).to_be_visible()

    page.get_by_role("link", name="Record offer to Sam Example").click()
    page.get_by_label("Shelter bed").check()
    page.get_by_label("Declined").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Say why the offer was declined.")).to_be_visible()
    expect(page.get_by_label("Declined")).to_be_checked()
    page.get_by_label("Reason for declining").fill("Will not leave his dog")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("SWEP offer saved.")).to_be_visible()
    summary = page.get_by_role("region", name="Summary")
    expect(summary.get_by_text("Declined")).to_be_visible()
    expect(page.locator(".result").get_by_text("Declined")).to_be_visible()
    assert page.console_errors == []
