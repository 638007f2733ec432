"""The person page's "Who has looked at this record": the newest reads, for those who may see
the log."""

from __future__ import annotations

from typing import Any

from audit.access import can_view_access_log
from audit.models import AccessEvent
from mars.access import AnyUser
from mars.person_page import PersonSection

SHOWN = 10


def section(person: Any, user: AnyUser) -> PersonSection | None:
    if not can_view_access_log(user):
        return None
    # One more than is shown, to know whether there are more without counting them all.
    events = list(
        AccessEvent.objects.about(person.pk).select_related("user").newest_first()[: SHOWN + 1]
    )
    return PersonSection(
        id="looked-at",
        title="Who has looked at this record",
        template="audit/_person_section.html",
        context={"events": events[:SHOWN], "more": len(events) > SHOWN},
    )
