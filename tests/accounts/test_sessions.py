"""Signed-in sessions: listed on My account, ended one by one or all others; an absolute limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import SignedInSession
from accounts.sessions import device_name, end_sessions
from mars.roles import Role
from tests.clock import ORDINARY_DAY
from tests.factories import PASSWORD
from tests.twofactor import sign_in_with_both_factors

pytestmark = pytest.mark.django_db
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def sign_in(user_agent: str = FIREFOX_WINDOWS, ip: str = "203.0.113.5") -> Client:
    browser = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    return sign_in_with_both_factors(browser, "support")


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (CHROME_ANDROID, "Chrome on Android"),
        ("curl/8.0", "Unknown device"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "Headless Chrome on Linux",
        ),
    ],
)
def test_a_device_is_named_by_browser_and_system(agent, name):
    assert device_name(agent) == name


def test_signing_in_records_the_session_and_signing_out_removes_it(make_user):
    make_user(Role.SUPPORT)
    browser = sign_in()
    (row,) = SignedInSession.objects.all()
    assert (row.device, row.ip) == ("Firefox on Windows", "203.0.113.5")
    page = browser.get(reverse("accounts:account")).text
    assert "Firefox on Windows" in page
    assert "This device" in page
    browser.post(reverse("logout"))
    assert not SignedInSession.objects.exists()


def test_the_owner_ends_another_session_which_is_signed_out_on_its_next_request(make_user):
    make_user(Role.SUPPORT)
    phone = sign_in(SAFARI_IPHONE)
    desk = sign_in(FIREFOX_WINDOWS)
    page = desk.get(reverse("accounts:account")).text
    assert "Safari on iPhone" in page
    phone_row = SignedInSession.objects.get(device="Safari on iPhone")
    desk.post(reverse("accounts:session_end", args=[phone_row.pk]))
    assert phone.get(reverse("home")).status_code == 302
    assert SESSION_KEY not in phone.session
    assert desk.get(reverse("home")).status_code == 200


def test_end_all_others_keeps_this_one(make_user):
    make_user(Role.SUPPORT)
    others = [sign_in(SAFARI_IPHONE), sign_in(CHROME_ANDROID)]
    desk = sign_in(FIREFOX_WINDOWS)
    response = desk.post(reverse("accounts:sessions_end_others"), follow=True)
    assert "Ended 2 other sessions" in response.text
    assert all(other.get(reverse("home")).status_code == 302 for other in others)
    assert desk.get(reverse("home")).status_code == 200


def test_nobody_ends_another_persons_session(make_user):
    make_user(Role.SUPPORT)
    sign_in()
    coordinator = sign_in_with_both_factors(Client(), make_user(Role.COORDINATOR).username)
    row = SignedInSession.objects.get(user__username="support")
    assert coordinator.post(reverse("accounts:session_end", args=[row.pk])).status_code == 404
    assert SignedInSession.objects.filter(pk=row.pk).exists()


def test_end_sessions_ends_every_session_but_the_one_kept(make_user):
    user = make_user(Role.SUPPORT)
    kept, ended = sign_in(), sign_in(SAFARI_IPHONE)
    assert end_sessions(user, except_key=kept.session.session_key) == 1
    assert kept.get(reverse("home")).status_code == 200
    assert ended.get(reverse("home")).status_code == 302
    assert end_sessions(user) == 1
    assert kept.get(reverse("home")).status_code == 302


@pytest.mark.time_machine(ORDINARY_DAY)
def test_a_busy_session_ends_ten_hours_after_sign_in(make_user):
    make_user(Role.SUPPORT)
    browser = sign_in()
    # A request every 20 minutes keeps it from the idle limit, not from the absolute one.
    for minutes in range(20, 600, 20):
        with time_machine.travel(ORDINARY_DAY + timedelta(minutes=minutes)):
            assert browser.get(reverse("home")).status_code == 200, minutes
    with time_machine.travel(ORDINARY_DAY + timedelta(hours=10, minutes=1)):
        assert browser.get(reverse("home")).status_code == 302
    assert not SignedInSession.objects.exists()


@pytest.mark.time_machine(ORDINARY_DAY, tick=False)
def test_last_seen_is_written_at_most_once_a_minute(make_user):
    make_user(Role.SUPPORT)
    browser = sign_in()
    with time_machine.travel(ORDINARY_DAY + timedelta(seconds=30), tick=False):
        browser.get(reverse("home"))
    assert SignedInSession.objects.get().last_seen == ORDINARY_DAY
    with time_machine.travel(ORDINARY_DAY + timedelta(seconds=61), tick=False):
        browser.get(reverse("home"))
    assert SignedInSession.objects.get().last_seen == ORDINARY_DAY + timedelta(seconds=61)


def test_a_session_without_a_record_of_its_sign_in_is_ended(client, make_user):
    client.force_login(make_user(Role.SUPPORT))
    SignedInSession.objects.all().delete()
    assert client.get(reverse("home")).status_code == 302


def test_the_absolute_limit_is_ten_hours_by_default():
    from django.conf import settings

    assert settings.SESSION_MAX_HOURS == 10


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(make_user):
    make_user(Role.SUPPORT)
    phone = sign_in(SAFARI_IPHONE)
    desk = sign_in(FIREFOX_WINDOWS)
    new = "another-long-password-2026"
    desk.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert list(SignedInSession.objects.values_list("device", flat=True)) == ["Firefox on Windows"]
    assert desk.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302
