"""API tokens: made by their owner after the second factor, shown once, stored hashed, expiring;
revoked by their owner, on password change or reset, deactivation and lockout; refused while
locked out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import ApiToken
from mars.roles import Role
from tests.clock import ORDINARY_DAY
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def api(secret: str) -> int:
    return Client().get("/api/clients/", HTTP_AUTHORIZATION=f"Token {secret}").status_code


def make(client: Client, name: str = "Reporting script") -> str:
    response = client.post(reverse("accounts:token_create"), {"name": name})
    assert response.status_code == 200
    match = re.search(r'id="new-token"[^>]*value="([^"]+)"', response.text)
    assert match, "the new token is shown"
    return match.group(1)


@pytest.fixture
def signed_in(client, make_user, verify):
    user = make_user(Role.SUPPORT)
    client.force_login(user)
    verify(client, user)
    return client


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_a_token_is_shown_once_stored_hashed_and_expires_after_ninety_days(signed_in, support):
    secret = make(signed_in)
    assert api(secret) == 200
    (token,) = AuthToken.objects.filter(user=support)
    assert secret not in (token.digest, token.token_key)
    assert token.expiry == timezone.now() + timedelta(days=90)
    page = signed_in.get(reverse("accounts:account")).text
    assert "Reporting script" in page
    assert secret not in page
    assert "no-store" in signed_in.get(reverse("accounts:account")).headers["Cache-Control"]
    with time_machine.travel(ORDINARY_DAY + timedelta(days=90, minutes=1), tick=False):
        assert api(secret) in (401, 403)


@pytest.fixture
def support(signed_in):
    from django.contrib.auth.models import User

    return User.objects.get(username="support")


def test_no_token_without_the_second_factor(password_only_client, make_user):
    password_only_client.force_login(make_user(Role.SUPPORT))
    response = password_only_client.post(reverse("accounts:token_create"), {"name": "Script"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:set_up"))
    assert not AuthToken.objects.exists()


@override_settings(MARS_REQUIRE_2FA=False)
def test_no_token_without_the_second_factor_even_where_it_is_not_required(
    password_only_client, make_user
):
    password_only_client.force_login(make_user(Role.SUPPORT))
    response = password_only_client.post(reverse("accounts:token_create"), {"name": "Script"})
    assert "second factor" in response.text
    assert not AuthToken.objects.exists()


def test_the_owner_revokes_a_token_at_once(signed_in, support):
    secret = make(signed_in)
    token = ApiToken.objects.get()
    signed_in.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert api(secret) in (401, 403)
    assert not ApiToken.objects.exists()


def test_nobody_revokes_or_sees_another_persons_token(signed_in, make_user, verify):
    secret = make(signed_in)
    token = ApiToken.objects.get()
    other = Client()
    coordinator = make_user(Role.COORDINATOR)
    other.force_login(coordinator)
    verify(other, coordinator)
    assert other.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert "Reporting script" not in other.get(reverse("accounts:account")).text
    assert api(secret) == 200


def test_a_password_change_revokes_the_tokens(signed_in):
    secret = make(signed_in)
    new = "another-long-password-2026"
    signed_in.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert api(secret) in (401, 403)


def test_a_password_reset_revokes_the_tokens(
    signed_in, support, django_capture_on_commit_callbacks
):
    secret = make(signed_in)
    anonymous = Client()
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent through the outbox
        anonymous.post(reverse("password_reset"), {"email": support.email})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form = anonymous.get(link, follow=True)
    new = "another-long-password-2026"
    anonymous.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert api(secret) in (401, 403)


def test_a_lockout_revokes_the_tokens_and_a_locked_account_is_refused(signed_in, support):
    secret = make(signed_in)
    made_later = AuthToken.objects.create(user=support)[1]
    for _ in range(10):
        Client().post(reverse("login"), {"username": "support", "password": "wrong-password-1"})
    assert api(secret) in (401, 403)
    assert api(made_later) in (401, 403)
    # A token made while locked (by a command, say) is refused until the lockout ends.
    during = AuthToken.objects.create(user=support)[1]
    assert api(during) in (401, 403)
    assert AuthToken.objects.filter(user=support).exists()


def test_a_token_of_an_inactive_account_is_refused(make_user):
    user = make_user(Role.SUPPORT)
    _, secret = AuthToken.objects.create(user=user)
    user.is_active = False
    user.save()
    assert api(secret) in (401, 403)


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_the_account_page_says_when_a_token_was_last_used(signed_in):
    secret = make(signed_in)
    assert "Never" in signed_in.get(reverse("accounts:account")).text
    api(secret)
    assert ApiToken.objects.get().last_used == timezone.now()


def test_tokens_are_the_only_token_authentication():
    from django.conf import settings

    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "accounts.authentication.VerifiedSessionAuthentication",
        "accounts.tokens.TokenAuthentication",
    ]
