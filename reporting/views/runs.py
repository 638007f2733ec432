"""Report runs: starting one, watching it being made, retrying, publishing; downloads; the
commissioners' area of published reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mars import access
from mars.home import HomePart
from mars.pages import HtmxHttpRequest, history_of, page_of, refusal_into_form
from reporting import documents, services
from reporting.access import can_see_dashboard, get_report_run, visible_report_runs
from reporting.forms import CommentaryForm, StartRunForm
from reporting.models import FileKind


def _can_start(request: HttpRequest) -> bool:
    return access.can(request.user, "reporting.add_reportrun")


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """Every run, newest month first, and (for the coordinator) a form to start one."""
    user = request.user
    if request.method == "POST" and not _can_start(request):
        raise PermissionDenied
    if not access.can(user, "reporting.view_reportrun"):
        if access.can(user, "reporting.view_published_reportrun"):
            return redirect("reporting:published")
        raise PermissionDenied
    form = StartRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                form.cleaned_data["period"], as_of=form.cleaned_data["as_of"], by=user
            )
        except services.ReportError as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"The report for {run.period_label} has started.")
            return redirect(run)
    runs = visible_report_runs(user).select_related("started_by", "published_by")
    page = page_of(request, runs)
    return render(
        request,
        "reporting/run_list.html",
        {"page": page, "form": form, "can_start": _can_start(request)},
    )


def _run_context(request: HttpRequest, run: Any) -> dict[str, Any]:
    can_publish = access.can(request.user, "reporting.publish_reportrun") and run.can_publish
    return {
        "run": run,
        "can_retry": run.can_retry and access.can(request.user, "reporting.change_reportrun"),
        "can_publish": can_publish,
        "files": [(kind, run.file(kind)) for kind in FileKind if run.file(kind)],
    }


@login_required
def run_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A run: its progress while it is made (the status part polls), then its figures, files,
    commentary and publishing, and its history."""
    run = get_report_run(request.user, pk)
    context = _run_context(request, run)
    if request.htmx and request.GET.get("part") == "status":
        response = render(request, "reporting/_run_status.html", context)
        if run.is_finished:
            # The rest of the page (figures, files, publishing) changes too: load it whole.
            response["HX-Refresh"] = "true"
        return response
    form = CommentaryForm(request.POST or None, instance=run)
    if request.method == "POST":
        if not context["can_publish"]:
            raise PermissionDenied
        if form.is_valid():
            publish = "publish" in request.POST
            try:
                if publish:
                    run = services.publish_run(
                        run, commentary=form.cleaned_data["commentary"], by=request.user
                    )
                else:
                    run = services.save_commentary(
                        run, form.cleaned_data["commentary"], by=request.user
                    )
            except services.ReportError as error:
                refusal_into_form(form, error)
            else:
                messages.success(
                    request,
                    f"Published as version {run.version}: commissioners can download it now."
                    if publish
                    else "Commentary saved; the files now include it.",
                )
                return redirect(run)
    context.update(form=form, history=history_of(run), report=run.report)
    return render(request, "reporting/run_detail.html", context)


@login_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_report_run(request.user, pk, write=True)
    try:
        services.retry_run(run, by=request.user)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The run is queued again.")
    return redirect(run)


@login_required
def run_download(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    run = get_report_run(request.user, pk)
    return documents.as_download(run, kind)


@login_required
def published(request: HttpRequest) -> HttpResponse:
    """The commissioners' area: published reports to download, and nothing else."""
    if not access.can(request.user, "reporting.view_published_reportrun"):
        raise PermissionDenied
    runs = (
        visible_report_runs(request.user)
        .published()
        .select_related("replaces", "replaced_by")
        .order_by("-period", "-version")
    )
    page = page_of(request, runs)
    return render(request, "reporting/published.html", {"page": page})


def home_part(request: HttpRequest) -> HomePart | None:
    """The home page's reports tiles, for those who read published reports."""
    if not access.can(request.user, "reporting.view_published_reportrun"):
        return None
    return HomePart("reporting/_home.html", {"dashboard": can_see_dashboard(request.user)})
