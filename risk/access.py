"""Who may approve risk plans (mars.access holds the machinery)."""

from __future__ import annotations

from mars.access import AnyUser, can


def can_approve_risk_plans(user: AnyUser) -> bool:
    """Coordinators approve risk plans; the director approves those a coordinator submitted."""
    return can(user, "risk.approve_riskplan") or can(user, "risk.approve_coordinators_riskplan")


def can_see_assessments(user: AnyUser) -> bool:
    """Risk's pages start from assessments and their reviews."""
    return can(user, "risk.view_riskassessment")
