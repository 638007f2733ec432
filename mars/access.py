"""Who may see and change what: the one place that decides.

Role abilities are Django permissions granted to the role's group. A record a user may not see is
a 404 (its existence is not revealed); one they may see but not change is a 403. Records about a
person are visible only to those who may see that person: a commissioner sees no one.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from clients.models import Agency, Client

M = TypeVar("M", bound=models.Model)
AnyUser = AbstractBaseUser | AnonymousUser


def perm(model: type[models.Model], action: str) -> str:
    """The permission name for an action (view, add, change, delete) on a model."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can(user: AnyUser, permission: str) -> bool:
    return bool(user.is_authenticated and user.has_perm(permission))


def require(user: AnyUser, permission: str) -> None:
    """Refuse (403) unless the user holds the permission."""
    if not can(user, permission):
        raise PermissionDenied


def _is_about_a_person(model: type[models.Model]) -> bool:
    return model is not Client and any(
        field.is_relation and field.related_model is Client and field.many_to_one
        for field in model._meta.get_fields()
        if field.name == "client"
    )


def visible(user: AnyUser, model: type[M]) -> models.QuerySet[M]:
    """Every record of a model the user may see."""
    queryset = model._default_manager.all()
    if not can(user, perm(model, "view")):
        return queryset.none()
    if _is_about_a_person(model) and not can(user, perm(Client, "view")):
        # A record that may be about no one (property spend, say) needs no right to see people
        # when it is not about anyone; a record about a person needs it.
        if model._meta.get_field("client").null:
            return queryset.filter(client__isnull=True)
        return queryset.none()
    return queryset


def visible_clients(user: AnyUser) -> models.QuerySet[Client]:
    """People the user may see, merged duplicates left out."""
    return visible(user, Client).active()  # type: ignore[attr-defined]


def get_visible(user: AnyUser, model: type[M], pk: object, *, write: bool = False) -> M:
    """One record: 404 if the user may not see it; 403 if write is asked and they may not change it.

    (The 403 comes after the 404 check, so nothing is revealed to those who may not see.)
    """
    try:
        obj = visible(user, model).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    if write:
        require(user, perm(model, "change"))
    return obj


def get_client(user: AnyUser, pk: object, *, write: bool = False) -> Client:
    return get_visible(user, Client, pk, write=write)


def can_add_for(user: AnyUser, model: type[models.Model]) -> bool:
    return can(user, perm(model, "add"))


def can_change(user: AnyUser, model: type[models.Model]) -> bool:
    return can(user, perm(model, "change"))


def can_merge_clients(user: AnyUser) -> bool:
    return can(user, "clients.merge_client")


def can_see_people(user: AnyUser) -> bool:
    return can(user, perm(Client, "view"))


def can_see_agencies(user: AnyUser) -> bool:
    return can(user, perm(Agency, "view"))


def can_log_contact(user: AnyUser) -> bool:
    return can(user, "outreach.add_contact")


def can_decide_a2a(user: AnyUser) -> bool:
    """The A2A panel (its members and the coordinator) prioritises and decides referrals."""
    return can(user, "accommodation.decide_a2areferral")


def can_place(user: AnyUser) -> bool:
    return can(user, "accommodation.add_placement")


def can_approve_payments(user: AnyUser) -> bool:
    """Coordinators, the director and the resettlement manager each approve in their part."""
    return any(
        can(user, name)
        for name in (
            "funds.approve_paymentrequest",
            "funds.approve_large_paymentrequest",
            "funds.approve_property_paymentrequest",
        )
    )


def can_approve_risk_plans(user: AnyUser) -> bool:
    """Coordinators approve risk plans; the director approves those a coordinator submitted."""
    return can(user, "risk.approve_riskplan") or can(user, "risk.approve_coordinators_riskplan")


def can_see_dashboard(user: AnyUser) -> bool:
    """The coordinator's dashboard, and the people behind its figures."""
    return can(user, "reporting.view_dashboard")


def can_import_bundles(user: AnyUser) -> bool:
    return can(user, "reporting.import_bundle")


def visible_report_runs(user: AnyUser) -> models.QuerySet[Any]:
    """Report runs: all of them for those who make or read reports; only published ones for
    commissioners; none for anyone else."""
    from reporting.models import ReportRun

    runs = ReportRun.objects.all()
    if can(user, perm(ReportRun, "view")):
        return runs
    if can(user, "reporting.view_published_reportrun"):
        return runs.published()
    return runs.none()


def get_report_run(user: AnyUser, pk: object, *, write: bool = False) -> Any:
    """One run: 404 if the user may not see it; 403 if write is asked and they may not change it."""
    try:
        run = visible_report_runs(user).get(pk=pk)
    except (ValueError, TypeError, models.ObjectDoesNotExist) as error:
        raise Http404 from error
    if write:
        require(user, "reporting.change_reportrun")
    return run
