"""Redis (broker and cache) stopped while people use the pages: every request is answered, every
change is kept once, and its background work is delivered when Redis is back (issue 19)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from funds.models import PaymentRequest
from mars import outbox
from mars.models import OutboxJob
from mars.roles import Role
from reporting.models import ReportRun, RunState
from reporting.services import MAKE_REPORT
from tests.factories import PASSWORD, FundFactory
from tests.faults import PrivateRedis, broker, private_redis  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_for_everything(private_redis: PrivateRedis, settings: Any) -> Any:  # noqa: F811
    """The private Redis as broker and as the cache (the rate limits count in it)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with broker(private_redis.url):
        yield private_redis


def test_pages_answer_while_redis_is_down_and_the_work_is_sent_when_it_is_back(
    redis_for_everything: PrivateRedis,
    client: Any,
    make_user: Any,
    sam: Any,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    time_machine.move_to("2026-11-25T10:00:00Z")
    support, coordinator = make_user(Role.SUPPORT), make_user(Role.COORDINATOR)
    fund = FundFactory(budget=Decimal("1000.00"))
    redis_for_everything.stop()

    client.force_login(support)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            reverse("funds:request_create", args=[sam.pk]),
            {"fund": fund.pk, "amount": "20.00", "payee": "Argos", "purpose": "A kettle"},
        )
    assert asked.status_code == 302
    assert asked.url == PaymentRequest.objects.get().get_absolute_url()

    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("reporting:run_list"), {"period": "2026-10", "as_of": "2026-11-20"}
        )
    run = ReportRun.objects.get()
    assert started.status_code == 302 and started.url == run.get_absolute_url()
    assert client.get(run.get_absolute_url()).status_code == 200

    # The coordinator is told of the request (an email job) and the run has its job: none sent.
    # The first found the broker down; the second, seconds later, did not wait to find it again.
    email, make = OutboxJob.objects.order_by("pk")
    assert (email.task, make.task) == ("mars.tasks.email_notification", MAKE_REPORT)
    assert email.sent_at is None and "OperationalError" in email.error
    assert make.sent_at is None and make.attempted_at is None
    assert run.state == RunState.QUEUED

    # Beat, after the grace time, once Redis is back: every job is handed over, once.
    redis_for_everything.start()
    time_machine.move_to(timezone.now() + timedelta(seconds=61))
    assert outbox.relay_due() == 2
    assert redis_for_everything.queued() == 2
    assert not OutboxJob.objects.unsent().exists()
    assert outbox.relay_due() == 0 and redis_for_everything.queued() == 2


def test_the_api_answers_201_while_redis_is_down(
    redis_for_everything: PrivateRedis,
    client: Any,
    make_user: Any,
    sam: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_user(Role.COORDINATOR)
    fund = FundFactory(budget=Decimal("1000.00"))
    redis_for_everything.stop()
    client.force_login(make_user(Role.SUPPORT))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/api/payment-requests/",
            {"fund": fund.pk, "client": sam.pk, "amount": "21.00", "payee": "Argos"}
            | {"purpose": "A kettle"},
            content_type="application/json",
        )
    assert answer.status_code == 201
    assert PaymentRequest.objects.count() == 1
    assert OutboxJob.objects.unsent().count() == 1


def test_sign_in_goes_on_and_password_reset_waits_while_the_cache_is_down(
    redis_for_everything: PrivateRedis, make_user: Any, password_only_client: Any
) -> None:
    """Sign-in fails open (the account lockout and the second factor still hold); a reset
    request, with no other limit and an email to send, fails closed with a clear page."""
    support = make_user(Role.SUPPORT)
    redis_for_everything.stop()
    signed_in = password_only_client.post(
        reverse("login"), {"username": support.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    reset = HttpClient().post(reverse("password_reset"), {"email": support.email})
    assert reset.status_code == 503
    assert "Not available just now" in reset.text
