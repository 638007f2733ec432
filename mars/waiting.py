"""Nothing waiting unseen: everything past its time, gathered from every app.

Each app registers a source from its AppConfig.ready(): given a day, the source yields a
`Waiting` for each of its records that is past its time on that day (its due date before the
day, and still not done). The coordinator's waiting list shows them all, oldest first, and the
nightly escalation tells each owner, then the coordinators when an item stays past its time.
A source reads with as few queries as it can (one or two, whatever the number of items).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from mars.access import AnyUser, can
from mars.notifications import coordinators, notify
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

    def days_waiting(self, today: date) -> int:
        return (today - self.since).days

    def days_over(self, today: date) -> int:
        """Days past its time: 1 on the day after it was due."""
        return (today - self.due).days

    @property
    def owner_name(self) -> str:
        if self.owner is not None:
            return str(self.owner.get_full_name() or self.owner.get_username())
        return self.owner_label or "Coordinators"


# Days an approval (a payment request, a submitted risk plan) may wait for its decision.
APPROVAL_DAYS = 3

Source = Callable[[date], Iterable[Waiting]]

sources: Registry[Source] = Registry("waiting sources")


def past_time(today: date) -> list[Waiting]:
    """Everything past its time on `today`, from every source: oldest due first."""
    items = [item for source in sources for item in source(today) if item.due < today]
    return sorted(items, key=lambda item: (item.due, item.since, item.key))


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
    covers = covering({item.owner.pk for item in items if item.owner is not None}, today)
    mine = {user.pk} | {worker for worker, by in covers.items() if by.pk == user.pk}
    return [item for item in items if item.owner is not None and item.owner.pk in mine]


def waiting_for(user: AnyUser, today: date) -> list[Waiting]:
    """Everything past its time on `today` that the user may see: oldest due first."""
    return visible_to(user, past_time(today), today)


def with_cover(users: Iterable[Any], day: date) -> list[Any]:
    """The users, each followed by whoever covers them on the day (once each, in order)."""
    users = [user for user in users if user is not None]
    covers = covering((user.pk for user in users), day)
    found: dict[int, Any] = {}
    for user in users:
        found.setdefault(user.pk, user)
        if user.pk in covers:
            found.setdefault(covers[user.pk].pk, covers[user.pk])
    return list(found.values())


@dataclass
class Escalated:
    owners: int = 0
    coordinators: int = 0


@transaction.atomic
def escalate(today: date) -> Escalated:
    """Tell each item's owner (and whoever covers them today; the coordinators when it has no
    owner in the team) that it is past its time, and the coordinators once it has been past its
    time WAITING_ESCALATE_DAYS.

    Rules: each is told once per item and due date (a new due date is a new item); an owner the
    app's own reminders already tell (owner_reminded) is not told again; where the coordinators
    are the owners they are not told twice. Idempotent: running again sends nothing new.
    """
    sent = Escalated()
    leads: list[Any] | None = None
    for item in past_time(today):
        owner = item.owner if item.owner is not None and item.owner.is_active else None
        over = item.days_over(today)
        due = f"{item.due:%d/%m/%Y}"
        if owner is None or not item.owner_reminded:
            if owner is None:
                leads = leads if leads is not None else list(coordinators())
            recipients = with_cover([owner], today) if owner is not None else leads or []
            sent.owners += len(
                notify(
                    recipients,
                    key=f"waiting:{item.key}:{item.due:%Y-%m-%d}",
                    subject=f"Past its time: {item.kind.lower()}, {item.title}",
                    body=f"{item.kind} {item.title} was due on {due}.",
                    url=item.url,
                )
            )
        if owner is not None and over >= settings.WAITING_ESCALATE_DAYS:
            leads = leads if leads is not None else list(coordinators())
            sent.coordinators += len(
                notify(
                    leads,
                    key=f"waiting-escalated:{item.key}:{item.due:%Y-%m-%d}",
                    subject=f"Still waiting after {over} days: {item.kind.lower()}, {item.title}",
                    body=f"{item.kind} {item.title} was due on {due} and is still waiting "
                    f"({item.owner_name}'s).",
                    url=item.url,
                )
            )
    return sent
