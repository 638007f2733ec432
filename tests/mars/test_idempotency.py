"""No duplicates on retry: a create sent again with its idempotency key (a form's hidden key, the
API's Idempotency-Key header) gives the first answer again and makes nothing twice."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from funds.models import PaymentRequest
from mars import idempotency
from mars.models import IdempotencyKey
from mars.roles import Role
from mars.tasks import forget_idempotency_keys
from tests.factories import FundFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
KEY_INPUT = re.compile(r'name="idempotency_key" value="" data-idempotency-key="([^"]+)"')


@pytest.fixture
def personal_budget(db):  # type: ignore[no-untyped-def]
    return FundFactory(name="Personal budget", budget=Decimal("1000.00"))


@pytest.fixture
def worker(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.SUPPORT)


@pytest.fixture
def signed_in(client, worker):  # type: ignore[no-untyped-def]
    client.force_login(worker)
    return client


@pytest.fixture
def asked(personal_budget, sam):  # type: ignore[no-untyped-def]
    """A payment request's form, as a person fills it in."""
    return {"fund": personal_budget.pk, "amount": "40.00", "payee": "Argos", "purpose": "Bedding"}


def form_url(sam) -> str:  # type: ignore[no-untyped-def]
    return reverse("funds:request_create", kwargs={"client_pk": sam.pk})


def key_in(page) -> str:  # type: ignore[no-untyped-def]
    found = KEY_INPUT.findall(page.content.decode())
    assert len(found) == 1, "one hidden key in the form"
    return str(found[0])


def api_post(browser, body, key=None, **headers):  # type: ignore[no-untyped-def]
    if key is not None:
        headers["Idempotency-Key"] = key
    return browser.post("/api/payment-requests/", body, content_type=JSON, headers=headers)


def test_the_payment_form_carries_a_fresh_key_each_time_it_is_shown(signed_in, sam, asked):
    first, second = key_in(signed_in.get(form_url(sam))), key_in(signed_in.get(form_url(sam)))
    assert first != second


def test_save_pressed_twice_on_the_payment_form_asks_for_the_payment_once(signed_in, sam, asked):
    key = key_in(signed_in.get(form_url(sam)))
    first = signed_in.post(form_url(sam), {**asked, "idempotency_key": key})
    again = signed_in.post(form_url(sam), {**asked, "idempotency_key": key})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert PaymentRequest.objects.count() == 1
    shown = signed_in.get(again["Location"]).content.decode()
    assert "sent twice and saved once" in shown


def test_without_a_key_the_form_still_saves_each_time(signed_in, sam, asked):
    signed_in.post(form_url(sam), asked)
    signed_in.post(form_url(sam), asked)
    assert PaymentRequest.objects.count() == 2


def test_a_form_back_with_its_errors_keeps_its_key_and_the_corrected_one_saves(
    signed_in, sam, asked
):
    key = key_in(signed_in.get(form_url(sam)))
    wrong = signed_in.post(form_url(sam), {**asked, "amount": "", "idempotency_key": key})
    assert wrong.status_code == 200 and key_in(wrong) == key
    assert not IdempotencyKey.objects.exists()
    right = signed_in.post(form_url(sam), {**asked, "idempotency_key": key})
    assert right.status_code == 302 and not right.has_header("Idempotent-Replayed")
    assert PaymentRequest.objects.count() == 1


def test_the_same_key_with_another_form_is_refused_with_a_way_on(signed_in, sam, asked):
    key = key_in(signed_in.get(form_url(sam)))
    saved = signed_in.post(form_url(sam), {**asked, "idempotency_key": key})
    other = signed_in.post(form_url(sam), {**asked, "amount": "41.00", "idempotency_key": key})
    assert other.status_code == 422
    page = other.content.decode()
    assert "<h1>This form was saved before</h1>" in page
    assert "saved before with other details" in page
    # The way to correct it: the record the first sending saved.
    assert f'<a href="{saved["Location"]}">Open what was saved</a>' in page
    assert PaymentRequest.objects.count() == 1


def test_the_api_gives_the_first_answer_again_for_a_repeated_key(signed_in, sam, asked):
    body = {**asked, "client": sam.pk}
    first = api_post(signed_in, body, "phone-queue-0001")
    again = api_post(signed_in, body, "phone-queue-0001")
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert PaymentRequest.objects.count() == 1


def test_the_api_refuses_the_same_key_with_a_different_body(signed_in, sam, asked):
    api_post(signed_in, {**asked, "client": sam.pk}, "k-1")
    other = api_post(signed_in, {**asked, "client": sam.pk, "amount": "99.00"}, "k-1")
    assert other.status_code == 422
    assert other.json() == {
        "detail": "This Idempotency-Key was already used for a different request. Send a new key "
        "with a new request."
    }
    elsewhere = signed_in.post(
        "/api/contacts/", {}, content_type=JSON, headers={"Idempotency-Key": "k-1"}
    )
    assert elsewhere.status_code == 422
    assert PaymentRequest.objects.count() == 1


def test_another_users_key_is_not_theirs_to_replay(client, worker, make_user, sam, asked):
    body = {**asked, "client": sam.pk}
    client.force_login(worker)
    mine = api_post(client, body, "shared-key")
    client.force_login(make_user(Role.COORDINATOR))
    theirs = api_post(client, body, "shared-key")
    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert theirs.json()["id"] != mine.json()["id"]
    assert PaymentRequest.objects.count() == 2


