"""The alerts of a person's plan in force, as every page and list about them shows them.

Alerts are shown to everyone who may see the person, restricted ones included: nobody should
walk into a risk unaware. What a restricted alert says is shown only to those who need to know
(risk.access.may_read_restricted); the others see that there is one and whom to ask. Lists fetch
them for a whole page at once with `with_alerts`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mars.access import AnyUser
from risk.access import RESTRICTED_NOTE, may_read_restricted
from risk.models import RiskAlert, RiskPlan

Q = TypeVar("Q", bound=models.QuerySet[Any])

ATTR = "plans_in_force"


def _in_force() -> models.QuerySet[RiskPlan]:
    return RiskPlan.objects.in_force().prefetch_related(
        Prefetch("alerts", queryset=RiskAlert.objects.order_by("id"))
    )


def alerts_lookup(path: str = "") -> Prefetch:
    """The prefetch of each person's alerts; `path` leads from the model to the person: "" for
    people, "client__" for records about a person."""
    return Prefetch(f"{path}risk_plans", queryset=_in_force(), to_attr=ATTR)


def with_alerts(queryset: Q, path: str = "") -> Q:
    """The queryset with each person's alerts fetched in two queries for the lot."""
    return queryset.prefetch_related(alerts_lookup(path))  # type: ignore[return-value]  # same QuerySet class


def alerts_of(client: Any) -> list[RiskAlert]:
    """The person's alerts: fetched already when the list used with_alerts, else looked up."""
    if client is None or client.pk is None:
        return []
    plans = getattr(client, ATTR, None)
    if plans is None:
        plans = list(_in_force().filter(client=client))
        setattr(client, ATTR, plans)
    return [alert for plan in plans for alert in plan.alerts.all()]


def readable(client: Any, user: AnyUser) -> list[dict[str, Any]]:
    """The person's alerts as the user may read them: a restricted one they may not read is only
    the note to ask the key worker."""
    rows = []
    for a in alerts_of(client):
        if may_read_restricted(user, a, client):
            rows.append(
                {"kind": a.kind, "label": a.get_kind_display(), "detail": a.detail,
                 "restricted": a.restricted}
            )  # fmt: skip
        else:
            label, detail = RESTRICTED_NOTE.split(": ", 1)
            rows.append(
                {"kind": "restricted", "label": label, "detail": detail, "restricted": True}
            )
    return rows


def badges(client: Any, user: AnyUser, compact: bool = False) -> SafeString:
    """The person's alerts as flags, wherever the person appears."""
    return render_to_string(
        "risk/_alerts.html", {"alerts": readable(client, user), "compact": compact}
    )


def shown(client: Any, user: AnyUser) -> list[dict[str, Any]]:
    """The person's alerts as the API gives them beside the person."""
    return readable(client, user)
