"""One table of routes: every URL pattern and API route against each role's expected answer
(tests/routes.py). A pattern missing from the table fails, so no page ships without a decision
about who may see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from mars.roles import Role
from tests.route_walk import Pattern, api_models, build_data_set, site_patterns
from tests.routes import (
    ADMIN_PREFIX,
    ADMIN_RULE,
    ANONYMOUS,
    CODES,
    QUERIES,
    SAMPLED,
    SAMPLED_AS,
    TABLE,
    expected,
    kind_for,
)

MISSING = "add it to tests/routes.py with each role's answer (200, 403, 404, 302 or 405)"


def _checked() -> list[Pattern]:
    return [p for p in site_patterns() if not p.route.startswith(ADMIN_PREFIX)]


def test_every_url_pattern_has_a_row_in_the_table() -> None:
    missing = sorted({p.key for p in _checked()} - TABLE.keys())
    assert not missing, "\n".join(f"{key}: no row; {MISSING}" for key in missing)


def test_the_table_has_no_row_for_a_route_that_is_gone() -> None:
    assert not sorted(TABLE.keys() - {p.key for p in _checked()})


def test_every_row_gives_an_answer_for_each_role_and_the_anonymous() -> None:
    for key, row in TABLE.items():
        assert set(expected(row)) == set(CODES.values()), key
    for key in SAMPLED:
        assert len(set(expected(TABLE[key]).values())) == 1, f"{key} differs by role: check each"


def _kwargs(pattern: Pattern, data: dict[str, Any], models: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for param in pattern.params:
        if param == "client_pk":
            values[param] = data["client"].pk
        elif param == "property_pk":
            values[param] = data["property"].pk
        elif param == "unit_pk":
            values[param] = data["unit"].pk
        elif param == "kind":
            values[param] = "pdf"
        elif param == "pk":
            bases = [base for base in models if pattern.key.startswith(f"{base}-")]
            kind = models[max(bases, key=len)]._meta.model_name if bases else None
            values[param] = data[kind or kind_for(pattern.key)].pk
        elif param == "uidb64":
            values[param] = "MQ"
        elif param == "token":
            values[param] = "set-password"
        else:
            raise AssertionError(f"{pattern.key}: no value for <{param}>; add one in {__name__}")
    return values


def _url(pattern: Pattern, data: dict[str, Any], models: dict[str, Any]) -> str:
    url = reverse(pattern.key, kwargs=_kwargs(pattern, data, models))
    query = QUERIES.get(pattern.key)
    return f"{url}?{query.format(client=data['client'].pk)}" if query else url


@pytest.mark.django_db
def test_each_route_answers_each_role_as_the_table_says(client: HttpClient, make_user: Any) -> None:
    data = build_data_set()
    models = api_models()
    urls = {pattern.key: _url(pattern, data, models) for pattern in _checked()}
    users = {role.value: make_user(role) for role in Role}
    wrong = []
    # One browser, signed in as each role in turn (the `client` fixture signs in as the site
    # requires), then signed out for the anonymous visitor.
    for who in [*users, ANONYMOUS]:
        if who == ANONYMOUS:
            client.logout()
        else:
            client.force_login(users[who])
        for key, url in urls.items():
            if key in SAMPLED and who not in SAMPLED_AS:
                continue
            status = expected(TABLE[key])[who]
            got = client.get(url).status_code
            if got != status:
                wrong.append(f"{key} ({url}) as {who}: {got}, the table says {status}")
        status = expected(ADMIN_RULE)[who]
        got = client.get(reverse("admin:index")).status_code
        if got != status:
            wrong.append(f"admin:index as {who}: {got}, the table says {status}")
    assert not wrong, "\n".join(wrong)
