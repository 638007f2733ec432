"""Who may see which report runs, RSDF returns, the dashboard and bundles (mars.access holds the
machinery)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from mars.access import AnyUser, can, perm, require
from reporting.models import (
    BundleImport,
    BundleImportQuerySet,
    ReportRun,
    ReportRunQuerySet,
    RsdfReturn,
    RsdfReturnQuerySet,
)


def can_see_dashboard(user: AnyUser) -> bool:
    """The coordinator's dashboard, and the people behind its figures."""
    return can(user, "reporting.view_dashboard")


# Importing bundles, and seeing every import: the page, the API (its permission class) and the
# queryset below all ask for it by this name.
IMPORT_BUNDLES = "reporting.import_bundle"


def can_import_bundles(user: AnyUser) -> bool:
    return can(user, IMPORT_BUNDLES)


def visible_bundle_imports(user: AnyUser) -> BundleImportQuerySet:
    """Bundle imports: every one (whoever uploaded it) for those who import bundles; none for
    anyone else."""
    jobs = BundleImport.objects.all()
    return jobs if can_import_bundles(user) else jobs.none()


def get_bundle_import(user: AnyUser, pk: int | str) -> BundleImport:
    """One import: 404 if the user may not see it."""
    try:
        return visible_bundle_imports(user).get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as error:
        raise Http404 from error


def visible_report_runs(user: AnyUser) -> ReportRunQuerySet:
    """Report runs: all of them for those who make or read reports; only published ones for
    commissioners; none for anyone else."""
    runs = ReportRun.objects.all()
    if can(user, perm(ReportRun, "view")):
        return runs
    if can(user, "reporting.view_published_reportrun"):
        return runs.published()
    return runs.none()


def get_report_run(user: AnyUser, pk: int | str, *, write: bool = False) -> ReportRun:
    """One run: 404 if the user may not see it; 403 if write is asked and they may not change it."""
    try:
        run = visible_report_runs(user).get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as error:
        raise Http404 from error
    if write:
        require(user, "reporting.change_reportrun")
    return run


def can_read_runs_only(user: AnyUser) -> bool:
    """Those who read every run but have no dashboard (the director)."""
    return can(user, "reporting.view_reportrun") and not can_see_dashboard(user)


def can_read_published_only(user: AnyUser) -> bool:
    """Those who read only published reports (commissioners)."""
    return (
        can(user, "reporting.view_published_reportrun")
        and not can(user, "reporting.view_reportrun")
        and not can_see_dashboard(user)
    )


def can_see_long_term(user: AnyUser) -> bool:
    """The long-term list names people: for those who see the dashboard's people."""
    return can_see_dashboard(user)


def can_set_long_term_target(user: AnyUser) -> bool:
    return can(user, "reporting.change_longtermtarget")


def visible_rsdf_returns(user: AnyUser) -> RsdfReturnQuerySet:
    """RSDF returns: all of them for those who make or read returns; only submitted ones for
    those who read published reports (commissioners); none for anyone else."""
    returns = RsdfReturn.objects.all()
    if can(user, perm(RsdfReturn, "view")):
        return returns
    if can(user, "reporting.view_published_reportrun"):
        return returns.submitted()
    return returns.none()


def get_rsdf_return(user: AnyUser, pk: int | str, *, write: bool = False) -> RsdfReturn:
    """One return: 404 if the user may not see it; 403 if write is asked and they may not
    change it."""
    try:
        found = visible_rsdf_returns(user).get(pk=pk)
    except (ValueError, TypeError, ObjectDoesNotExist) as error:
        raise Http404 from error
    if write:
        require(user, "reporting.change_rsdfreturn")
    return found


def can_see_rsdf_returns(user: AnyUser) -> bool:
    """The list of returns: every return, or the submitted ones (commissioners)."""
    return can(user, perm(RsdfReturn, "view")) or can(user, "reporting.view_published_reportrun")


def can_see_rsdf_figures(user: AnyUser) -> bool:
    """Any month's return figures computed now, drafts included (not commissioners)."""
    return can(user, perm(RsdfReturn, "view"))


def can_see_rsdf_people(user: AnyUser) -> bool:
    """The people behind each figure of a return, and the people it lists to check."""
    return can(user, "reporting.view_rsdf_people") and can(user, perm(RsdfReturn, "view"))


def can_change_rsdf_returns(user: AnyUser) -> bool:
    return can(user, "reporting.change_rsdfreturn")
