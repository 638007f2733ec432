import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from accounts.tasks import send_password_reset_email
from mars.models import OutboxJob
from mars.roles import Role
from tests.factories import PASSWORD
from tests.twofactor import code_for, give_authenticator

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client, make_user):
    device = give_authenticator(make_user(Role.SUPPORT))
    response = client.post(reverse("login"), {"username": "support", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).url.startswith(reverse("accounts:verify"))
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_session_key_is_rotated_at_sign_in(client, make_user):
    make_user(Role.SUPPORT)
    client.get(reverse("login"))
    session = client.session
    session["before"] = "x"
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "support", "password": PASSWORD})
    assert client.session.session_key != before
    assert SESSION_KEY in client.session


def test_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_account_locks_after_ten_failed_attempts(client, make_user):
    make_user(Role.SUPPORT)
    for _ in range(10):
        client.post(reverse("login"), {"username": "support", "password": "wrong-password-123"})
    locked = client.post(reverse("login"), {"username": "support", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Account locked" in locked.text
    assert SESSION_KEY not in client.session


def test_nine_failures_do_not_lock(client, make_user):
    make_user(Role.SUPPORT)
    for _ in range(9):
        client.post(reverse("login"), {"username": "support", "password": "wrong-password-123"})
    assert (
        client.post(reverse("login"), {"username": "support", "password": PASSWORD}).status_code
        == 302
    )


def test_password_reset_does_not_reveal_whether_an_account_exists(
    client, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.SUPPORT, email="support@mars.example")
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent through the outbox
        known = client.post(reverse("password_reset"), {"email": "support@mars.example"})
        unknown = client.post(reverse("password_reset"), {"email": "nobody@mars.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    assert "support" in mail.outbox[0].body


def test_a_reset_email_waits_in_the_outbox_with_no_link_until_it_is_sent(client, make_user):
    support = make_user(Role.SUPPORT, email="support@mars.example")
    client.post(reverse("password_reset"), {"email": "support@mars.example"})
    (job,) = OutboxJob.objects.all()  # committed; its relay has not run yet
    assert (job.task, job.args) == ("accounts.tasks.send_password_reset_email", [support.pk])
    assert not mail.outbox
    assert send_password_reset_email(support.pk) is True
    (message,) = mail.outbox
    assert message.to == ["support@mars.example"]
    assert re.search(r"http://127.0.0.1:8000/accounts/reset/\S+/\S+/", message.body)


@pytest.mark.parametrize("password", ["short-pass1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(client, make_user, password):
    user = make_user(Role.SUPPORT)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_strong_password_is_accepted(client, make_user):
    user = make_user(Role.SUPPORT)
    client.force_login(user)
    new = "granite-harbour-lantern-42"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
