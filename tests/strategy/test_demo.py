"""The demo data that `make run` loads shows the Strategy Group."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mars import waiting
from mars.models import OutboxJob
from strategy import services
from strategy.models import Action, GroupMeeting, NewsItem, SendKind, SentTo
from tests.clock import ORDINARY_DAY

pytestmark = pytest.mark.django_db


@pytest.mark.time_machine(ORDINARY_DAY)
def test_demo_data_shows_the_strategy_group(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    now = timezone.now()
    past = GroupMeeting.objects.filter(starts_at__lt=now)
    assert past.count() == 2
    for meeting in past:
        assert meeting.papers.exists() and meeting.minutes
        assert {s.kind for s in meeting.sendings.all()} == set(SendKind.values)
    assert not SentTo.objects.filter(sent_at=None).exists()
    # Sent through the service's own choice of members (active, with an email address), and
    # recorded without emailing the made-up partners.
    members = SentTo.objects.values_list("member__active", "email")
    assert members and all(active and email for active, email in members)
    assert not OutboxJob.objects.filter(task=services.SEND_TASK).exists()
    assert not any(m.subject.startswith("Strategy Group") for m in mail.outbox)
    (coming,) = GroupMeeting.objects.coming()
    assert coming.agenda.count() >= 3 and coming.agenda.filter(news__isnull=False).exists()
    assert Action.objects.carried_to(coming).filter(due__lt=timezone.localdate()).exists()
    assert NewsItem.objects.count() >= 3
    assert any(
        i.key.startswith("strategy-action:") for i in waiting.past_time(timezone.localdate())
    )
    # Loading twice adds nothing.
    call_command("load_demo", stdout=StringIO())
    assert GroupMeeting.objects.count() == 3
