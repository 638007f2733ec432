"""My account and the staff pages, on a phone and a desktop: an API token made and seen once,
then revoked; another signed-in session ended; a coordinator adds a support worker's account."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mars.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def verify_second_factor(page, user: User) -> None:  # type: ignore[no-untyped-def]
    """Mark the browser's session as signed in with a second factor, as django-otp does after a
    code (the sign-in flow's own journey enters one)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(cookie["value"])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.save()


def open_header_link(page, name: str) -> None:  # type: ignore[no-untyped-def]
    menu = page.locator("summary", has_text="Menu")
    if page.viewport_size["width"] < 700 and menu.is_visible():
        menu.click()
    page.get_by_role("link", name=name, exact=True).click()


@pytest.mark.parametrize("size", SIZES)
def test_a_worker_makes_an_api_token_sees_it_once_and_revokes_it(open_page, size):
    support = UserFactory(username="support", role=Role.SUPPORT, first_name="Sid")
    page = open_page(SIZES[size])
    sign_in(page, "support")
    verify_second_factor(page, support)
    open_header_link(page, "My account")
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    page.get_by_label("Name").fill("Weekly export script")
    page.get_by_role("button", name="Make a token").click()
    shown = page.get_by_label("New API token")
    expect(shown).to_be_visible()
    secret = shown.input_value()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

    page.goto("/accounts/me/")
    expect(page.get_by_role("row", name=re.compile("Weekly export script"))).to_be_visible()
    assert secret not in page.content()

    page.get_by_role("button", name="Revoke Weekly export script").click()
    expect(page.get_by_text("revoked")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    assert page.console_errors == []


def test_a_worker_ends_a_session_left_open_on_another_device(open_page):
    UserFactory(username="support", role=Role.SUPPORT)
    phone = open_page(PHONE)
    sign_in(phone, "support")
    desk = open_page(DESKTOP)
    sign_in(desk, "support")

    open_header_link(desk, "My account")
    sessions = desk.get_by_role("region", name="Signed-in sessions").or_(
        desk.locator("section", has=desk.get_by_role("heading", name="Signed-in sessions"))
    )
    expect(sessions.get_by_text("This device")).to_have_count(1)
    expect(sessions.get_by_role("listitem")).to_have_count(2)
    sessions.get_by_role("button", name=re.compile("^End the session on")).click()
    expect(desk.get_by_text("Session ended.")).to_be_visible()
    expect(sessions.get_by_role("listitem")).to_have_count(1)

    phone.goto("/people/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    desk.goto("/people/")
    expect(desk.get_by_role("heading", name="People")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_a_coordinator_adds_a_support_workers_account(open_page, size):
    UserFactory(username="coordinator", role=Role.COORDINATOR, first_name="Cora")
    page = open_page(SIZES[size])
    sign_in(page, "coordinator")
    if size == "phone":
        page.locator("summary", has_text="Menu").click()
    main_menu = page.get_by_role("navigation", name="Main")
    main_menu.get_by_role("link", name="Staff", exact=True).click()  # not "Staff sign-in"
    expect(page.get_by_role("heading", name="Staff")).to_be_visible()
    page.get_by_role("link", name="Add a staff account").click()

    page.get_by_label("Username").fill("robin")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Hart")
    page.get_by_label("Email").fill("robin@mars.example")
    roles = page.get_by_label("Role").locator("option").all_inner_texts()
    assert "Administrator" not in roles
    assert "Support worker" in roles
    page.get_by_label("Role").select_option(label="Support worker")
    page.get_by_role("button", name="Add account").click()

    expect(page.get_by_text("emailed a link to set their password")).to_be_visible()
    expect(page.get_by_role("heading", name="Robin Hart")).to_be_visible()
    expect(page.get_by_text("Account added with the role Support worker")).to_be_visible()
    robin = User.objects.get(username="robin")
    assert set(robin.groups.values_list("name", flat=True)) == {Role.SUPPORT.value}
    assert not robin.is_staff and not robin.is_superuser
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/reset/\S+/", message.body).group(0)
    assert link.split("/reset/")[1] not in page.content()
    assert page.console_errors == []
