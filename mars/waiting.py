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
from datetime import date
from typing import Any

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


Source = Callable[[date], Iterable[Waiting]]

sources: Registry[Source] = Registry("waiting sources")


def past_time(today: date) -> list[Waiting]:
    """Everything past its time on `today`, from every source: oldest due first."""
    items = [item for source in sources for item in source(today) if item.due < today]
    return sorted(items, key=lambda item: (item.due, item.since, item.key))
