"""Importing a bundle in the browser (the same import as the command, run by a worker), and
exporting one."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from clients.access import sees_all_special_category
from mars.pages import HtmxHttpRequest, refusal_into_form
from reporting import imports
from reporting.access import can_import_bundles, get_bundle_import, visible_bundle_imports
from reporting.bundle import export_bundle
from reporting.forms import BundleForm
from reporting.models import BundleImport, ImportStatus

logger = logging.getLogger(__name__)

RECENT_IMPORTS = 10


@login_required
def bundle_import(request: HttpRequest) -> HttpResponse:
    """Upload a bundle: kept and queued for a worker, then followed on its own page; the recent
    imports below the form."""
    if not can_import_bundles(request.user):
        raise PermissionDenied
    form = BundleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.queue_import(form.cleaned_data["file"], by=request.user)
        except imports.ImportRefused as error:
            refusal_into_form(form, error)
        else:
            return redirect(job)
    recent = visible_bundle_imports(request.user).select_related("uploaded_by")[:RECENT_IMPORTS]
    return render(request, "reporting/bundle_import.html", {"form": form, "recent": recent})


@login_required
def bundle_import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One import: its progress while a worker has it (the status part polls), then its summary,
    or every problem that refused it beside a form for the corrected file."""
    job = get_bundle_import(request.user, pk)
    if request.htmx and request.GET.get("part") == "status":
        response = render(request, "reporting/_bundle_import_status.html", _context(job))
        if job.is_finished:
            # The summary or the problems, and the form, are outside the status part.
            response["HX-Refresh"] = "true"
        return response
    form = None
    if job.outcome == ImportStatus.REFUSED:
        # The refusal beside the file field, as it reads when a file is chosen again.
        form = BundleForm(data={}, files={})
        form.errors.clear()
        count = len(job.problems)
        form.add_error("file", f"Nothing was imported: {count} problem{'' if count == 1 else 's'}.")
    return render(request, "reporting/bundle_import_detail.html", {**_context(job), "form": form})


def _context(job: BundleImport) -> dict[str, Any]:
    return {
        "job": job,
        "stale_minutes": settings.BUNDLE_IMPORT_STALE_MINUTES,
        "wait_minutes": settings.BUNDLE_IMPORT_WAIT_MINUTES,
    }


@login_required
def bundle_export(request: HttpRequest) -> HttpResponse:
    """Every record the bundle format holds, as a download (names included: coordinator only).
    It holds every person's special category data, so it needs the right to see all of it."""
    if not can_import_bundles(request.user) or not sees_all_special_category(request.user):
        raise PermissionDenied
    # Every person's details leave the system: keep a record of who took them.
    logger.warning("Bundle export (every person's record) downloaded by user %s", request.user.pk)
    response = HttpResponse(
        json.dumps(export_bundle(), indent=1, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mars-bundle-{stamp}.json"'
    response["Cache-Control"] = "private, no-store"
    return response
