"""The Strategy Group: members, meetings with their agenda, papers, minutes and actions, what was
sent to whom, and the news and updates brought to it."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mars.text import NOTE, limited_text

USER = settings.AUTH_USER_MODEL


class Member(models.Model):
    """Someone who sits on the group: a member of staff (with an account) or a partner from
    another organisation (a name and an email, no account)."""

    user = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategy_memberships",
        help_text="For a member of staff: their MARS account. Leave empty for a partner.",
    )
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    email = models.EmailField(help_text="Papers and minutes are sent here.")
    active = models.BooleanField(
        default=True, help_text="Only active members are sent papers and minutes."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("view_strategy_group", "Can read the Strategy Group's meetings, papers and news"),
            ("manage_strategy_group", "Can run the Strategy Group (members, meetings, sending)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(user__isnull=False),
                name="strategy_member_one_per_user",
                violation_error_message="This member of staff is already a member.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def is_partner(self) -> bool:
        return self.user_id is None


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet["GroupMeeting"]):
    def coming(self) -> MeetingQuerySet:
        """Planned meetings from today on, the next first."""
        start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        return self.filter(status=MeetingStatus.PLANNED, starts_at__gte=start).order_by(
            "starts_at", "id"
        )


class GroupMeeting(models.Model):
    """One meeting of the group: when and where, and (once held) its minutes."""

    starts_at = models.DateTimeField("date and time")
    place = models.CharField(max_length=300, blank=True, help_text="A room or an address.")
    link = models.URLField(max_length=500, blank=True, help_text="A video call's link.")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = limited_text(blank=True, max_length=50_000)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = "Strategy Group meeting"

    def __str__(self) -> str:
        return f"Strategy Group, {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:meeting_detail", args=[self.pk])

    @property
    def day(self) -> date:
        return timezone.localdate(self.starts_at)

    @property
    def where(self) -> str:
        return " · ".join(part for part in (self.place, self.link) if part)


class NewsTag(models.TextChoices):
    GOVERNMENT_STRATEGY = "government_strategy", "Government strategy"
    GOOD_PRACTICE = "good_practice", "Good practice"
    LOCAL_NEWS = "local_news", "Local news"
    FUNDING = "funding", "Funding"
    DATA = "data", "Data"
    OTHER = "other", "Other"


class NewsItem(models.Model):
    """News, a development or good practice to bring to the group: a link, a text or both."""

    title = models.CharField(max_length=300)
    day = models.DateField("date")
    link = models.URLField(max_length=500, blank=True)
    text = limited_text(blank=True)
    tags = ArrayField(
        models.CharField(max_length=30, choices=NewsTag.choices), default=list, blank=True
    )
    added_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = "news item"
        constraints = [
            models.CheckConstraint(
                condition=~Q(link="", text=""),
                name="strategy_news_has_link_or_text",
                violation_error_message="Give a link, a text, or both.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def tag_labels(self) -> list[str]:
        return [NewsTag(tag).label for tag in self.tags if tag in NewsTag.values]


class AgendaItem(models.Model):
    """An item on a meeting's agenda, in its order, led by a member."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.PROTECT, related_name="agenda")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=1)
    news = models.ForeignKey(
        NewsItem, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    notes = limited_text(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "agenda item"

    def __str__(self) -> str:
        return self.title


class PaperKind(models.TextChoices):
    PAPER = "paper", "Paper"
    MINUTES = "minutes", "Minutes"


def paper_storage() -> Storage:
    """Private storage: papers are served only through a checked view, to staff."""
    return storages["default"]


EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}


def paper_path(instance: Paper, filename: str) -> str:
    # A random name with the extension of the type found in the content; the uploaded name is
    # kept only as text.
    today = timezone.localdate()
    return f"strategy/{today:%Y/%m}/{uuid.uuid4().hex}.{EXTENSIONS[instance.content_type]}"


class Paper(models.Model):
    """A paper for a meeting, or its minutes as a document: PDF, DOCX, XLSX or ODT."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.PROTECT, related_name="papers")
    kind = models.CharField(max_length=10, choices=PaperKind.choices, default=PaperKind.PAPER)
    title = models.CharField(max_length=300)
    file = models.FileField(storage=paper_storage, upload_to=paper_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:paper_download", args=[self.pk])

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "")


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(done_on=None)

    def carried_to(self, meeting: GroupMeeting) -> ActionQuerySet:
        """Actions not done from meetings before this one: each meeting shows them until done."""
        return self.open().filter(meeting__starts_at__lt=meeting.starts_at)

    def past_due(self, today: date) -> ActionQuerySet:
        return self.open().filter(due__lt=today)


class Action(models.Model):
    """Something a member agreed to do at a meeting, by a date; carried over until done."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.PROTECT, related_name="actions")
    description = limited_text(max_length=NOTE)
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="actions")
    due = models.DateField("due by")
    done_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    def is_past_due(self, today: date) -> bool:
        return self.done_on is None and self.due < today


class SendKind(models.TextChoices):
    PAPERS = "papers", "Papers"
    MINUTES = "minutes", "Minutes"


class Sending(models.Model):
    """One "Send papers" or "Send minutes": who asked, when, and (in its rows) who was sent it."""

    meeting = models.ForeignKey(GroupMeeting, on_delete=models.PROTECT, related_name="sendings")
    kind = models.CharField(max_length=10, choices=SendKind.choices)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    papers = models.ManyToManyField(Paper, blank=True, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sent {timezone.localtime(self.requested_at):%d/%m/%Y}"


class SentToQuerySet(models.QuerySet["SentTo"]):
    def to_send(self, now: datetime) -> SentToQuerySet:
        """Rows not emailed and not being emailed: never claimed, or claimed by a worker that
        died (a claim older than SEND_CLAIM_STALE)."""
        return self.filter(sent_at=None).filter(
            Q(claimed_at=None) | Q(claimed_at__lt=now - SEND_CLAIM_STALE)
        )


# How long one member's email may take before its claim counts as a dead worker's.
SEND_CLAIM_STALE = timedelta(minutes=15)


class SentTo(models.Model):
    """A member to whom a sending goes, and when it was emailed (empty until it is).

    claimed_at is set while a worker emails it; sent_at once the email has gone."""

    sending = models.ForeignKey(Sending, on_delete=models.CASCADE, related_name="recipients")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = SentToQuerySet.as_manager()

    class Meta:
        ordering = ["member__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sending", "member"], name="strategy_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.member.name} <{self.email}>"
