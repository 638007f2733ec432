"""One-to-one supervision: read only by the worker, their supervisor and the coordinator; due
SUPERVISION_WEEKS after the last (or on the date set); overdue is a waiting item and the worker
is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mars import waiting
from mars.models import Notification
from mars.roles import Role
from team import services
from team.models import Supervision
from team.reminders import send_supervision_reminders
from tests.clock import ORDINARY_DAY
from tests.factories import SupervisionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(ORDINARY_DAY)]


@pytest.fixture
def worker(make_user):
    return make_user(Role.SUPPORT, username="tom", first_name="Tom", last_name="Baker")


@pytest.fixture
def supervision(worker, coordinator):
    return SupervisionFactory(
        worker=worker, supervisor=coordinator, wellbeing="Tired after the winter shifts."
    )


def test_the_worker_reads_their_own_supervision(client, worker, supervision):
    client.force_login(worker)
    page = client.get(reverse("team:supervision_detail", args=[supervision.pk]))
    assert page.status_code == 200
    assert "Tired after the winter shifts." in page.content.decode()


def test_the_coordinator_reads_every_supervision(client, coordinator, make_user, worker):
    other_coordinator = make_user(Role.COORDINATOR, username="other-coordinator")
    s = SupervisionFactory(worker=worker, supervisor=other_coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("team:supervision_detail", args=[s.pk])).status_code == 200


def test_the_supervisor_reads_the_supervision_they_gave(client, make_user, worker):
    director = make_user(Role.DIRECTOR)
    s = SupervisionFactory(worker=worker, supervisor=director)
    client.force_login(director)
    assert client.get(reverse("team:supervision_detail", args=[s.pk])).status_code == 200
    assert client.get(reverse("team:worker_supervisions", args=[worker.pk])).status_code == 200


@pytest.mark.parametrize(
    "role",
    [Role.SUPPORT, Role.OUTREACH, Role.PANEL, Role.DIRECTOR, Role.COMMISSIONER, Role.ADMINISTRATOR],
)
def test_anyone_else_finds_no_such_supervision(as_role, role, supervision, worker):
    client = as_role(role)
    assert client.get(reverse("team:supervision_detail", args=[supervision.pk])).status_code == 404
    assert client.get(reverse("team:worker_supervisions", args=[worker.pk])).status_code == 404
    assert client.get(f"/api/supervisions/{supervision.pk}/").status_code == 404
    assert client.get("/api/supervisions/").json()["results"] == []


def test_the_worker_finds_their_own_supervision_in_the_api(client, worker, supervision):
    client.force_login(worker)
    answer = client.get("/api/supervisions/").json()
    assert [row["id"] for row in answer["results"]] == [supervision.pk]


def test_the_coordinator_records_a_supervision_with_actions(client, coordinator, worker):
    client.force_login(coordinator)
    today = timezone.localdate()
    response = client.post(
        reverse("team:supervision_create"),
        {
            "worker": worker.pk,
            "supervisor": coordinator.pk,
            "held_on": today.isoformat(),
            "caseload_discussed": "Twelve people; two reviews due.",
            "wellbeing": "Fine.",
            "next_on": (today + timedelta(weeks=4)).isoformat(),
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Book the safeguarding course",
            "actions-0-due": (today + timedelta(days=14)).isoformat(),
        },
    )
    supervision = Supervision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == supervision.get_absolute_url()
    assert supervision.recorded_by == coordinator
    assert [a.description for a in supervision.actions.all()] == ["Book the safeguarding course"]
    assert supervision.next_due == today + timedelta(weeks=4)
    assert supervision.history.first().history_user == coordinator


def test_a_supervision_in_the_future_is_refused_beside_its_date(client, coordinator, worker):
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("team:supervision_create"),
        {
            "worker": worker.pk,
            "supervisor": coordinator.pk,
            "held_on": tomorrow.isoformat(),
            "wellbeing": "Kept when refused",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"]
    assert "Kept when refused" in response.content.decode()
    assert not Supervision.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPPORT, Role.OUTREACH, Role.DIRECTOR])
def test_only_the_coordinator_records_supervision(as_role, role, worker, coordinator):
    client = as_role(role)
    assert client.get(reverse("team:supervision_create")).status_code == 403
    body = {"worker": worker.pk, "supervisor": coordinator.pk, "held_on": "2027-06-01"}
    answer = client.post("/api/supervisions/", body, content_type="application/json")
    assert answer.status_code == 403


def test_nobody_supervises_themselves(coordinator):
    with pytest.raises(services.TeamError):
        services.record_supervision(
            Supervision(worker=coordinator, supervisor=coordinator, held_on=timezone.localdate()),
            by=coordinator,
        )


def test_supervision_is_due_six_weeks_after_the_last_unless_a_date_is_set(worker, coordinator):
    today = timezone.localdate()
    SupervisionFactory(worker=worker, supervisor=coordinator, held_on=today - timedelta(weeks=6))
    # Due on the day six weeks after: not yet past its time.
    assert [w.key for w in waiting.past_time(today) if w.key.startswith("supervision:")] == []
    items = [
        w for w in waiting.past_time(today + timedelta(days=1)) if w.kind == "Supervision overdue"
    ]
    assert [(w.key, w.owner, w.due) for w in items] == [
        (f"supervision:{worker.pk}", coordinator, today)
    ]


def test_a_next_date_that_has_passed_makes_supervision_overdue(worker, coordinator):
    today = timezone.localdate()
    SupervisionFactory(
        worker=worker,
        supervisor=coordinator,
        held_on=today - timedelta(weeks=2),
        next_on=today - timedelta(days=1),
    )
    items = [w for w in waiting.past_time(today) if w.kind == "Supervision overdue"]
    assert [w.title for w in items] == ["Supervision of Tom Baker"]
    assert items[0].days_over(today) == 1


def test_a_worker_never_supervised_is_due_six_weeks_after_joining(make_user):
    joined = timezone.now() - timedelta(weeks=7)
    new = make_user(Role.OUTREACH, username="jess", date_joined=joined)
    items = [w for w in waiting.past_time(timezone.localdate()) if w.kind == "Supervision overdue"]
    assert [(w.key, w.owner) for w in items] == [(f"supervision:{new.pk}", None)]


def test_the_worker_is_told_once_when_supervision_is_overdue(
    worker, coordinator, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    SupervisionFactory(worker=worker, supervisor=coordinator, held_on=today - timedelta(weeks=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_supervision_reminders(today) == 1
    assert send_supervision_reminders(today) == 0
    assert send_supervision_reminders(today + timedelta(days=1)) == 0
    told = Notification.objects.get()
    assert told.recipient == worker
    assert [m.to for m in mail.outbox] == [[worker.email]]


def test_a_new_supervision_then_overdue_again_tells_the_worker_again(worker, coordinator):
    today = timezone.localdate()
    SupervisionFactory(worker=worker, supervisor=coordinator, held_on=today - timedelta(weeks=8))
    send_supervision_reminders(today)
    SupervisionFactory(worker=worker, supervisor=coordinator, held_on=today - timedelta(days=1))
    assert send_supervision_reminders(today) == 0
    assert send_supervision_reminders(today + timedelta(weeks=7)) == 1


def test_a_worker_on_time_is_not_told(worker, coordinator):
    SupervisionFactory(worker=worker, supervisor=coordinator, held_on=timezone.localdate())
    assert send_supervision_reminders(timezone.localdate()) == 0


def test_the_supervision_page_shows_its_history(client, coordinator, supervision):
    client.force_login(coordinator)
    page = client.get(reverse("team:supervision_detail", args=[supervision.pk]))
    assert page.context["history"]


def test_the_beat_runs_the_reminders_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["supervision-reminders"]
    assert entry["task"] == "team.tasks.remind_supervision_overdue"
