"""Schemathesis against the live OpenAPI schema (/api/schema/): every operation, as the
coordinator (an API token) and with no credentials, with a bounded number of generated requests
each, derandomized so a run is the same every time. No answer may be a server error, and every
answer must be what the schema says (its status codes, content type and body)."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mars.api import router
from mars.roles import Role
from tests.route_walk import build_data_set

pytestmark = pytest.mark.django_db

# Generated requests per operation and caller: bounded so the whole test stays within three
# minutes on CI's two cores. MARS_FUZZ_EXAMPLES raises it for a longer run by hand.
EXAMPLES = int(os.environ.get("MARS_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The site as WSGI, inside the test's transaction: Django's test client also keeps a
    request's end from closing the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _records(data: dict[str, Any]) -> dict[str, int]:
    """The data set's record for each API prefix ("clients" for /api/clients/{id}/)."""
    found = {}
    for prefix, viewset, _ in router.registry:
        queryset = getattr(viewset, "queryset", None)
        record = data.get(queryset.model._meta.model_name) if queryset is not None else None
        if record is not None:
            found[prefix] = record.pk
    return found


def _run(
    schema: Any, headers: dict[str, str], records: dict[str, int], sent: Counter[str]
) -> list[str]:
    """Each operation's generated requests (counted in `sent` by operation); one about a record
    also asks about the data set's record (a generated id is almost never one that exists)."""
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategies = [operation.as_strategy()]
        prefix = operation.path.split("/")[2]
        if "{id}" in operation.path and prefix in records:
            strategies.append(operation.as_strategy(path_parameters={"id": records[prefix]}))
        for strategy in strategies:

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                # Schemathesis reads a WSGI answer as sent, without undoing gzip (which the
                # phone's list of people uses for a caller that accepts it): ask for none.
                response = case.call(headers={"Accept-Encoding": "identity", **headers})
                sent[f"{case.method} {case.operation.path}"] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as error:
                    first = str(error).strip().splitlines()[:40]
                    problems.append(f"{case.method} {case.formatted_path}: " + " | ".join(first))

            check()
    return problems


@time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC))
def test_every_operation_answers_without_a_server_error_and_as_its_schema_says(
    wsgi_app: WSGIHandler, make_user: Any
) -> None:
    records = _records(build_data_set())
    coordinator = make_user(Role.COORDINATOR)
    _, key = AuthToken.objects.create(user=coordinator)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    as_coordinator: Counter[str] = Counter()
    anonymous: Counter[str] = Counter()
    problems = _run(schema, {"Authorization": f"Token {key}"}, records, as_coordinator)
    problems += _run(schema, {}, records, anonymous)
    assert not problems, "\n".join(problems)
    # Every operation of the schema was asked, by each caller.
    operations = sum(1 for _ in schema.get_all_operations())
    assert len(as_coordinator) == len(anonymous) == operations > 100
