"""A coordinator or administrator resets another person's second factor, with a reason, on the
Staff sign-in page or through the API: never their own, never an account with more rights."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import SecondFactorReset
from mars.roles import Role
from tests.conftest import TwoFactorClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESETTERS = [Role.COORDINATOR, Role.ADMINISTRATOR]
PAGE = "/accounts/staff-sign-in/"
API = "/api/second-factor-resets/"


def signed_in(user) -> HttpClient:
    other = TwoFactorClient()
    other.force_login(user)
    return other


@pytest.mark.parametrize("role", list(Role))
def test_only_coordinators_and_administrators_have_the_staff_sign_in_page(as_role, role):
    response = as_role(role).get(reverse("accounts:second_factors"))
    assert response.status_code == (200 if role in RESETTERS else 403)


@pytest.mark.parametrize("role", list(Role))
def test_the_navigation_links_to_staff_sign_in_only_for_those_who_may_reset(
    client, make_user, role
):
    client.force_login(make_user(role))
    page = client.get(reverse("notifications"))
    assert (PAGE in page.text) == (role in RESETTERS)


@pytest.mark.parametrize("role", list(Role))
def test_only_coordinators_and_administrators_may_reset_through_the_api(client, make_user, role):
    actor = make_user(role)
    target = make_user(role, username="colleague")  # same rights: may_manage holds for any role
    signed_in(target)  # has a second factor now
    client.force_login(actor)
    response = client.post(API, {"account": target.pk, "reason": "Lost phone"})
    assert response.status_code == (201 if role in RESETTERS else 403)
    assert TOTPDevice.objects.filter(user=target).exists() == (role not in RESETTERS)
    assert SecondFactorReset.objects.filter(account=target).exists() == (role in RESETTERS)


def test_a_coordinator_resets_a_support_workers_second_factor_on_the_page(
    client, coordinator, make_user
):
    support = make_user(Role.SUPPORT)
    their_phone = signed_in(support)
    StaticDevice.objects.create(user=support, name="Recovery codes")
    client.force_login(coordinator)
    page = client.get(PAGE)
    assert f"Reset second factor for {support.get_full_name()}" in page.text

    response = client.post(PAGE, {"account": support.pk, "reason": "Phone stolen"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=support).exists()
    assert not StaticDevice.objects.filter(user=support).exists()
    # Signed out everywhere: their next request finds the session ended.
    assert their_phone.get(reverse("home")).status_code == 302
    assert SESSION_KEY not in their_phone.session
    reset = SecondFactorReset.objects.get()
    assert (reset.by, reset.account, reset.reason) == (coordinator, support, "Phone stolen")
    assert "Phone stolen" in client.get(PAGE).text
    assert SESSION_KEY in client.session  # the coordinator's own session is untouched


def test_after_a_reset_the_person_sets_up_again_at_their_next_sign_in(
    client, coordinator, make_user, password_only_client
):
    support = make_user(Role.SUPPORT)
    signed_in(support)
    services.reset_second_factor(support, by=coordinator, reason="New phone")
    password_only_client.force_login(support)
    response = password_only_client.get(reverse("home"))
    assert response.url.startswith(reverse("accounts:set_up"))


def test_an_administrator_resets_another_administrator(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    other = make_user(Role.ADMINISTRATOR, username="admin2")
    signed_in(other)
    client.force_login(admin)
    response = client.post(API, {"account": other.pk, "reason": "Left their phone on a bus"})
    assert response.status_code == 201
    assert response.json()["by"] == admin.username
    assert not TOTPDevice.objects.filter(user=other).exists()


@pytest.mark.parametrize("role", RESETTERS)
def test_nobody_resets_their_own_second_factor(client, make_user, role):
    actor = make_user(role)
    client.force_login(actor)
    assert f"Reset second factor for {actor.get_full_name()}" not in client.get(PAGE).text
    page = client.post(PAGE, {"account": actor.pk, "reason": "Just because"})
    assert "You cannot reset your own second factor" in page.text
    assert client.post(API, {"account": actor.pk, "reason": "x"}).status_code == 403
    with pytest.raises(services.SecondFactorError):
        services.reset_second_factor(actor, by=actor, reason="x")
    assert TOTPDevice.objects.filter(user=actor).exists()
    assert not SecondFactorReset.objects.exists()


@pytest.mark.parametrize(
    ("actor_role", "target_role"),
    [
        (Role.COORDINATOR, Role.DIRECTOR),  # the director approves large payments
        (Role.COORDINATOR, Role.ADMINISTRATOR),
        (Role.ADMINISTRATOR, Role.COORDINATOR),
        (Role.ADMINISTRATOR, Role.SUPPORT),
    ],
)
def test_nobody_resets_the_second_factor_of_someone_with_rights_they_lack(
    client, make_user, actor_role, target_role
):
    actor = make_user(actor_role)
    target = make_user(target_role)
    signed_in(target)
    client.force_login(actor)
    assert f"Reset second factor for {target.get_full_name()}" not in client.get(PAGE).text
    page = client.post(PAGE, {"account": target.pk, "reason": "Lost phone"})
    assert "You may not reset this person" in page.text
    assert client.post(API, {"account": target.pk, "reason": "Lost phone"}).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not SecondFactorReset.objects.exists()


def test_a_superusers_second_factor_cannot_be_reset(client, make_user):
    boss = UserFactory(username="root", is_superuser=True)
    signed_in(boss)
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.post(API, {"account": boss.pk, "reason": "Lost phone"}).status_code == 403


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reset_needs_a_reason(client, coordinator, make_user, reason):
    support = make_user(Role.SUPPORT)
    signed_in(support)
    client.force_login(coordinator)
    page = client.post(PAGE, {"account": support.pk, "reason": reason})
    assert page.status_code == 200
    assert "This field is required" in page.text or "Give the reason" in page.text
    assert client.post(API, {"account": support.pk, "reason": reason}).status_code == 400
    assert TOTPDevice.objects.filter(user=support).exists()
    assert not SecondFactorReset.objects.exists()


def test_a_reset_record_cannot_be_changed(coordinator, make_user):
    reset = services.reset_second_factor(
        make_user(Role.SUPPORT), by=coordinator, reason="Lost phone"
    )
    reset.reason = "Something else"
    with pytest.raises(ValueError, match="cannot be changed"):
        reset.save()


def test_the_reset_endpoint_is_in_the_api_schema(client, coordinator):
    client.force_login(coordinator)
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/second-factor-resets/" in schema["paths"]
    assert "post" in schema["paths"]["/api/second-factor-resets/"]


def test_the_staff_page_shows_who_has_set_up_two_factor(client, coordinator, make_user):
    make_user(Role.SUPPORT)
    outreach = make_user(Role.OUTREACH)
    signed_in(outreach)
    client.force_login(coordinator)
    text = client.get(PAGE).text
    assert text.count("Two-factor sign-in set up") == 2  # the coordinator and outreach
    assert text.count("Not set up yet") == 1
