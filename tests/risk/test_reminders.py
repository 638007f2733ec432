"""Nightly reminders: reviews coming due and overdue, meeting actions past due; kept in the app
and emailed; a second run sends nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mars.models import Notification
from mars.roles import Role
from mars.tasks import email_notification
from risk.models import RiskAssessment
from risk.reminders import send_reminders
from risk.tasks import send_risk_reminders
from tests.factories import ClientFactory, MeetingActionFactory, RiskAssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    key_worker = make_user(Role.SUPPORT)
    coordinator = make_user(Role.COORDINATOR)
    due = RiskAssessmentFactory(
        client=ClientFactory(key_worker=key_worker), review_due=today + dt.timedelta(days=5)
    )
    late = RiskAssessmentFactory(client=ClientFactory(key_worker=key_worker))
    RiskAssessment.objects.filter(pk=late.pk).update(
        assessed_on=today - dt.timedelta(days=200), review_due=today - dt.timedelta(days=3)
    )
    RiskAssessmentFactory()  # review months away: no reminder
    owner = make_user(Role.OUTREACH)
    action = MeetingActionFactory(owner=owner, due=today - dt.timedelta(days=1))
    MeetingActionFactory(owner=owner, due=today + dt.timedelta(days=2))  # not yet due
    return {
        "key_worker": key_worker,
        "coordinator": coordinator,
        "owner": owner,
        "due": due,
        "late": late,
        "action": action,
    }


def test_the_key_worker_and_coordinators_are_notified_once(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders()
    assert (sent.reviews_due, sent.reviews_overdue, sent.actions_past_due) == (2, 2, 2)
    key_worker, coordinator = scene["key_worker"], scene["coordinator"]
    subjects = set(
        Notification.objects.filter(recipient=key_worker).values_list("subject", flat=True)
    )
    assert any("overdue" in s for s in subjects) and any("due" in s for s in subjects)
    assert Notification.objects.filter(recipient=coordinator).count() == 3
    assert Notification.objects.filter(recipient=scene["owner"]).count() == 1
    assert len(mail.outbox) == Notification.objects.count() == 6
    assert scene["due"].client.first_name not in mail.outbox[0].body  # references, not names

    with django_capture_on_commit_callbacks(execute=True):
        again = send_reminders()
    assert again.total == 0 and len(mail.outbox) == 6 and Notification.objects.count() == 6


def test_the_nightly_task_and_the_command_send_only_what_is_new(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_risk_reminders.delay().get() == 6
    call_command("send_reminders")
    assert Notification.objects.count() == 6


def test_an_email_is_sent_once_even_if_the_task_runs_twice(scene):
    send_reminders()
    notification = Notification.objects.filter(recipient=scene["owner"]).get()
    assert email_notification(notification.pk) is True
    assert email_notification(notification.pk) is False
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [scene["owner"].email]


def test_the_header_counts_unread_and_the_list_marks_them_read(client, scene):
    send_reminders()
    client.force_login(scene["key_worker"])
    home = client.get(reverse("home")).content.decode()
    assert '<span class="notice-count" aria-label="2 unread">2</span>' in home
    mine = Notification.objects.filter(recipient=scene["key_worker"]).first()
    response = client.get(reverse("notifications") + f"?open={mine.pk}")
    assert response.status_code == 302 and response.url == mine.url
    mine.refresh_from_db()
    assert mine.is_read
    client.post(reverse("notifications_read"))
    assert not Notification.objects.filter(recipient=scene["key_worker"]).unread().exists()


def test_nobody_sees_or_reads_anothers_notifications(client, scene):
    send_reminders()
    theirs = Notification.objects.filter(recipient=scene["coordinator"]).first()
    client.force_login(scene["owner"])
    assert client.get(reverse("notifications") + f"?open={theirs.pk}").status_code == 404
    api = client.get("/api/notifications/").json()
    assert {n["id"] for n in api["results"]} == set(
        Notification.objects.filter(recipient=scene["owner"]).values_list("pk", flat=True)
    )
    assert client.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
    mine = Notification.objects.get(recipient=scene["owner"])
    assert client.post(f"/api/notifications/{mine.pk}/read/").json()["read_at"]


def test_a_deceased_persons_review_is_not_chased(scene):
    late = scene["late"]
    late.client.status = "deceased"
    late.client.save()
    assert send_reminders().reviews_overdue == 0
