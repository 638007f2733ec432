"""Two copies of one create with one key at the same moment (two connections to the real
PostgreSQL): the second waits for the first and gives its answer, or says it is still running."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from funds import services
from funds.models import PaymentRequest
from mars.models import IdempotencyKey
from mars.roles import Role
from tests.concurrency import at_once
from tests.conftest import TwoFactorClient
from tests.factories import ClientFactory, FundFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Bounds the polls for the second request to be seen waiting: a count, not a time assertion.
POLLS = 2000


@pytest.fixture
def setting(make_user: Any) -> dict[str, Any]:
    worker = make_user(Role.SUPPORT)
    person = ClientFactory(first_name="Sam", last_name="Example")
    fund = FundFactory(name="Personal budget", budget=Decimal("1000.00"))
    url = reverse("funds:request_create", kwargs={"client_pk": person.pk})
    form = {
        "fund": fund.pk,
        "amount": "40.00",
        "payee": "Argos",
        "purpose": "Bedding",
        "idempotency_key": "pressed-twice",
    }
    return {"worker": worker, "url": url, "form": form}


def _browser(worker: Any) -> TwoFactorClient:
    browser = TwoFactorClient()
    browser.force_login(worker)
    return browser


def _held_first(monkeypatch: Any) -> tuple[threading.Event, threading.Event]:
    """The first request_payment stops, its record made but not committed, until `go` is set;
    `made` says it got there."""
    made, go = threading.Event(), threading.Event()
    request_payment = services.request_payment

    def slow(*args: Any, **kwargs: Any) -> Any:
        saved = request_payment(*args, **kwargs)
        if not made.is_set():
            made.set()
            go.wait()
        return saved

    monkeypatch.setattr(services, "request_payment", slow)
    return made, go


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        (waiting,) = cursor.fetchone()
    return bool(waiting)


def _run(browser: TwoFactorClient, url: str, form: dict[str, str], into: dict[str, Any]) -> None:
    try:
        into["response"] = browser.post(url, form)
    finally:
        connection.close()


def test_a_second_save_while_the_first_is_running_waits_and_gives_its_answer(
    setting: dict[str, Any], monkeypatch: Any
) -> None:
    made, go = _held_first(monkeypatch)
    first: dict[str, Any] = {}
    second: dict[str, Any] = {}
    one = threading.Thread(
        target=_run, args=(_browser(setting["worker"]), setting["url"], setting["form"], first)
    )
    two = threading.Thread(
        target=_run, args=(_browser(setting["worker"]), setting["url"], setting["form"], second)
    )
    one.start()
    try:
        assert made.wait(timeout=60), "the first request reached its service"
        two.start()
        for _ in range(POLLS):
            if _someone_waits_for_a_lock():
                break
            two.join(timeout=0.01)
        else:
            pytest.fail("the second request never waited for the first")
        assert two.is_alive(), "the second is held while the first runs"
    finally:
        go.set()
        one.join()
        if two.ident is not None:
            two.join()
    assert first["response"].status_code == second["response"].status_code == 302
    assert second["response"]["Location"] == first["response"]["Location"]
    assert second["response"]["Idempotent-Replayed"] == "true"
    assert PaymentRequest.objects.count() == 1
    assert IdempotencyKey.objects.get().status == 302


def test_a_second_save_that_waits_too_long_is_told_to_send_again(
    setting: dict[str, Any], monkeypatch: Any, settings: Any
) -> None:
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.1
    made, go = _held_first(monkeypatch)
    first: dict[str, Any] = {}
    one = threading.Thread(
        target=_run, args=(_browser(setting["worker"]), setting["url"], setting["form"], first)
    )
    one.start()
    try:
        assert made.wait(timeout=60), "the first request reached its service"
        second = _browser(setting["worker"]).post(setting["url"], setting["form"])
    finally:
        go.set()
        one.join()
    assert second.status_code == 409
    assert "still being processed" in second.content.decode()
    assert first["response"].status_code == 302
    assert PaymentRequest.objects.count() == 1
    again = _browser(setting["worker"]).post(setting["url"], setting["form"])
    assert again["Idempotent-Replayed"] == "true" and PaymentRequest.objects.count() == 1


def test_two_api_copies_sent_at_once_make_one_record(setting: dict[str, Any]) -> None:
    person = ClientFactory(first_name="Alex", last_name="Example")
    body = {k: v for k, v in setting["form"].items() if k != "idempotency_key"}
    body["client"] = person.pk
    browsers = [_browser(setting["worker"]) for _ in range(2)]

    def send(browser: TwoFactorClient) -> Any:
        return browser.post(
            "/api/payment-requests/",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "queue-item-42"},
        )

    responses = at_once(*(lambda b=b: send(b) for b in browsers))
    assert [r.status_code for r in responses] == [201, 201], responses
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert responses[0].json() == responses[1].json()
    assert PaymentRequest.objects.count() == 1
