from typing import Any

from django import template

from risk.alerts import alerts_of

register = template.Library()


@register.inclusion_tag("risk/_alerts.html")
def risk_alerts(client: Any, compact: bool = False) -> dict[str, Any]:
    """A person's risk alerts, as flags: wherever the person appears."""
    return {"alerts": alerts_of(client), "compact": compact}
