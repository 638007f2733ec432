"""Signing in with two factors: the password, then a code from an authenticator app (set up at the
first sign-in) or a one-time recovery code."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mars.roles import Role
from tests.clock import ORDINARY_DAY
from tests.factories import PASSWORD
from tests.twofactor import code_for, code_from_key, give_authenticator

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, username: str = "support") -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def key_on(page_text: str) -> str:
    return re.search(r'id="otp-key">([A-Z2-7 ]+)<', page_text).group(1)


def recovery_codes_on(page_text: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", page_text)


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_a_new_user_sets_up_an_authenticator_and_sees_ten_recovery_codes_once(
    password_only_client, make_user
):
    user = make_user(Role.SUPPORT)
    sign_in_with_password(password_only_client)
    home = password_only_client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url == reverse("accounts:set_up") + "?next=%2F"

    set_up = password_only_client.get(home.url)
    assert set_up.status_code == 200
    assert "<svg" in set_up.text and "otpauth" not in set_up.text  # drawn here, key not in a URL
    key = key_on(set_up.text)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed

    confirmed = password_only_client.post(home.url, {"code": code_from_key(key), "next": "/"})
    assert confirmed.status_code == 302
    assert confirmed.url == reverse("accounts:recovery_codes") + "?next=%2F"
    device.refresh_from_db()
    assert device.confirmed
    assert password_only_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    shown = password_only_client.get(confirmed.url)
    codes = recovery_codes_on(shown.text)
    assert len(set(codes)) == 10
    assert "Keep these codes safe" in shown.text
    assert shown.headers["Cache-Control"] == "no-store, private"  # nobody keeps a copy
    again = password_only_client.get(confirmed.url)
    assert again.status_code == 302  # never shown again
    assert not set(codes) & set(recovery_codes_on(password_only_client.get(again.url).text))
    assert password_only_client.get(reverse("home")).status_code == 200


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_a_wrong_code_at_set_up_is_refused_beside_the_field_and_the_key_is_kept(
    password_only_client, make_user
):
    make_user(Role.SUPPORT)
    sign_in_with_password(password_only_client)
    url = reverse("accounts:set_up")
    key = key_on(password_only_client.get(url).text)
    wrong = password_only_client.post(url, {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    assert key_on(wrong.text) == key
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_a_user_with_an_authenticator_enters_its_code_and_goes_on_to_next(
    password_only_client, make_user, sam
):
    device = give_authenticator(make_user(Role.SUPPORT))
    person = reverse("clients:detail", args=[sam.pk])
    response = password_only_client.post(
        reverse("login") + f"?next={person}",
        {"username": "support", "password": PASSWORD, "next": person},
    )
    step = password_only_client.get(response.url)
    assert step.url == reverse("accounts:verify") + f"?next=%2Fpeople%2F{sam.pk}%2F"
    page = password_only_client.get(step.url)
    assert "Enter the code from your authenticator app" in page.text
    before = password_only_client.session.session_key

    signed_in = password_only_client.post(step.url, {"code": code_for(device), "next": person})
    assert signed_in.status_code == 302
    assert signed_in.url == person
    assert password_only_client.session.session_key != before  # a new key with the factor
    assert password_only_client.get(person).status_code == 200


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x"])
def test_next_pointing_to_another_site_is_not_followed(password_only_client, make_user, elsewhere):
    device = give_authenticator(make_user(Role.SUPPORT))
    sign_in_with_password(password_only_client)
    response = password_only_client.post(
        reverse("accounts:verify"), {"code": code_for(device), "next": elsewhere}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_wrong_code_is_shown_beside_the_field_and_keeps_the_user_signed_in_by_password(
    password_only_client, make_user
):
    give_authenticator(make_user(Role.SUPPORT))
    sign_in_with_password(password_only_client)
    response = password_only_client.post(reverse("accounts:verify"), {"code": "123456"})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert SESSION_KEY in password_only_client.session
    assert DEVICE_ID_SESSION_KEY not in password_only_client.session


def test_wrong_codes_are_throttled_even_when_the_next_code_is_right(
    password_only_client, make_user
):
    device = give_authenticator(make_user(Role.SUPPORT))
    with time_machine.travel(ORDINARY_DAY, tick=False) as clock:
        sign_in_with_password(password_only_client)
        url = reverse("accounts:verify")
        password_only_client.post(url, {"code": "123456"})
        clock.shift(1.5)  # each wrong code doubles the wait: 1 second, then 2, 4...
        password_only_client.post(url, {"code": "654321"})
        throttled = password_only_client.post(url, {"code": code_for(device)})
        assert throttled.status_code == 200
        assert "Too many wrong codes. Wait 2 seconds and try again." in throttled.text
        assert DEVICE_ID_SESSION_KEY not in password_only_client.session
        clock.shift(1)
        still = password_only_client.post(url, {"code": code_for(device)})
        assert "Wait 1 second and try again." in still.text
        clock.shift(1)
        assert password_only_client.post(url, {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_a_code_already_used_cannot_be_used_again(client, password_only_client, make_user):
    user = make_user(Role.SUPPORT)
    device = give_authenticator(user)
    code = code_for(device)
    sign_in_with_password(client)
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 302
    sign_in_with_password(password_only_client)
    again = password_only_client.post(reverse("accounts:verify"), {"code": code})
    assert again.status_code == 200
    assert "That code is not right" in again.text


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_a_recovery_code_signs_in_once_only(client, password_only_client, make_user):
    user = make_user(Role.SUPPORT)
    client.force_login(user)
    client.post(reverse("accounts:two_factor"), {"code": code_for(give_authenticator(user))})
    codes = recovery_codes_on(client.get(reverse("accounts:recovery_codes")).text)
    assert len(codes) == 10

    sign_in_with_password(password_only_client)
    used = password_only_client.post(reverse("accounts:verify"), {"code": codes[0].upper()})
    assert used.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert "9 left" in password_only_client.get(reverse("home")).text

    password_only_client.post(reverse("logout"))
    sign_in_with_password(password_only_client)
    clock_safe = password_only_client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert clock_safe.status_code == 200
    assert "That code is not right" in clock_safe.text


def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(client, make_user):
    user = make_user(Role.SUPPORT)
    device = give_authenticator(user)
    url = reverse("accounts:two_factor")
    with time_machine.travel(ORDINARY_DAY, tick=False) as clock:
        client.force_login(user)
        client.post(url, {"code": code_for(device)})
        first = recovery_codes_on(client.get(reverse("accounts:recovery_codes")).text)

        refused = client.post(url, {"code": "000000"})
        assert "That code is not right" in refused.text
        assert not client.session.get("mars_new_recovery_codes")

        clock.shift(30)  # past the throttle, and the app shows its next code
        client.post(url, {"code": code_for(device)})
    second = recovery_codes_on(client.get(reverse("accounts:recovery_codes")).text)
    assert len(second) == 10
    held = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert held == set(second)
    assert not held & set(first)


def test_the_two_factor_page_shows_whether_it_is_set_up(client, make_user):
    user = make_user(Role.SUPPORT)
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor"))
    assert "Two-factor sign-in is set up" in page.text
    assert "0 recovery codes left" in page.text


def test_the_set_up_page_sends_someone_already_set_up_to_the_code_page(
    password_only_client, make_user
):
    give_authenticator(make_user(Role.SUPPORT))
    sign_in_with_password(password_only_client)
    response = password_only_client.get(reverse("accounts:set_up"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.count() == 1


def test_a_password_only_session_is_sent_to_the_code_page_for_the_admin(
    password_only_client, make_user
):
    user = make_user(Role.ADMINISTRATOR)
    give_authenticator(user)
    password_only_client.force_login(user)
    response = password_only_client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:verify") + "?next=%2Fadmin%2F"


def test_a_password_only_session_gets_403_json_from_the_api(password_only_client, make_user):
    password_only_client.force_login(make_user(Role.SUPPORT))
    response = password_only_client.get("/api/clients/")
    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_the_api_does_not_count_a_password_only_session_even_without_the_middleware(
    password_only_client, make_user, settings
):
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if name != "accounts.middleware.RequireSecondFactorMiddleware"
    ]
    password_only_client.force_login(make_user(Role.SUPPORT))
    response = password_only_client.get("/api/clients/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Authentication credentials were not provided."


def test_a_verified_session_uses_the_api(client, make_user):
    client.force_login(make_user(Role.SUPPORT))
    assert client.get("/api/clients/").status_code == 200


def test_healthz_and_sign_out_stay_open_to_a_password_only_session(password_only_client, make_user):
    password_only_client.force_login(make_user(Role.SUPPORT))
    assert password_only_client.get(reverse("healthz")).status_code == 200
    assert password_only_client.post(reverse("logout")).status_code == 302
    assert SESSION_KEY not in password_only_client.session


@override_settings(MARS_REQUIRE_2FA=False)
def test_with_two_factor_not_required_the_password_alone_signs_in(password_only_client, make_user):
    make_user(Role.SUPPORT)
    sign_in_with_password(password_only_client)
    assert password_only_client.get(reverse("home")).status_code == 200
    assert password_only_client.get("/api/clients/").status_code == 200
