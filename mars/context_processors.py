from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from mars import access, notifications


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation links the signed-in user's role may use, and the SWEP banner."""
    user = request.user
    if not user.is_authenticated:
        return {"nav_links": []}
    links = [("Home", reverse("home"))]
    if access.can_see_people(user):
        links.append(("People", reverse("clients:list")))
    if access.can(user, "outreach.view_contact"):
        links.append(("Outreach", reverse("outreach:home")))
        links.append(("Reports", reverse("outreach:report_list")))
    if access.can(user, "accommodation.view_unit"):
        links.append(("Accommodation", reverse("accommodation:board")))
    if access.can(user, "risk.view_riskassessment"):
        links.append(("Risk", reverse("risk:reviews")))
    if access.can(user, "funds.view_paymentrequest"):
        links.append(("Funds", reverse("funds:request_list")))
    elif access.can(user, "funds.view_fund"):
        links.append(("Funds", reverse("funds:fund_list")))
    if access.can_see_dashboard(user):
        links.append(("Dashboard", reverse("reporting:dashboard")))
    elif access.can(user, "reporting.view_reportrun"):
        links.append(("Contract reports", reverse("reporting:run_list")))
    elif access.can(user, "reporting.view_published_reportrun"):
        links.append(("Contract reports", reverse("reporting:published")))
    if access.can_see_agencies(user):
        links.append(("Agencies", reverse("clients:agency_list")))
    links.append(("API", reverse("api-docs")))
    if user.is_staff:
        links.append(("Admin", reverse("admin:index")))
    return {"nav_links": links, "swep": _active_swep, "unread_notifications": _unread(user)}


def _active_swep() -> Any:
    # Called from the template, so pages that never render the header pay nothing.
    from outreach.figures import active_swep

    return active_swep()


def _unread(user: Any) -> Any:
    # Counted only if the template asks (pages without the header pay nothing).
    def count() -> int:
        return notifications.mine(user).unread().count()

    return count
