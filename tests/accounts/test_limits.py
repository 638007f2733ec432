import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from mars.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password="wrong-password-123", address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_one_address_trying_many_accounts_is_stopped_after_twenty_attempts(client, make_user):
    make_user(Role.SUPPORT)
    answers = [sign_in(client, f"guess{n}").status_code for n in range(20)]
    assert answers == [200] * 20
    refused = sign_in(client, "support", PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert SESSION_KEY not in client.session


def test_the_limit_is_per_address(client, make_user):
    make_user(Role.SUPPORT)
    for n in range(20):
        sign_in(client, f"guess{n}")
    assert sign_in(client, "support", PASSWORD, address="198.51.100.2").status_code == 302


def test_the_address_limit_lifts_after_three_minutes(client, make_user, time_machine):
    time_machine.move_to("2026-11-30T09:00:00Z", tick=False)
    make_user(Role.SUPPORT)
    for n in range(21):
        sign_in(client, f"guess{n}")
    assert sign_in(client, "support", PASSWORD).status_code == 429
    time_machine.move_to("2026-11-30T09:03:01Z", tick=False)
    assert sign_in(client, "support", PASSWORD).status_code == 302


def test_reading_the_sign_in_page_is_not_counted(client):
    for _ in range(30):
        assert client.get(reverse("login"), REMOTE_ADDR="203.0.113.7").status_code == 200


@override_settings(MARS_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_the_proxy_saw_is_counted(client, make_user):
    make_user(Role.SUPPORT)
    for n in range(20):
        client.post(
            reverse("login"),
            {"username": f"guess{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            # The left-hand entries are the client's own say, and change with every try.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    refused = client.post(
        reverse("login"),
        {"username": "support", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.250, 203.0.113.7",
    )
    assert refused.status_code == 429
    other = client.post(
        reverse("login"),
        {"username": "support", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert other.status_code == 302


def reset(client, email, address="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_reset_requests_for_one_account_are_limited(
    client, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.SUPPORT, email="support@mars.example")
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent through the outbox
        answers = [
            reset(client, "support@mars.example", address=f"198.51.100.{n}").status_code
            for n in range(5)
        ]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_reset_requests_from_one_address_are_limited(client, make_user):
    answers = [reset(client, f"person{n}@mars.example").status_code for n in range(11)]
    assert answers == [302] * 10 + [429]


def test_an_unknown_address_is_limited_like_a_known_one(client, make_user):
    """Otherwise the 429 would tell who has an account."""
    make_user(Role.SUPPORT, email="support@mars.example")
    known = [reset(client, "support@mars.example", address=f"198.51.100.{n}") for n in range(4)]
    unknown = [reset(client, "nobody@mars.example", address=f"192.0.2.{n}") for n in range(4)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
