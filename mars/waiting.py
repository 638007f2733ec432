"""Nothing waiting unseen: everything past its time, gathered from every app.

Each app registers a source from its AppConfig.ready(): given a day, the source yields a
`Waiting` for each of its records that is past its time on that day (its due date before the
day, and still not done; or listed ahead of it from its show_from day), only those of the
given owners when a worker's list asks (so a worker's list and home count read only theirs).
The coordinator's waiting list shows them all, oldest first, and the
nightly escalation tells each owner, then the coordinators when an item stays past its time.
A source reads with as few queries as it can (one or two, whatever the number of items).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction

from mars.access import AnyUser, can
from mars.notifications import coordinators, holders_of, notify
from mars.registry import Registry


@dataclass(frozen=True)
class Waiting:
    """One thing past its time: what it is, where to act on it, since when, and whose it is."""

    # Stable and unique across the apps ("referral:12", "strategy-action:4"): notifications about
    # the item are keyed on it, so nobody is told twice.
    key: str
    # What kind of thing it is, as people say it: "Referral out", "Risk review", "Payment approval".
    kind: str
    # What it is, without special category detail: "MARS-000123: referral to Harbour".
    title: str
    url: str
    # When it started waiting (a referral's date, a report's receipt) and when it was due.
    since: date
    due: date
    # The member of staff who should act: None when it is the coordinators' (an approval) or
    # someone outside the team's (owner_label says who).
    owner: Any = None
    owner_label: str = ""
    # The person it is about, if any (for the access rules and the access log).
    client_id: int | None = None
    # True where the app's own reminders already tell the owner (the nightly risk reminders): the
    # escalation then only tells the coordinators, after WAITING_ESCALATE_DAYS.
    owner_reminded: bool = False
    # True where the app's own reminders already tell the coordinators too (the nightly risk
    # reminders): the escalation then tells nobody again.
    leads_reminded: bool = False
    # The permission whose holders decide it, when it has no owner and is not the coordinators'
    # (a payment waiting only for the director): they are told and see it, not the coordinators.
    approvers: str = ""
    approvers_label: str = ""
    # The day it shows on the list when that is before its due date (a subject access request,
    # a week before its legal deadline); it is escalated only once past its due date.
    show_from: date | None = None
    # Private to its owner (a worker's supervision): nobody covering them sees or is told of it.
    private: bool = False
    # The person's MARS reference, the only case detail an email may carry: the title (an
    # agency's name, an action's words) stays on the page.
    reference: str = ""

    def days_waiting(self, today: date) -> int:
        return (today - self.since).days

    def days_over(self, today: date) -> int:
        """Days past its time: 1 on the day after it was due; 0 on the day, and less before it
        (an item listed from before its due date)."""
        return (today - self.due).days

    def is_shown_on(self, today: date) -> bool:
        """On the list: past its due date, or listed ahead of it."""
        return self.due < today or (self.show_from is not None and self.show_from <= today)

    @property
    def email_subject(self) -> str:
        """A subject without case detail: the kind and the person's reference."""
        about = f": {self.reference}" if self.reference else ""
        return f"{self.kind} past its time{about}"

    @property
    def owner_name(self) -> str:
        if self.owner is not None:
            return str(self.owner.get_full_name() or self.owner.get_username())
        return self.owner_label or self.approvers_label or "Coordinators"


# Days an approval (a payment request, a submitted risk plan) may wait for its decision.
APPROVAL_DAYS = 3


class Source(Protocol):
    """Given a day, an app's items past their time (or listed ahead of it) on that day. Given
    owners (user ids), only the items owned by them (and those waiting on a permission's
    holders, `approvers`): a worker's list reads only theirs."""

    def __call__(self, today: date, owners: Collection[int] | None = None) -> Iterable[Waiting]: ...


sources: Registry[Source] = Registry("waiting sources")


def past_time(today: date, owners: Collection[int] | None = None) -> list[Waiting]:
    """Everything past its time on `today` (or listed ahead of it), from every source, only
    the owners' when given: oldest due first."""
    items = [
        item
        for source in sources
        for item in source(today, owners)
        if item.is_shown_on(today)
        and (
            owners is None or item.approvers or (item.owner is not None and item.owner.pk in owners)
        )
    ]
    return sorted(items, key=lambda item: (item.due, item.since, item.key))


def _owned(item: Waiting, owners: Collection[int]) -> bool:
    """An item one of the owners owns, or one waiting on a permission's holders."""
    return bool(item.approvers) or (item.owner is not None and item.owner.pk in owners)


def owned_by(owners: Collection[int] | None, field: str) -> models.Q:
    """A filter for a source's query: the records whose `field` is one of the owners (all of
    them when owners is None)."""
    return models.Q(**{f"{field}__in": owners}) if owners is not None else models.Q()


# Who covers whom on a day (staffing.cover.covering, registered from staffing's ready(): the core
# cannot import it): given worker ids, {worker id: the covering user}.
Cover = Callable[[Iterable[int], date], dict[int, Any]]

cover: Registry[Cover] = Registry("who covers whom")


def covering(worker_ids: Iterable[int], day: date) -> dict[int, Any]:
    """The covering worker of each worker covered on the day, by worker id."""
    ids = list(worker_ids)
    found: dict[int, Any] = {}
    for lookup in cover:
        found.update(lookup(ids, day))
    return found


