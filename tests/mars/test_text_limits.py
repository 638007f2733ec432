"""Free text has a limit every way in enforces (page, API, services), with a clear message."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from clients import services as client_services
from clients.models import HealthAccess
from funds.models import PaymentRequest
from mars.roles import Role
from mars.text import NOTE
from tests.factories import FundFactory

CASE_DATA_APPS = ["clients", "outreach", "accommodation", "risk", "funds", "reporting"]
# Written by MARS itself, never typed by a person.
SYSTEM_TEXT = {("reporting", "ReportRun", "error")}

LONG_WORD = "x" * 10_000


def free_text_fields() -> list[tuple[str, str, models.Field]]:
    found = []
    for app in CASE_DATA_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.TextField, models.CharField)) and (
                    (app, model.__name__, field.name) not in SYSTEM_TEXT
                ):
                    found.append((app, model.__name__, field))
    return found


def test_every_free_text_field_on_case_data_has_a_limit_model_validation_checks():
    unlimited = [
        f"{app}.{model}.{field.name}"
        for app, model, field in free_text_fields()
        if not field.max_length
        or not any(isinstance(v, MaxLengthValidator) for v in field.validators)
    ]
    assert unlimited == []


@pytest.mark.django_db
def test_a_long_purpose_on_the_payment_page_is_refused_and_kept_in_the_form(
    as_role,
    sam,
):
    fund = FundFactory()
    response = as_role(Role.SUPPORT).post(
        reverse("funds:request_create", args=[sam.pk]),
        {
            "fund": fund.pk,
            "amount": "12.00",
            "payee": "Boots",
            "purpose": LONG_WORD,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["purpose"] == [
        f"Ensure this value has at most {NOTE} characters (it has 10000)."
    ]
    assert LONG_WORD in response.content.decode()
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_a_long_purpose_through_the_api_is_refused_with_the_limit(
    as_role,
    sam,
):
    fund = FundFactory()
    response = as_role(Role.SUPPORT).post(
        "/api/payment-requests/",
        {
            "fund": fund.pk,
            "client": sam.pk,
            "amount": "12.00",
            "payee": "Boots",
            "purpose": LONG_WORD,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert f"no more than {NOTE} characters" in str(response.json()["purpose"])
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_services_refuse_long_notes_too(sam, coordinator):
    record = HealthAccess(client=sam, kind="dental", date=date(2026, 10, 1), notes=LONG_WORD)
    with pytest.raises(ValidationError, match=f"at most {NOTE} characters"):
        client_services.save_person_record(record, by=coordinator)
    assert not HealthAccess.objects.exists()
