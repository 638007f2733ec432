"""Every create honours an idempotency key: each create form (from the route table) carries one,
and each create route, page and API, gives back a key's stored answer instead of running again."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from mars import idempotency
from mars.api import router
from mars.models import IdempotencyKey
from mars.roles import Role
from tests.mars.test_route_table import _url
from tests.route_walk import api_models, build_data_set, site_patterns
from tests.routes import TABLE, expected

pytestmark = pytest.mark.django_db

# A page that makes a record: its URL name says so.
CREATES = re.compile(
    r"(:create|_create|_new_person|:mars_house_sign_up|:staff_add|:property_request"
    r"|:bundle_import|:run_list)$"
)
PAGE_CREATES = sorted(key for key in TABLE if ":" in key and CREATES.search(key))
API_CREATES = sorted(
    f"{basename}-list" for _, viewset, basename in router.registry if hasattr(viewset, "create")
)
STORED = {"status": 201, "body": b'{"stored": "first answer"}'}


def test_the_lists_of_creates_are_not_empty() -> None:
    assert "funds:request_create" in PAGE_CREATES and "outreach:contact_create" in PAGE_CREATES
    assert {"paymentrequest-list", "contact-list", "placement-list", "referral-list"} <= set(
        API_CREATES
    )


def _role_with_form(key: str) -> str | None:
    return next((role for role, status in expected(TABLE[key]).items() if status == 200), None)


def _urls() -> dict[str, str]:
    data = build_data_set()
    models = api_models()
    return {p.key: _url(p, data, models) for p in site_patterns() if p.key in TABLE}


def test_each_create_form_carries_a_key(client: Any, make_user: Any) -> None:
    urls = _urls()
    missing = []
    for key in PAGE_CREATES:
        role = _role_with_form(key)
        if role is None:
            continue  # POST only, or a page that only sends on
        client.force_login(make_user(role, username=f"form-{role}-{key}"[:150]))
        page = client.get(urls[key]).content.decode()
        forms = [
            form
            for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", page, re.S)
            if "logout" not in form
        ]
        if not forms or any('name="idempotency_key"' not in form for form in forms):
            missing.append(f"{key} ({urls[key]}) as {role}: {len(forms)} forms")
    assert not missing, "forms without {% idempotency_key %}:\n" + "\n".join(missing)


def _stored_for(user: Any, key: str, request: Any) -> None:
    IdempotencyKey.objects.create(
        user=user,
        key=key,
        method="POST",
        path=request.path,
        fingerprint=idempotency.fingerprint(request),
        headers={"Content-Type": "application/json", "Location": "/stored/"},
        **STORED,
    )


def _replayed(response: Any) -> bool:
    return bool(
        response.status_code == STORED["status"]
        and response.content == STORED["body"]
        and response.get("Idempotent-Replayed") == "true"
        and response.get("Location") == "/stored/"
    )


def test_each_create_page_gives_back_a_keys_first_answer(client: Any, make_user: Any) -> None:
    urls = _urls()
    user = make_user(Role.COORDINATOR, username="replaying-coordinator")
    client.force_login(user)
    not_replayed = []
    for key in PAGE_CREATES:
        form = {idempotency.FIELD: f"page-{key}"}
        _stored_for(user, form[idempotency.FIELD], RequestFactory().post(urls[key], form))
        response = client.post(urls[key], form)
        if not _replayed(response):
            not_replayed.append(f"{key} ({urls[key]}): {response.status_code}")
    assert not not_replayed, "\n".join(not_replayed)


def test_each_api_create_gives_back_a_keys_first_answer(client: Any, make_user: Any) -> None:
    user = make_user(Role.COORDINATOR, username="replaying-coordinator")
    client.force_login(user)
    not_replayed = []
    for name in API_CREATES:
        url = reverse(name)
        body = json.dumps({"any": "thing"})
        key = f"api-{name}"
        request = RequestFactory().post(url, body, content_type="application/json")
        _stored_for(user, key, request)
        response = client.post(
            url, body, content_type="application/json", headers={"Idempotency-Key": key}
        )
        if not _replayed(response):
            not_replayed.append(f"{name} ({url}): {response.status_code}")
    assert not not_replayed, "\n".join(not_replayed)


def test_the_schema_documents_the_key_on_every_create(client: Any, make_user: Any) -> None:
    client.force_login(make_user(Role.COORDINATOR))
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    creates = {reverse(name) for name in API_CREATES}
    undocumented = []
    for path in creates:
        operation = schema["paths"][path]["post"]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        if [h["name"] for h in headers] != ["Idempotency-Key"]:
            undocumented.append(path)
        elif not {"409", "422"} <= operation["responses"].keys():
            undocumented.append(f"{path}: 409, 422")
        else:
            created = operation["responses"].get("201") or operation["responses"]["200"]
            if "Idempotent-Replayed" not in created.get("headers", {}):
                undocumented.append(f"{path}: Idempotent-Replayed")
    assert not undocumented, "\n".join(sorted(undocumented))
