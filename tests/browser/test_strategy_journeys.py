"""The coordinator prepares the next Strategy Group meeting, uploads a paper and sends the papers;
a support worker reads the meeting on a phone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mars.roles import Role
from strategy.models import Action, GroupMeeting, Member, SentTo
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, sign_in
from tests.factories import UserFactory
from tests.funds.files import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def _blocking(page, axe_script: Path) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        f"{v['id']}: {v['help']}"
        for v in axe_violations(page, axe_script)
        if v["impact"] in BLOCKING
    ]


def test_the_coordinator_prepares_the_next_meeting_uploads_a_paper_and_sends_the_papers(
    open_page, tmp_path, axe_script
):
    coordinator = UserFactory(
        username="coordinator", role=Role.COORDINATOR, first_name="Cora", last_name="Reid"
    )
    UserFactory(username="support", role=Role.SUPPORT, first_name="Sophie", last_name="Marsh")
    Member.objects.create(
        user=coordinator, name="Cora Reid", organisation="MARS", email=coordinator.email
    )
    Member.objects.create(
        name="Helen Fox", organisation="City Council", email="helen.fox@council.example"
    )
    Member.objects.create(name="Gone Away", organisation="Probation", email="x@x.org", active=False)
    earlier = GroupMeeting.objects.create(
        starts_at=timezone.now() - dt.timedelta(days=30), status="held"
    )
    Action.objects.create(
        meeting=earlier,
        description="Bring the discharge figures",
        owner=Member.objects.get(name="Helen Fox"),
        due=timezone.localdate() - dt.timedelta(days=3),
    )

    desk = open_page(DESKTOP, bypass_csp=True)
    sign_in(desk, "coordinator")
    desk.goto("/")
    desk.get_by_role("link", name="Strategy Group").first.click()
    desk.get_by_role("link", name="Plan a meeting").click()
    when = timezone.localtime() + dt.timedelta(days=14)
    desk.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT10:00"))
    desk.get_by_label("Place").fill("Council House, Room 4")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Meeting planned.", exact=True)).to_be_visible()
    # The action not done from the earlier meeting is carried over to this one.
    expect(desk.get_by_text("Bring the discharge figures")).to_be_visible()

    for title in ("Actions from the last meeting", "Hospital discharge protocol"):
        desk.get_by_role("link", name="Add an agenda item").click()
        desk.get_by_label("Title").fill(title)
        desk.get_by_label("Led by").select_option(label="Helen Fox (City Council)")
        desk.get_by_role("button", name="Save").click()
        expect(desk.get_by_text("Added to the agenda.")).to_be_visible()

    paper = tmp_path / "discharge-protocol.pdf"
    paper.write_bytes(pdf())
    desk.get_by_role("link", name="Upload a paper").click()
    desk.get_by_label("File").set_input_files(str(paper))
    desk.get_by_label("Title").fill("Discharge protocol (draft)")
    desk.get_by_role("button", name="Save").click()
    expect(desk.get_by_text("Paper uploaded.")).to_be_visible()
    expect(desk.get_by_role("link", name="Discharge protocol (draft)")).to_be_visible()
    assert _blocking(desk, axe_script) == []

    desk.get_by_role("link", name="Send papers").click()
    expect(desk.get_by_text("helen.fox@council.example")).to_be_visible()
    expect(desk.get_by_text("x@x.org")).to_have_count(0)
    desk.get_by_role("button", name="Send the papers").click()
    expect(desk.get_by_text("Papers sent to the members.")).to_be_visible()

    # One email to each active member, with the agenda and the paper attached.
    meeting = GroupMeeting.objects.exclude(pk=earlier.pk).get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, "helen.fox@council.example"]
    )
    sent = next(m for m in mail.outbox if m.to == ["helen.fox@council.example"])
    assert sent.subject == f"Strategy Group papers: {meeting.day:%d/%m/%Y}"
    assert "1. Actions from the last meeting (Helen Fox)" in sent.body
    assert [a[0] for a in sent.attachments] == ["discharge-protocol.pdf"]
    assert SentTo.objects.filter(sending__meeting=meeting, sent_at__isnull=False).count() == 2
    desk.reload()
    desk.get_by_text("Papers,").first.click()
    expect(desk.get_by_text("helen.fox@council.example")).to_be_visible()
    assert desk.console_errors == []

    # A support worker reads the meeting on a phone, without the coordinator's buttons.
    phone = open_page(PHONE, bypass_csp=True)
    sign_in(phone, "support")
    phone.goto(meeting.get_absolute_url())
    expect(
        phone.locator(".strategy-agenda").get_by_text("Hospital discharge protocol")
    ).to_be_visible()
    expect(phone.get_by_role("link", name="Send papers")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert _blocking(phone, axe_script) == []