class ReferralKind(models.TextChoices):
    """The referral kinds with a time to be answered in (REFERRAL_RESPONSE_DAYS): the directions
    of clients.Referral (clients.ReferralDirection's values) and accommodation's two."""

    IN = "in", "Referral in"
    OUT = "out", "Referral out"
    A2A = "a2a", "A2A referral"
    MARS_HOUSE = "mars_house", "MARS House referral"


def response_days(kind: str) -> int:
    """Days a referral of a kind (in, out, a2a, mars_house) may wait for an answer."""
    return int(settings.REFERRAL_RESPONSE_DAYS[kind])


def response_due(kind: str, since: date) -> date:
    """The day a referral of a kind made on `since` is to be answered by."""
    return since + timedelta(days=response_days(kind))


def sees_all(user: AnyUser) -> bool:
    return can(user, "mars.view_all_waiting")


def can_see_waiting(user: AnyUser) -> bool:
    """Case staff see what waits on them; those who hold view_all_waiting see everything."""
    return can(user, "mars.view_waiting") or sees_all(user)


def visible_to(user: AnyUser, items: Iterable[Waiting], today: date) -> list[Waiting]:
    """Of the items, those the user may see: all of them for those who see all, otherwise
    those they own and those of the workers they cover today."""
    items = list(items)
    if sees_all(user):
        return items
    if not can_see_waiting(user):
        return []
    covered = covered_by(user, today)

    def theirs(item: Waiting) -> bool:
        if item.owner is None:
            return bool(item.approvers) and can(user, item.approvers)
        return item.owner.pk == user.pk or (not item.private and item.owner.pk in covered)

    return [item for item in items if theirs(item)]


def covered_by(user: AnyUser, today: date) -> set[int]:
    """The workers the user covers today (two queries: the active staff, then the covers)."""
    staff = get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)
    covers = covering(staff, today)
    return {worker for worker, by in covers.items() if by.pk == user.pk}


def waiting_for(user: AnyUser, today: date) -> list[Waiting]:
    """Everything past its time on `today` that the user may see: oldest due first. Those who
    do not see all read only their own and their covered workers' (the sources filter them),
    and what waits on a permission's holders."""
    if sees_all(user) or not can_see_waiting(user):
        return visible_to(user, past_time(today), today)
    mine = {user.pk} | covered_by(user, today)
    return visible_to(user, past_time(today, owners={pk for pk in mine if pk is not None}), today)


def add_cover(users: Iterable[Any], covers: dict[int, Any]) -> list[Any]:
    """The users, each followed by whoever covers them (`covers`, by worker id), once each, in
    order: the one merge staffing.cover.with_cover and with_cover share."""
    found: dict[int, Any] = {}
    for user in users:
        if user is None:
            continue
        found.setdefault(user.pk, user)
        if user.pk in covers:
            found.setdefault(covers[user.pk].pk, covers[user.pk])
    return list(found.values())


def with_cover(users: Iterable[Any], day: date) -> list[Any]:
    """The users, each followed by whoever covers them on the day (once each, in order)."""
    users = [user for user in users if user is not None]
    return add_cover(users, covering((user.pk for user in users), day))


@dataclass
class Escalated:
    owners: int = 0
    coordinators: int = 0


@transaction.atomic
def escalate(today: date) -> Escalated:
    """Tell each item's owner (and whoever covers them today; the approvers or the coordinators
    when it has no owner in the team) that it is past its time, and the coordinators once it has
    been past its time WAITING_ESCALATE_DAYS.

    Rules: each is told once per item and due date (a new due date is a new item); an owner the
    app's own reminders already tell (owner_reminded) is not told again, nor are the coordinators
    when those reminders tell them (leads_reminded); where a coordinator is the owner they are
    not told twice; a private item is told to its owner only, never to who covers them; an item
    only listed ahead of its due date is not told. Emails carry no case detail: the kind, the
    person's reference and a link. Idempotent: running again sends nothing new.
    """
    sent = Escalated()
    leads: list[Any] | None = None
    for item in past_time(today):
        if item.due >= today:
            continue
        owner = item.owner if item.owner is not None and item.owner.is_active else None
        over = item.days_over(today)
        due = f"{item.due:%d/%m/%Y}"
        about = f" for {item.reference}" if item.reference else ""
        if owner is not None:
            told = not item.owner_reminded
            recipients = [owner] if item.private else with_cover([owner], today)
        elif item.approvers:
            told = True
            recipients = list(holders_of(item.approvers))
        else:
            told = not item.leads_reminded
            leads = leads if leads is not None else list(coordinators())
            recipients = leads
        if told:
            sent.owners += len(
                notify(
                    recipients,
                    key=f"waiting:{item.key}:{item.due:%Y-%m-%d}",
                    subject=item.email_subject,
                    body=f"{item.kind}{about} was due on {due}.",
                    url=item.url,
                )
            )
        if owner is not None and not item.leads_reminded and over >= settings.WAITING_ESCALATE_DAYS:
            leads = leads if leads is not None else list(coordinators())
            sent.coordinators += len(
                notify(
                    [lead for lead in leads if lead.pk != owner.pk],
                    key=f"waiting-escalated:{item.key}:{item.due:%Y-%m-%d}",
                    subject=f"Still waiting after {over} days: {item.email_subject}",
                    body=f"{item.kind}{about} was due on {due} and is still waiting "
                    f"({item.owner_name}'s).",
                    url=item.url,
                )
            )
    return sent
