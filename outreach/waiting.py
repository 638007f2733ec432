"""What waits past its time in outreach: reports from the public still open, or still being
searched for, REPORT_SEARCH_DAYS after they came in."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date, timedelta

from django.utils import timezone

from mars.dates import day_start
from mars.waiting import Waiting
from outreach.models import PublicReport

# A report is looked for on the next morning's session, or the one after (a session a day,
# weekdays): two days on, it should be found, not found or closed.
REPORT_SEARCH_DAYS = 2


def overdue(today: date, owners: Collection[int] | None = None) -> Iterator[Waiting]:
    """Live reports (open or searching) received before the day REPORT_SEARCH_DAYS ago: the
    outreach team's, so the coordinators', who allocate them to sessions: no worker owns them."""
    if owners is not None:
        return
    received_before = day_start(today - timedelta(days=REPORT_SEARCH_DAYS))
    for report in PublicReport.objects.live().filter(received_at__lt=received_before):
        received = timezone.localdate(report.received_at)
        yield Waiting(
            key=f"public-report:{report.pk}",
            kind="Public report",
            title=f"Report from {report.get_source_display().lower()}: {report.location}",
            url=report.get_absolute_url(),
            since=received,
            due=received + timedelta(days=REPORT_SEARCH_DAYS),
            owner_label="Outreach team",
        )
