from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client as HttpClient
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mars.roles import Role
from tests.factories import ClientFactory, UserFactory

ROLE_USERNAMES = {
    Role.OUTREACH: "outreach",
    Role.SUPPORT: "support",
    Role.COORDINATOR: "coordinator",
    Role.PANEL: "panel",
    Role.DIRECTOR: "director",
    Role.RESETTLEMENT_MANAGER: "resettlement",
    Role.COMMISSIONER: "commissioner",
    Role.ADMINISTRATOR: "admin",
}
CASE_WORKERS = [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR]
READERS = [Role.PANEL, Role.DIRECTOR]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--now",
        default=os.environ.get("MARS_TEST_NOW", ""),
        help="Run the suite as if the machine's clock showed this instant, ticking from it "
        "(ISO 8601 with Z or an offset, e.g. 2027-03-28T01:30:00Z). Default: MARS_TEST_NOW.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Travel the whole session to --now: tests without their own day must pass on any day."""
    text = config.getoption("--now", default="")
    if not text:
        return
    try:
        now = datetime.fromisoformat(text)
    except ValueError as error:
        raise pytest.UsageError(f"--now / MARS_TEST_NOW: {error}") from None
    if now.tzinfo is None:
        raise pytest.UsageError(
            "--now / MARS_TEST_NOW needs Z or an offset: a naive time is ambiguous."
        )
    travel = time_machine.travel(now, tick=True)
    travel.start()
    config.add_cleanup(travel.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    text = config.getoption("--now", default="")
    return f"clock: travelled to {text} (ticking)" if text else None


# Two-factor sign-in: the tests keep MARS_REQUIRE_2FA on, as in production. The `client` fixture
# (and so `as_role`) signs in with both factors; `password_only_client` with the password alone.
class TwoFactorClient(HttpClient):
    """A test client whose force_login also gives the session its second factor, as if the user
    had entered a code from their authenticator app (set up for them if they had none)."""

    def force_login(self, user: User, backend: str | None = None) -> None:
        super().force_login(user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def client() -> HttpClient:
    return TwoFactorClient()


@pytest.fixture
def admin_client(admin_user: User) -> HttpClient:
    """pytest-django's, signed in with both factors."""
    client = TwoFactorClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def password_only_client() -> HttpClient:
    """A client whose force_login signs in with the password alone: no second factor yet."""
    return HttpClient()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(role: str | None = None, username: str | None = None, **kwargs: object) -> User:
        username = username or (ROLE_USERNAMES[Role(role)] if role else None)
        if username:
            kwargs["username"] = username
        return UserFactory(role=role, is_staff=role == Role.ADMINISTRATOR, **kwargs)

    return make


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.COORDINATOR)


@pytest.fixture
def outreach(make_user: Callable[..., User]) -> User:
    return make_user(Role.OUTREACH)


@pytest.fixture
def support(make_user: Callable[..., User]) -> User:
    return make_user(Role.SUPPORT)


@pytest.fixture
def commissioner(make_user: Callable[..., User]) -> User:
    return make_user(Role.COMMISSIONER)


@pytest.fixture
def as_role(client: HttpClient, make_user: Callable[..., User]) -> Callable[[str], HttpClient]:
    """Sign the test client in as a new user with the role, and return it."""

    def sign_in(role: str) -> HttpClient:
        client.force_login(make_user(role))
        return client

    return sign_in


@pytest.fixture
def sam(db: None):  # type: ignore[no-untyped-def]
    return ClientFactory(first_name="Sam", last_name="Example", date_of_birth="1985-02-01")


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Each test starts with no rate-limit counts (nor anything else cached) from the last."""
    from django.core.cache import cache

    cache.clear()
