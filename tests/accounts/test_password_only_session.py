"""A session signed in with only a password (the second factor not yet given) gets no data from
any URL: every URL pattern and API route is requested, its parameters filled with any value."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from accounts.middleware import OPEN_VIEWS
from tests.factories import UserFactory
from tests.twofactor import give_authenticator

pytestmark = pytest.mark.django_db

CANDIDATES = ["1", "x", "MQ", "00000000-0000-0000-0000-000000000001", "2027-06", ".json"]


def _group(regex: str, name: str) -> str:
    """The text of a named group in a regex, e.g. `auth|clients` for (?P<app_label>auth|clients)."""
    start = regex.index(f"(?P<{name}>") + len(f"(?P<{name}>")
    depth = 1
    for end in range(start, len(regex)):
        depth += {"(": 1, ")": -1}.get(regex[end], 0) if regex[end - 1] != "\\" else 0
        if depth == 0:
            return regex[start:end]
    raise ValueError(regex)


def _routes(patterns: list, prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, regex)
        elif isinstance(pattern, URLPattern):
            yield regex, pattern.name or repr(pattern)


def _path(regex: str) -> str:
    """A path the pattern answers to, every parameter filled with some value it accepts."""
    template, params = normalize(regex)[0]
    values: dict[str, str] = {}
    for name in params:
        if f"(?P<{name}>" not in regex:  # an unnamed group: normalize() calls it _0, _1...
            values[name] = "1"
            continue
        group = _group(regex, name)
        choices = group.split("|") if re.fullmatch(r"[\w|]+", group) else CANDIDATES
        values[name] = next(c for c in choices if re.fullmatch(group, c))
    return "/" + template % values


def every_route() -> list[tuple[str, str]]:
    return sorted({(_path(regex), name) for regex, name in _routes(get_resolver().url_patterns)})


def test_the_walk_finds_every_kind_of_route():
    paths = [path for path, _ in every_route()]
    assert len(paths) > 150
    for part in [
        "/people/1/",
        "/api/clients/1/",
        "/admin/",
        "/reports/",
        "/accounts/staff-sign-in/",
    ]:
        assert part in paths
    for path in paths:
        resolve(path)  # raises Resolver404 if the filled-in path is not the route's


def test_no_url_answers_a_password_only_session_with_data(password_only_client):
    boss = UserFactory(username="root", is_superuser=True, is_staff=True)
    give_authenticator(boss)
    password_only_client.force_login(boss)
    wrong = []
    for path, name in every_route():
        try:
            view_name = resolve(path).view_name
        except Resolver404:  # pragma: no cover - the walk test above proves this does not happen
            wrong.append(f"{path} ({name}): does not resolve")
            continue
        if view_name in OPEN_VIEWS:
            continue
        response = password_only_client.get(path)
        if path.startswith("/api/"):
            if response.status_code not in (401, 403):
                wrong.append(f"{path} ({name}): {response.status_code}")
        elif response.status_code != 302 or not response.url.startswith(
            "/accounts/two-factor/verify/?next="
        ):
            wrong.append(f"{path} ({name}): {response.status_code} {response.get('Location')}")
    assert wrong == []


def test_the_pages_open_to_a_password_only_session_are_only_those_that_finish_signing_in():
    assert {"login", "logout", "accounts:verify", "accounts:set_up", "healthz"} == OPEN_VIEWS
