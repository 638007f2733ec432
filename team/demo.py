"""Demo supervision and team meetings: every demo worker supervised, one of them overdue; a past
team meeting whose actions include one past its due date. Made through team.services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User

from team import services
from team.models import Supervision, TeamMeeting

# Weeks since each worker's last supervision: Tom's (support2) is past SUPERVISION_WEEKS.
LAST_SUPERVISED = {"support": 2, "outreach": 3, "support2": 8, "support3": 1, "outreach2": 4}


def load(today: date, users: dict[str, User]) -> dict[str, int]:
    """Create the supervisions and team meetings unless there are some already."""
    if Supervision.objects.exists() or TeamMeeting.objects.exists():
        return {}
    coordinator = users["coordinator"]
    supervisions = 0
    for username, weeks in LAST_SUPERVISED.items():
        worker = users.get(username)
        if worker is None:
            continue
        for held_on in [today - timedelta(weeks=weeks + 6), today - timedelta(weeks=weeks)]:
            services.record_supervision(
                Supervision(
                    worker=worker,
                    supervisor=coordinator,
                    held_on=held_on,
                    caseload_discussed="Each person on the caseload in turn: reviews coming "
                    "up, referrals waiting, who has not been seen this week.",
                    wellbeing="Managing the workload; asked for a quieter rota after the "
                    "SWEP nights.",
                ),
                actions=[
                    {
                        "description": "Book the trauma-informed practice course",
                        "due": held_on + timedelta(weeks=4),
                        "done_on": None,
                    }
                ],
                by=coordinator,
            )
            supervisions += 1

    earlier = today - timedelta(weeks=3)
    services.record_team_meeting(
        TeamMeeting(
            held_on=earlier,
            notes="Winter planning: SWEP beds, the rota over the holidays, the annual count "
            "volunteers.",
        ),
        present=[u for u in users.values() if u.username in {*LAST_SUPERVISED, "coordinator"}],
        actions=[
            {
                "description": "Confirm the SWEP beds with the night shelter",
                "owner": users["outreach"],
                "due": earlier + timedelta(days=7),
                "done_on": earlier + timedelta(days=5),
            },
            {
                "description": "Send the holiday rota to the team",
                "owner": users.get("outreach2", coordinator),
                "due": today - timedelta(days=7),
                "done_on": None,
            },
            {
                "description": "Find volunteers for the annual count",
                "owner": coordinator,
                "due": today + timedelta(days=14),
                "done_on": None,
            },
        ],
        by=coordinator,
    )
    services.record_team_meeting(
        TeamMeeting(
            held_on=today - timedelta(weeks=1),
            notes="Caseloads shared out after Tom's handover; referrals waiting reviewed.",
        ),
        present=[users["coordinator"], users["support"], users["outreach"]],
        by=coordinator,
    )
    return {"supervisions": supervisions, "team meetings": 2}
