"""What a higher app adds to MARS House's pages (funds: the property fund's spend, and a repair's
payments), registered from its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accommodation.models import HouseIssue
from mars.access import AnyUser
from mars.registry import Part, Registry


@dataclass
class IssueAdditions:
    """Rows and action links another app adds to a house issue's page."""

    rows: list[tuple[str, Any]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)


# (user, today) -> a section of the MARS House page.
sections: Registry[Callable[[AnyUser, date], Part | None]] = Registry(
    "sections of the MARS House page"
)
# (user, issue) -> what a house issue's page shows besides the issue.
issue_additions: Registry[Callable[[AnyUser, HouseIssue], IssueAdditions]] = Registry(
    "additions to a house issue's page"
)
