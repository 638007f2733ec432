"""Who may approve risk plans and read restricted alerts (mars.access holds the machinery)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from clients.models import Client
from mars.access import AnyUser, can
from risk.models import RiskAlert


def can_approve_risk_plans(user: AnyUser) -> bool:
    """Coordinators approve risk plans; the director approves those a coordinator submitted."""
    return can(user, "risk.approve_riskplan") or can(user, "risk.approve_coordinators_riskplan")


def can_see_assessments(user: AnyUser) -> bool:
    """Risk's pages start from assessments and their reviews."""
    return can(user, "risk.view_riskassessment")


# What everyone who may see the person but not read a restricted alert sees in its place.
RESTRICTED_NOTE = "Restricted alert: ask the key worker"


def may_read_restricted_about(user: AnyUser, client: Client) -> bool:
    """Whether the user may read what the person's restricted alerts say: the person's key worker
    and those given `risk.view_restricted_alerts` (the coordinator)."""
    if can(user, "risk.view_restricted_alerts"):
        return True
    return user.is_authenticated and client.key_worker_id == user.pk


def may_read_restricted(user: AnyUser, alert: RiskAlert, client: Client | None = None) -> bool:
    """Whether the user may read what the alert says: anyone who may see the person for an alert
    that is not restricted; a restricted one as may_read_restricted_about says. `client` saves a
    query when the caller has the person at hand."""
    if not alert.restricted:
        return True
    return may_read_restricted_about(user, client if client is not None else alert.plan.client)


def alert_text(user: AnyUser, alert: RiskAlert, client: Client | None = None) -> str:
    """The alert as the user may read it: its words, or the restricted note."""
    return str(alert) if may_read_restricted(user, alert, client) else RESTRICTED_NOTE


def require_may_read_alerts(user: AnyUser, alerts: Iterable[RiskAlert], client: Client) -> None:
    """Refuse (403) a page that shows alerts' words in full (a plan's form) to one who may not
    read one of them: they are to ask the key worker."""
    if not all(may_read_restricted(user, alert, client) for alert in alerts):
        raise PermissionDenied(RESTRICTED_NOTE)
