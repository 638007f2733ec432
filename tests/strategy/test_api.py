"""The Strategy Group's API: the same rules as its pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mars.roles import Role
from strategy import services
from strategy.models import AgendaItem, GroupMeeting, Member, NewsItem, Paper
from tests.factories import GroupMeetingFactory, MemberFactory
from tests.funds.files import pdf

pytestmark = pytest.mark.django_db


def test_staff_read_meetings_with_their_agenda_papers_and_sendings(as_role, coordinator) -> None:
    meeting = GroupMeetingFactory()
    AgendaItem.objects.create(meeting=meeting, title="Figures")
    services.upload_paper(meeting, SimpleUploadedFile("p.pdf", pdf()), by=coordinator)
    data = as_role(Role.OUTREACH).get(f"/api/strategy/meetings/{meeting.pk}/").json()
    assert [a["title"] for a in data["agenda"]] == ["Figures"]
    assert data["papers"][0]["download"] == f"/strategy-group/papers/{data['papers'][0]['id']}/"
    assert as_role(Role.PANEL).get(f"/api/strategy/meetings/{meeting.pk}/").status_code == 404
    assert as_role(Role.COMMISSIONER).get("/api/strategy/meetings/").status_code == 403


def test_the_coordinator_adds_news_and_a_support_worker_may_not(as_role) -> None:
    body = {"title": "Funding", "day": "2027-06-16", "text": "Bids open", "tags": ["funding"]}
    assert (
        as_role(Role.SUPPORT).post("/api/strategy/news/", body, "application/json").status_code
        == 403
    )
    response = as_role(Role.COORDINATOR).post("/api/strategy/news/", body, "application/json")
    assert response.status_code == 201, response.content
    news = NewsItem.objects.get()
    assert news.tags == ["funding"] and news.added_by is not None
    bad = as_role(Role.COORDINATOR).post(
        "/api/strategy/news/", {"title": "x", "day": "2027-06-16"}, "application/json"
    )
    assert bad.status_code == 400


def test_send_papers_through_the_api(as_role, coordinator, django_capture_on_commit_callbacks):
    MemberFactory(email="helen@council.example")
    meeting = GroupMeetingFactory(starts_at=timezone.now() + timezone.timedelta(days=3))
    url = f"/api/strategy/meetings/{meeting.pk}/send-papers/"
    services.upload_paper(meeting, SimpleUploadedFile("p.pdf", pdf()), by=coordinator)
    assert as_role(Role.SUPPORT).post(url).status_code == 403
    page = as_role(Role.COORDINATOR)
    empty = GroupMeetingFactory()
    assert page.post(f"/api/strategy/meetings/{empty.pk}/send-papers/").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = page.post(url)
    assert response.status_code == 200
    assert response.json()["sendings"][0]["recipients"][0]["email"] == "helen@council.example"
    assert [m.to for m in mail.outbox] == [["helen@council.example"]]


def test_the_coordinator_plans_and_changes_a_meeting_through_the_api(as_role) -> None:
    body = {"starts_at": "2027-06-16T10:00:00+01:00", "place": "Room 4"}
    assert (
        as_role(Role.SUPPORT).post("/api/strategy/meetings/", body, "application/json").status_code
        == 403
    )
    page = as_role(Role.COORDINATOR)
    response = page.post("/api/strategy/meetings/", body, "application/json")
    assert response.status_code == 201, response.content
    meeting = GroupMeeting.objects.get()
    assert meeting.created_by is not None and meeting.history.count() == 1
    url = f"/api/strategy/meetings/{meeting.pk}/"
    assert as_role(Role.DIRECTOR).patch(url, {"place": "x"}, "application/json").status_code == 403
    assert as_role(Role.PANEL).patch(url, {"place": "x"}, "application/json").status_code == 404
    page = as_role(Role.COORDINATOR)  # as_role signs the one test client in again
    changed = page.patch(url, {"place": "Room 5", "minutes": "ignored"}, "application/json")
    assert changed.status_code == 200 and changed.json()["place"] == "Room 5"
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_the_coordinator_adds_agenda_items_papers_and_minutes_through_the_api(
    as_role, coordinator
) -> None:
    helen = MemberFactory()
    meeting = GroupMeetingFactory(starts_at=timezone.now() + timezone.timedelta(days=3))
    base = f"/api/strategy/meetings/{meeting.pk}"
    item = {"title": "Figures", "owner": helen.pk}
    # as_role signs the one test client in: the support worker first, then the coordinator.
    assert (
        as_role(Role.SUPPORT).post(f"{base}/agenda/", item, "application/json").status_code == 403
    )
    page = as_role(Role.COORDINATOR)
    response = page.post(f"{base}/agenda/", item, "application/json")
    assert response.status_code == 201, response.content
    assert [(a["title"], a["order"]) for a in response.json()["agenda"]] == [("Figures", 1)]

    refused = page.post(
        f"{base}/papers/", {"file": SimpleUploadedFile("paper.pdf", b"not a pdf at all")}
    )
    assert refused.status_code == 400 and "Attach a PDF, Word" in refused.content.decode()
    uploaded = page.post(
        f"{base}/papers/", {"file": SimpleUploadedFile("figures.pdf", pdf()), "title": "Figures"}
    )
    assert uploaded.status_code == 201, uploaded.content
    assert [p["title"] for p in uploaded.json()["papers"]] == ["Figures"]
    assert Paper.objects.get().uploaded_by is not None

    minutes = page.post(f"{base}/minutes/", {"minutes": "1. Figures."}, "application/json")
    assert minutes.status_code == 200
    assert minutes.json()["status"] == "held" and minutes.json()["minutes"] == "1. Figures."
    assert (
        as_role(Role.DIRECTOR).post(f"{base}/minutes/", {"minutes": "x"}, "application/json")
    ).status_code == 403


def test_the_coordinator_adds_and_changes_members_through_the_api(as_role) -> None:
    body = {"name": "Jo Pike", "organisation": "Harbour", "email": "jo@harbour.example"}
    assert (
        as_role(Role.OUTREACH).post("/api/strategy/members/", body, "application/json").status_code
        == 403
    )
    page = as_role(Role.COORDINATOR)
    response = page.post("/api/strategy/members/", body, "application/json")
    assert response.status_code == 201, response.content
    member = Member.objects.get()
    changed = page.patch(
        f"/api/strategy/members/{member.pk}/", {"active": False}, "application/json"
    )
    assert changed.status_code == 200
    member.refresh_from_db()
    assert not member.active and member.history.count() == 2
