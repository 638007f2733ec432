"""No input gives a server error (issue 19, item 3): each input a review found answering 500, and
the hostile bodies and queries (invalid UTF-8, NUL bytes, very deep JSON, a body over the limit),
on pages and the API. Each answers 400 (or 413, or 404 for a record that cannot exist)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from mars.roles import Role
from risk.models import Area, RiskAssessment
from tests.factories import RiskAssessmentFactory

pytestmark = pytest.mark.django_db


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# The findings of the review, one by one.


def test_a_receipt_download_with_an_id_that_is_not_a_number_is_not_found(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    assert browser.get("/api/receipts/abc/download/").status_code == 404


def test_every_api_record_route_answers_an_id_that_is_not_a_number_with_not_found(
    as_role: Any,
) -> None:
    from tests.route_walk import site_patterns

    browser = as_role(Role.COORDINATOR)
    wrong = []
    for pattern in site_patterns():
        if not pattern.route.startswith("api/") or pattern.params != ("pk",):
            continue
        url = "/" + re.sub(r"\(\?P<pk>[^)]*\)", "abc", pattern.route)
        url = url.replace("^", "").replace("$", "")
        got = browser.get(url).status_code
        if got not in (404, 405, 403):
            wrong.append(f"{url}: {got}")
    assert not wrong, wrong


def test_a_risk_assessment_patch_without_areas_keeps_the_areas(as_role: Any, sam: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    assessment = RiskAssessmentFactory(client=sam)
    levels = dict(assessment.areas.values_list("area", "level"))
    answer = browser.patch(
        f"/api/risk-assessments/{assessment.pk}/",
        {"summary": "Reviewed with Sam"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assessment = RiskAssessment.objects.get(pk=assessment.pk)
    assert assessment.summary == "Reviewed with Sam"
    assert dict(assessment.areas.values_list("area", "level")) == levels
    assert set(levels) == set(Area.values)


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_json_nested_very_deep_is_refused_with_a_message(as_role: Any, depth: int) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post("/api/clients/", _deep(depth), content_type="application/json")
    assert answer.status_code == 400
    assert "nested" in answer.json()["detail"]


def test_json_nested_a_little_is_read_as_usual(as_role: Any, sam: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    assessment = RiskAssessmentFactory(client=sam)
    answer = browser.patch(
        f"/api/risk-assessments/{assessment.pk}/",
        {"areas": [{"area": area, "level": "low"} for area in Area.values]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content


@pytest.mark.parametrize("period", ["0001-01", "9999-12", "0000-01", "10000-01"])
def test_kpis_for_a_month_out_of_range_are_refused(as_role: Any, period: str) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.get(f"/api/kpis/?period={period}")
    assert answer.status_code == 400
    assert "period" in answer.json()


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "soon"])
def test_voids_for_a_month_that_cannot_be_counted_are_refused(as_role: Any, month: str) -> None:
    browser = as_role(Role.COORDINATOR)
    api = browser.get(f"/api/mars-house-voids/?month={month}")
    assert api.status_code == 400 and "month" in api.json()
    page = browser.get(reverse("accommodation:voids") + f"?month={month}")
    assert page.status_code == 400 and b"month" in page.content
    csv = browser.get(reverse("accommodation:voids_csv") + f"?month={month}")
    assert csv.status_code == 400


@pytest.mark.parametrize("period", ["0001-01", "9999-12"])
def test_a_report_run_for_a_month_out_of_range_is_refused(as_role: Any, period: str) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post("/api/report-runs/", {"period": period}, content_type="application/json")
    assert answer.status_code == 400
    page = browser.get(reverse("reporting:dashboard") + f"?period={period}")
    assert page.status_code in (200, 400)


@override_settings(DEBUG=False, ALLOWED_HOSTS=["mars.example.org"])
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/clients/", "/healthz/"])
def test_a_host_that_is_not_allowed_is_a_bad_request(path: str) -> None:
    browser = HttpClient(raise_request_exception=False)
    assert browser.get(path, HTTP_HOST="evil.example.com").status_code == 400
    assert browser.get(path, HTTP_HOST="mars.example.org").status_code != 400


# Hostile bodies and queries


def test_invalid_utf8_in_a_json_body_is_refused(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post(
        "/api/clients/", b'{"first_name": "\xff\xfe"}', content_type="application/json"
    )
    assert answer.status_code == 400


def test_invalid_utf8_in_a_form_body_is_refused_or_read(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post(
        reverse("clients:create"),
        b"first_name=%FF%FE&last_name=\xff",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code in (200, 400)


@pytest.mark.parametrize("query", ["q=%FF%FE", "period=%C0%80", "month=\xff"])
def test_invalid_utf8_in_a_query_string_is_not_a_server_error(as_role: Any, query: str) -> None:
    browser = as_role(Role.COORDINATOR)
    for path in ["/people/", "/api/clients/", "/api/kpis/", "/api/mars-house-voids/"]:
        answer = browser.get(f"{path}?{query}")
        assert answer.status_code in (200, 400), (path, answer.status_code)


def test_a_nul_byte_in_a_json_string_is_refused_with_a_message(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post(
        "/api/clients/",
        {"first_name": "Sa\x00m", "last_name": "Example"},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert "null character" in json.dumps(answer.json()).lower()


def test_a_nul_byte_in_a_json_key_or_nested_value_is_refused(as_role: Any, sam: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post(
        "/api/risk-assessments/",
        {
            "client": sam.pk,
            "assessed_on": timezone.localdate().isoformat(),
            "areas": [{"area": area, "level": "low", "notes": "a\x00b"} for area in Area.values],
        },
        content_type="application/json",
    )
    assert answer.status_code == 400


def test_a_nul_byte_in_a_form_field_is_refused_with_a_message(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post(
        reverse("clients:create"), {"first_name": "Sa\x00m", "last_name": "Example"}
    )
    assert answer.status_code == 400
    assert b"cannot contain the null character" in answer.content


def test_a_nul_byte_in_a_query_is_not_a_server_error(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    for path in ["/people/?q=a%00b", "/api/clients/?search=a%00b", "/api/contacts/?client=%00"]:
        assert browser.get(path).status_code in (200, 400), path


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_json_body_over_the_size_limit_is_refused(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    # Valid but for its size: the API ignores a field it does not know.
    body = json.dumps({"first_name": "Sam", "last_name": "Y", "padding": "x" * 2000})
    answer = browser.post("/api/clients/", body, content_type="application/json")
    assert answer.status_code == 413, answer.content
    keyed = browser.post(
        "/api/clients/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="big-one"
    )
    assert keyed.status_code in (400, 413), keyed.content
    assert not Client.objects.filter(first_name="Sam").exists()
    small = json.dumps({"first_name": "Sam", "last_name": "Y", "padding": "x" * 100})
    assert browser.post("/api/clients/", small, content_type="application/json").status_code == 201


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_form_body_over_the_size_limit_is_refused(as_role: Any) -> None:
    browser = as_role(Role.COORDINATOR)
    answer = browser.post(reverse("clients:create"), {"first_name": "x" * 2000})
    assert answer.status_code in (400, 413)


@override_settings(RECEIPT_MAX_BYTES=100)
def test_a_receipt_over_the_size_limit_is_refused(as_role: Any, sam: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import FundFactory
    from tests.funds.files import pdf

    browser = as_role(Role.SUPPORT)
    fund = FundFactory()
    made = browser.post(
        "/api/payment-requests/",
        {"fund": fund.pk, "client": sam.pk, "amount": "5.00", "purpose": "Food", "payee": "Shop"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    upload = SimpleUploadedFile("big.pdf", pdf() + b"0" * 200, content_type="application/pdf")
    answer = browser.post(
        f"/api/payment-requests/{made.json()['id']}/receipts/", {"file": upload, "kind": "quote"}
    )
    assert answer.status_code in (400, 413)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_deep(100_000).encode(), b"nested more than 32 levels"),
        (b'{"format": "mars-bundle/1", "clients": [{"ref": "C\\u0000"}]}', b"null character"),
        (b'{"format": "\xff"}', b"not JSON"),
    ],
)
def test_a_bundle_too_deep_or_with_a_null_character_is_refused_with_its_problem(
    as_role: Any, body: bytes, message: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = as_role(Role.COORDINATOR)
    upload = SimpleUploadedFile("bundle.json", body, content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        queued = browser.post(reverse("reporting:bundle_import"), {"file": upload})
    answer = browser.get(queued["Location"])
    # The import's page shows the problem beside the file, as for any bundle refused.
    assert answer.status_code == 200
    assert b"Nothing was imported" in answer.content and message in answer.content
