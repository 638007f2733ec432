"""A benchmark's member of staff signed in as the site's own sign-in leaves them: Django's login
(which records the signed-in session, accounts.sessions), then the authenticator (django-otp's
login). Every benchmark signs in here, so none measures a session production never has."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client as Browser


def sign_in(user: Any) -> str:
    """A server-side session for the user, verified with a second factor; its key."""
    from django.contrib.auth import login
    from django.test import RequestFactory
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import sessions

    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore
    request = RequestFactory().get("/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/128.0")
    request.session = store()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.user = user
    request.session.cycle_key()
    sessions.follow_new_key(request)
    otp_login(request, device)
    request.session.save()
    return str(request.session.session_key)


def signed_in_browser(user: Any, **defaults: Any) -> Browser:
    """Django's test client holding only that session's cookie."""
    browser = Browser(**defaults)
    browser.cookies[settings.SESSION_COOKIE_NAME] = sign_in(user)
    return browser
