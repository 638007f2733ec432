"""Demo Strategy Group: members (staff and partners), two past meetings with papers and minutes
sent, a coming meeting with its agenda, news, and an action carried over, not yet done."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from strategy import services
from strategy.models import (
    Action,
    AgendaItem,
    GroupMeeting,
    MeetingStatus,
    Member,
    NewsItem,
    NewsTag,
    SendKind,
)

PARTNERS = [
    ("Helen Fox", "City Council Housing Options", "helen.fox@council.example"),
    ("Sgt Mark Dean", "Police Neighbourhood Team", "mark.dean@police.example"),
    ("Dr Amira Nasser", "Livewell Complex Needs", "amira.nasser@livewell.example"),
    ("Jo Pike", "Harbour Drug and Alcohol Service", "jo.pike@harbour.example"),
]


def docx(text: str) -> bytes:
    """A small Word document (DOCX) holding one paragraph: what the paper checks accept."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
    return out.getvalue()


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _sent(meeting: GroupMeeting, kind: SendKind, by: User, when: datetime) -> None:
    """A sending as it was made then: through the service's own checks and choice of members,
    recorded as sent but not emailed (the demo's partners are made up)."""
    services.record_past_sending(meeting, kind, at=when, by=by)


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Create the group unless it has meetings already."""
    if GroupMeeting.objects.exists():
        return {}
    coordinator = users["coordinator"]
    members = [
        services.save_member(Member(user=users[name], organisation="MARS"), by=coordinator)
        for name in ("coordinator", "support", "outreach", "director")
    ]
    members += [
        services.save_member(Member(name=n, organisation=o, email=e), by=coordinator)
        for n, o, e in PARTNERS
    ]
    cora, sophie, _owen, dev, helen, mark, amira, _jo = members
    services.save_member(
        Member(
            name="Pat Lowe",
            organisation="Probation",
            email="pat.lowe@probation.example",
            active=False,
        ),
        by=coordinator,
    )

    first = services.save_meeting(
        GroupMeeting(starts_at=_at(today - timedelta(days=70)), place="Council House, Room 4"),
        by=coordinator,
    )
    second = services.save_meeting(
        GroupMeeting(
            starts_at=_at(today - timedelta(days=14)),
            place="Council House, Room 4",
            link="https://meet.example/strategy-group",
        ),
        by=coordinator,
    )
    coming = services.save_meeting(
        GroupMeeting(
            starts_at=_at(today + timedelta(days=14)),
            place="MARS hub, meeting room",
            link="https://meet.example/strategy-group",
        ),
        by=coordinator,
    )
    for meeting, items in (
        (
            first,
            [
                ("Rough sleeping figures for the quarter", cora),
                ("Winter plan and SWEP triggers", helen),
            ],
        ),
        (
            second,
            [
                ("Actions from the last meeting", cora),
                ("Hospital discharge: people leaving with nowhere to go", amira),
            ],
        ),
        (
            coming,
            [
                ("Actions from the last meeting", cora),
                ("Monthly figures and the RSDF return", dev),
                ("Begging and street activity in the city centre", mark),
            ],
        ),
    ):
        for title, owner in items:
            services.save_agenda_item(
                AgendaItem(meeting=meeting, title=title, owner=owner), by=coordinator
            )

    for meeting, paper, minutes in (
        (
            first,
            "Quarterly rough sleeping figures",
            "Present: Cora Reid (chair), Helen Fox, Mark Dean, Jo Pike.\n"
            "1. Figures: numbers seen down on the last quarter; new people steady.\n"
            "2. Winter plan agreed; SWEP to open at zero degrees for three nights.",
        ),
        (
            second,
            "Hospital discharge protocol (draft)",
            "Present: Cora Reid (chair), Amira Nasser, Helen Fox, Sophie Marsh.\n"
            "1. Actions reviewed; the protocol draft to go to the hospital trust.\n"
            "2. Discharge: a named contact on each ward; MARS told two days before.",
        ),
    ):
        services.upload_paper(
            meeting,
            ContentFile(docx(paper), name=f"{paper.lower().replace(' ', '-')}.docx"),
            title=paper,
            by=coordinator,
        )
        services.save_minutes(meeting, minutes=minutes, by=coordinator)
        _sent(meeting, SendKind.PAPERS, coordinator, meeting.starts_at - timedelta(days=7))
        _sent(meeting, SendKind.MINUTES, coordinator, meeting.starts_at + timedelta(days=3))

    done = services.save_action(
        Action(
            meeting=first,
            description="Share the SWEP rota with the police",
            owner=helen,
            due=first.day + timedelta(days=14),
        ),
        by=coordinator,
    )
    done.done_on = first.day + timedelta(days=10)
    services.save_action(done, by=coordinator)
    # Carried over: from the first meeting, past due, still on every meeting's page.
    services.save_action(
        Action(
            meeting=first,
            description="Bring the hospital trust's discharge figures",
            owner=amira,
            due=today - timedelta(days=21),
        ),
        by=coordinator,
    )
    services.save_action(
        Action(
            meeting=second,
            description="Send the discharge protocol draft to the trust",
            owner=sophie,
            due=today + timedelta(days=7),
        ),
        by=coordinator,
    )
    GroupMeeting.objects.filter(pk__in=[first.pk, second.pk]).update(status=MeetingStatus.HELD)

    news = [
        (
            "Ending rough sleeping: the government's new strategy",
            20,
            "https://www.gov.uk/",
            "",
            [NewsTag.GOVERNMENT_STRATEGY],
        ),
        (
            "Rough Sleeping Initiative: funding for next year announced",
            9,
            "https://www.gov.uk/",
            "Bids close at the end of next month.",
            [NewsTag.FUNDING],
        ),
        (
            "Night shelter pilot in Exeter: what worked",
            5,
            "",
            "Single rooms, not dormitories; a worker on site overnight; move-on within 28 days.",
            [NewsTag.GOOD_PRACTICE, NewsTag.LOCAL_NEWS],
        ),
        ("Autumn count figures published", 2, "https://www.gov.uk/", "", [NewsTag.DATA]),
    ]
    news_items = [
        services.save_news(
            NewsItem(title=t, day=today - timedelta(days=ago), link=link, text=text, tags=tags),
            by=coordinator,
        )
        for t, ago, link, text, tags in news
    ]
    services.add_news_to_agenda(news_items[0], by=coordinator)
    return {"strategy meetings": 3, "strategy members": len(members) + 1, "strategy news": 4}