def test_a_failed_first_attempt_frees_its_key(signed_in, sam, asked):
    incomplete = api_post(signed_in, {"client": sam.pk, "payee": "Argos"}, "retry-me")
    assert incomplete.status_code == 400
    assert not IdempotencyKey.objects.exists()
    corrected = api_post(signed_in, {**asked, "client": sam.pk}, "retry-me")
    assert corrected.status_code == 201 and not corrected.has_header("Idempotent-Replayed")
    assert api_post(signed_in, {**asked, "client": sam.pk}, "retry-me")["Idempotent-Replayed"]
    assert PaymentRequest.objects.count() == 1


def test_a_server_error_undoes_the_attempt_and_frees_the_key(signed_in, sam, asked, monkeypatch):
    from funds import services

    made = services.request_payment

    def made_then_failed(*args, **kwargs):  # type: ignore[no-untyped-def]
        made(*args, **kwargs)
        raise RuntimeError("the broker went away")

    monkeypatch.setattr(services, "request_payment", made_then_failed)
    signed_in.raise_request_exception = False
    failed = signed_in.post(form_url(sam), {**asked, "idempotency_key": "k-500"})
    assert failed.status_code == 500
    assert not PaymentRequest.objects.exists() and not IdempotencyKey.objects.exists()
    monkeypatch.setattr(services, "request_payment", made)
    saved = signed_in.post(form_url(sam), {**asked, "idempotency_key": "k-500"})
    assert saved.status_code == 302 and PaymentRequest.objects.count() == 1


def test_a_token_users_repeat_is_replayed(client, worker, sam, asked):
    from knox.models import AuthToken

    _, secret = AuthToken.objects.create(user=worker)
    body = {**asked, "client": sam.pk}
    auth = {"Authorization": f"Token {secret}"}
    first = api_post(client, body, "offline-7", **auth)
    again = api_post(client, body, "offline-7", **auth)
    assert first.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().user == worker
    assert PaymentRequest.objects.count() == 1


@pytest.mark.parametrize("key", ["", "a" * 256, "with space", "naïve"])
def test_a_key_that_is_not_printable_ascii_is_refused(signed_in, sam, asked, key):
    response = api_post(signed_in, {**asked, "client": sam.pk}, key.encode().decode("latin-1"))
    assert response.status_code == 400
    assert "printable ASCII" in response.json()["detail"]
    assert not PaymentRequest.objects.exists()


def test_a_key_is_forgotten_after_its_hours(client, worker, sam, asked, settings):
    body = {**asked, "client": sam.pk}
    start = timezone.make_aware(timezone.datetime(2026, 11, 2, 9))
    hours = timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)

    def post_at(moment):  # type: ignore[no-untyped-def]
        with time_machine.travel(moment, tick=False):
            client.force_login(worker)  # a session lasts less than a key
            return api_post(client, body, "old-key")

    assert post_at(start).status_code == 201
    assert post_at(start + hours - timedelta(seconds=1))["Idempotent-Replayed"] == "true"
    with time_machine.travel(start + hours - timedelta(seconds=1), tick=False):
        assert forget_idempotency_keys() == 0
    # Past its hours a key is new again, whether or not the task has run yet.
    assert not post_at(start + hours).has_header("Idempotent-Replayed")
    assert PaymentRequest.objects.count() == 2
    with time_machine.travel(start + 2 * hours, tick=False):
        assert forget_idempotency_keys() == 1
    assert not IdempotencyKey.objects.exists()


def test_the_forgetting_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "mars.tasks.forget_idempotency_keys" in tasks


def test_the_admin_lists_the_keys(admin_client, signed_in, sam, asked):
    api_post(signed_in, {**asked, "client": sam.pk}, "admin-sees-me")
    listing = admin_client.get("/admin/mars/idempotencykey/")
    assert listing.status_code == 200 and "admin-sees-me" in listing.content.decode()
    assert idempotency.HEADER == "Idempotency-Key"


def test_a_receipt_uploaded_twice_with_one_key_is_attached_once(signed_in, sam, asked):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from funds.models import Receipt
    from tests.funds.files import pdf

    pk = api_post(signed_in, {**asked, "client": sam.pk}).json()["id"]
    content = pdf()

    def upload(**extra):  # type: ignore[no-untyped-def]
        return signed_in.post(
            f"/api/payment-requests/{pk}/receipts/",
            {"kind": "invoice", "file": SimpleUploadedFile("inv.pdf", content)},
            **extra,
        )

    first = upload(headers={"Idempotency-Key": "upload-1"})
    again = upload(headers={"Idempotency-Key": "upload-1"})
    assert first.status_code == again.status_code == 201, first.content
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    page = reverse("funds:receipt_create", args=[pk])
    form = {"kind": "receipt", "idempotency_key": "upload-2"}
    shown = signed_in.post(page, {**form, "file": SimpleUploadedFile("r.pdf", content)})
    repeated = signed_in.post(page, {**form, "file": SimpleUploadedFile("r.pdf", content)})
    assert shown.status_code == 302 and repeated["Idempotent-Replayed"] == "true"
    other = signed_in.post(page, {**form, "file": SimpleUploadedFile("r.pdf", content + b" ")})
    assert other.status_code == 422
    assert Receipt.objects.count() == 2
