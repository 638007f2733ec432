from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

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
