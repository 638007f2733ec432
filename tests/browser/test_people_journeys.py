import re

import pytest
from playwright.sync_api import expect

from clients.models import Client
from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import ClientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outreach_worker_adds_a_person_on_a_phone_past_a_near_duplicate(open_page):
    UserFactory(username="outreach", role=Role.OUTREACH, first_name="Owen", last_name="Hale")
    existing = ClientFactory(first_name="Robyn", last_name="Tremain", date_of_birth="1990-04-02")
    page = open_page(PHONE)
    sign_in(page, "outreach")

    page.get_by_label("Find a person").fill("Robin Tremayne")
    page.get_by_role("button", name="Search").click()
    # Found by how the name sounds; the worker decides it is someone else and adds them.
    expect(page.get_by_role("link", name="Robyn Tremain", exact=True)).to_be_visible()
    page.get_by_role("link", name="Add a person").first.click()

    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Tremayne")
    page.get_by_label("Date of birth", exact=True).fill("1990-04-02")
    page.get_by_label("Aliases").fill("Bird")
    page.get_by_role("button", name="Save").click()

    expect(
        page.get_by_role("heading", name="This person may already have a record")
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Robyn Tremain"))).to_be_visible()
    expect(page.get_by_label("Last name")).to_have_value("Tremayne")
    page.get_by_label("I have checked: this is a different person").check()
    page.get_by_role("button", name="Save as a new person").click()

    robin = Client.objects.get(first_name="Robin")
    expect(page).to_have_url(re.compile(rf"/people/{robin.pk}/$"))
    expect(page.get_by_text(robin.reference).first).to_be_visible()
    history = page.locator(".history")
    expect(history.get_by_text("Created").first).to_be_visible()
    expect(history.get_by_text("by Owen Hale").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert Client.objects.count() == 2 and existing.pk != robin.pk
    assert page.console_errors == []


def test_coordinator_merges_two_duplicates_and_the_old_address_redirects(open_page):
    UserFactory(username="coordinator", role=Role.COORDINATOR)
    survivor = ClientFactory(first_name="Daniel", last_name="Price", date_of_birth="1984-03-12")
    duplicate = ClientFactory(first_name="Danny", last_name="Pryce", date_of_birth="1984-03-12")
    page = open_page(DESKTOP)
    sign_in(page, "coordinator")

    page.goto(f"/people/{duplicate.pk}/")
    page.get_by_role("link", name="Merge into another record").click()
    page.get_by_label("Reference of the record that stays").fill(survivor.reference)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Merge these records").click()

    expect(page).to_have_url(re.compile(rf"/people/{survivor.pk}/$"))
    expect(
        page.get_by_text(f"{duplicate.reference} merged into {survivor.reference}")
    ).to_be_visible()
    expect(
        page.locator(".history").get_by_text(
            f"{duplicate.reference} (Danny Pryce) merged into this record"
        )
    ).to_be_visible()

    page.goto(f"/people/{duplicate.pk}/")
    expect(page).to_have_url(re.compile(rf"/people/{survivor.pk}/$"))
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_commissioner_is_refused_a_persons_page(open_page, viewport):
    UserFactory(username="commissioner", role=Role.COMMISSIONER)
    sam = ClientFactory(first_name="Sam", last_name="Example")
    page = open_page(viewport)
    sign_in(page, "commissioner")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    ).to_have_count(0)

    response = page.goto(f"/people/{sam.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Sam Example")).to_have_count(0)
