"""Demo risk records: assessments at every level, plans in every state (with versions), alerts on
several people, reviews overdue and coming due, meetings with actions, safeguarding concerns.

Everything goes through risk.services, as a worker's would. Two things are backdated afterwards
with a queryset update, because the services rightly refuse to approve a plan whose review has
passed: the plan whose review is now overdue.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from clients.models import Agency, Client
from risk import services
from risk.models import (
    ActionStatus,
    AlertKind,
    Area,
    Level,
    Meeting,
    MeetingKind,
    RiskAssessment,
    RiskPlan,
    SafeguardingCategory,
    SafeguardingConcern,
)

LOW, MEDIUM, HIGH = Level.LOW, Level.MEDIUM, Level.HIGH


def load(today: date, users: dict[str, User], agencies: dict[str, Agency]) -> dict[str, int]:
    """Create the risk demo records unless there are assessments already."""
    if RiskAssessment.objects.exists():
        return {}
    coordinator, support, outreach = users["coordinator"], users["support"], users["outreach"]
    people = {f"{c.first_name} {c.last_name}": c for c in Client.objects.active()}

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    def assess(name: str, days_ago: int, levels: dict[Area, Level], by: User, **notes: str) -> Any:
        ratings = {
            area: {
                "level": levels.get(Area(area), LOW),
                "notes": notes.get(area, ""),
                # Special category detail is marked sensitive (need to know, issue 18).
                "sensitive": bool(notes.get(f"{area}_sensitive")),
                "triggers": notes.get(f"{area}_triggers", ""),
            }
            for area in Area.values
        }
        return services.record_assessment(
            RiskAssessment(client=people[name], assessed_on=ago(days_ago), assessor=by),
            ratings,
            by=by,
        )

    def plan(
        assessment: Any,
        summary: str,
        actions: list[tuple[str, Any, int]],
        alerts: list[tuple[AlertKind, str]],
        by: User,
    ) -> RiskPlan:
        return services.draft_plan(
            RiskPlan(client=assessment.client, assessment=assessment, summary=summary),
            actions=[
                {
                    "description": what,
                    "owner": who if isinstance(who, User) else None,
                    "owner_other": "" if isinstance(who, User) else who,
                    "due": today + timedelta(days=due),
                }
                for what, who, due in actions
            ],
            alerts=[{"kind": kind, "detail": detail} for kind, detail in alerts],
            by=by,
        )

    def approved(p: RiskPlan, by: User = support, approver: User = coordinator) -> RiskPlan:
        services.submit_plan(p, by=by)
        return services.approve_plan(p, comment="Agreed.", by=approver)

    # Mick: medium risk, plan in force with two alerts.
    mick = assess(
        "Michael O'Brien",
        25,
        {Area.TO_STAFF: MEDIUM, Area.SUBSTANCES: MEDIUM, Area.SELF_NEGLECT: MEDIUM},
        support,
        to_staff="Shouted at staff twice when woken early.",
        to_staff_triggers="Being woken suddenly; drink.",
        substance_use="Daily drinker; one overdose in 2025.",
    )
    approved(
        plan(
            mick,
            "Approach in pairs after a call-out; let him wake before talking. Harbour to assess.",
            [
                ("Offer Harbour alcohol assessment", outreach, 10),
                ("Check naloxone kit with him each week", support, 4),
            ],
            [
                (AlertKind.VISIT_IN_PAIRS, "Early morning contacts"),
                (AlertKind.DOG, "Staffie, friendly, keep on lead"),
            ],
            support,
        )
    )

    # MARS House residents: plans in force (MARS House signs nobody up without one).
    emma = assess(
        "Emma Walsh",
        26,
        {Area.FROM_OTHERS: HIGH, Area.TO_SELF: MEDIUM},
        support,
        from_others="Former partner has looked for her at the day centre.",
        from_others_triggers="Contact from him; court dates.",
    )
    approved(
        plan(
            emma,
            "Never confirm where she lives. Police marker in place; MARAC referral made.",
            [("Confirm the police marker on her address", support, 3)],
            [
                (AlertKind.DO_NOT_DISCLOSE_ADDRESS, "Former partner is looking for her"),
                (AlertKind.VISIT_IN_PAIRS, ""),
            ],
            support,
        )
    )
    for name, days, levels, alerts in [
        ("Stephen Rowe", 60, {Area.SUBSTANCES: MEDIUM}, []),
        ("Nicola Hext", 40, {Area.SELF_NEGLECT: MEDIUM}, [(AlertKind.DOG, "Small terrier")]),
        ("Jade Thompson", 30, {}, []),
    ]:
        assessment = assess(name, days, levels, support)
        approved(
            plan(
                assessment,
                "Weekly key-work session; house rules agreed at sign-up.",
                [("Weekly key-work session", support, 7)],
                alerts,
                support,
            )
        )

    # Zoe: version 1 superseded by version 2, both kept.
    zoe = assess("Zoe Cornish", 25, {Area.FIRE: HIGH}, support, fire="Smokes in bed.")
    first = approved(
        plan(
            zoe,
            "Smoke alarm checked weekly; no smoking in the room.",
            [("Fit a heat detector in her room", "MARS House landlord", 2)],
            [(AlertKind.FIRE, "Smokes in bed")],
            support,
        )
    )
    zoe_again = assess(
        "Zoe Cornish",
        12,
        {Area.FIRE: HIGH, Area.SUBSTANCES: MEDIUM},
        support,
        fire="Smokes in bed.",
    )
    second = plan(
        zoe_again,
        first.summary + " GP review of seizure medication.",
        [
            ("Fit a heat detector in her room", "MARS House landlord", 2),
            ("GP review of seizure medication", support, 14),
        ],
        [(AlertKind.FIRE, "Smokes in bed"), (AlertKind.MEDICAL, "Epilepsy: seizures")],
        support,
    )
    approved(second)

    # Nicola: a new version being written while version 1 stays in force.
    nicola_plan = services.plan_in_force(people["Nicola Hext"])
    assert nicola_plan is not None
    plan(
        nicola_plan.assessment,
        nicola_plan.summary + " Add a dog-care plan for hospital stays.",
        [("Weekly key-work session", support, 7), ("Agree who minds the dog", support, 21)],
        [(AlertKind.DOG, "Small terrier")],
        support,
    )

    # Danny: high risk, plan waiting for the coordinator.
    danny = assess(
        "Daniel Price",
        5,
        {Area.TO_STAFF: HIGH, Area.TO_OTHERS: MEDIUM, Area.SUBSTANCES: HIGH},
        support,
        to_staff="Threatened a worker with a bottle in August.",
        to_staff_triggers="Refused a bed; drink.",
    )
    services.submit_plan(
        plan(
            danny,
            "Two workers always; meet in open places; police told of any threat.",
            [("Tell the police of the August threat", support, 1)],
            [
                (AlertKind.VIOLENCE_TO_STAFF, "Threatened a worker, August"),
                (AlertKind.VISIT_IN_PAIRS, ""),
            ],
            support,
        ),
        by=support,
    )

    # Sarah: returned with a comment. Gary: a draft by the outreach worker.
    sarah = assess("Sarah Collins", 8, {Area.SUBSTANCES: HIGH}, support)
    sarah_plan = plan(
        sarah, "Harbour to see her weekly.", [("Harbour referral", support, 5)], [], support
    )
    services.submit_plan(sarah_plan, by=support)
    services.return_plan(
        sarah_plan,
        comment="Add the overdose risk: naloxone and who checks on her after a using day.",
        by=coordinator,
    )
    gary = assess("Gary Pengelly", 3, {Area.EXPLOITATION: MEDIUM}, outreach)
    plan(gary, "Watch for the people who take his money on payday.", [], [], outreach)

    # Liam: the coordinator's own plan, for the director to approve.
    liam = assess(
        "Liam Murphy",
        6,
        {Area.TO_SELF: HIGH},
        coordinator,
        to_self="Two overdoses since June; under the crisis team and on a new prescription.",
        to_self_sensitive="yes",
        to_self_triggers="Anniversaries; being moved on from his spot.",
    )
    services.submit_plan(
        plan(
            liam,
            "Daily contact while in crisis; crisis team number on him.",
            [("Daily welfare check", coordinator, 1)],
            [(AlertKind.OTHER, "Self-harm risk: check in daily")],
            coordinator,
        ),
        by=coordinator,
    )

    # Mark: a plan in force whose review is overdue (backdated: the services would refuse it).
    mark = assess("Mark Pascoe", 2, {Area.TO_OTHERS: HIGH}, support)
    mark_plan = approved(
        plan(
            mark,
            "Search policy explained; no bags in the office.",
            [("Share the plan with the day centre", "Shekinah manager", 5)],
            [(AlertKind.WEAPONS, "Has carried a knife")],
            support,
        )
    )
    RiskAssessment.objects.filter(pk=mark.pk).update(assessed_on=ago(150), review_due=ago(119))
    at = timezone.make_aware(datetime.combine(ago(148), time(11, 0)))
    RiskPlan.objects.filter(pk=mark_plan.pk).update(submitted_at=at, approved_at=at)

    # Paul: low risk, review coming due in three days.
    paul = assess("Paul Trewin", 5, {}, support)
    RiskAssessment.objects.filter(pk=paul.pk).update(
        assessed_on=ago(180), review_due=today + timedelta(days=3)
    )

    # Meetings and their actions.
    services.save_meeting(
        Meeting(
            client=people["Michael O'Brien"],
            kind=MeetingKind.RISK_MANAGEMENT,
            held_on=ago(20),
            chair=coordinator,
            others_present="PC Jones, Devon and Cornwall Police",
            notes="Reviewed the two incidents with staff. Agreed pairs for early contacts.",
        ),
        staff=[support, outreach],
        agencies=[agencies["police"], agencies["harbour"]],
        actions=[
            {"description": "Ask the police for the warning marker", "owner": support,
             "due": ago(5)},
            {"description": "Book Harbour assessment", "owner": outreach,
             "due": today + timedelta(days=10)},
            {"description": "Share the plan with the day centre", "owner_other": "Shekinah manager",
             "due": ago(12), "status": ActionStatus.DONE},
        ],
        by=coordinator,
    )  # fmt: skip
    services.save_meeting(
        Meeting(
            client=people["Daniel Price"],
            kind=MeetingKind.PROFESSIONALS,
            held_on=ago(3),
            chair_other="Livewell complex needs lead",
            notes="Mental health assessment offered; Danny to be seen at the day centre.",
        ),
        staff=[support, coordinator],
        agencies=[agencies["livewell"], agencies["harbour"]],
        actions=[
            {"description": "Send the risk plan to Livewell once approved", "owner": coordinator,
             "due": today + timedelta(days=7)},
        ],
        by=support,
    )  # fmt: skip

    # Safeguarding concerns.
    concerns = [
        ("Emma Walsh", 26, SafeguardingCategory.DOMESTIC_ABUSE, "police", "", None),
        (
            "Kelly Rundle",
            60,
            SafeguardingCategory.EXPLOITATION,
            "police",
            "Cuckooing stopped; flat secured and locks changed.",
            30,
        ),
        ("Hannah Wills", 9, SafeguardingCategory.ADULT, "council-housing", "", None),
    ]
    for name, raised, category, agency, outcome, closed in concerns:
        services.save_concern(
            SafeguardingConcern(
                client=people[name],
                raised_on=ago(raised),
                category=category,
                details="Raised after a conversation on the street; recorded the same day.",
                referred_to=agencies[agency],
                referred_on=ago(raised - 1),
                outcome=outcome,
                closed_on=ago(closed) if closed else None,
            ),
            by=support,
        )
    return {
        "risk assessments": RiskAssessment.objects.count(),
        "risk plans": RiskPlan.objects.count(),
        "meetings": Meeting.objects.count(),
        "safeguarding concerns": SafeguardingConcern.objects.count(),
    }
