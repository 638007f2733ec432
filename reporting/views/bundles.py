"""Importing a bundle in the browser (the same import as the command), and exporting one."""

from __future__ import annotations

import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clients.access import sees_all_special_category
from reporting.access import can_import_bundles
from reporting.bundle import BundleError, export_bundle, import_bundle, parse
from reporting.forms import BundleForm

MAX_BUNDLE_BYTES = 50 * 1024 * 1024
logger = logging.getLogger(__name__)


@login_required
def bundle_import(request: HttpRequest) -> HttpResponse:
    """Upload a bundle: imported whole, or refused with every problem listed beside the file."""
    if not can_import_bundles(request.user):
        raise PermissionDenied
    form = BundleForm(request.POST or None, request.FILES or None)
    summary = None
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BUNDLE_BYTES:
            form.add_error("file", "The file is larger than 50 MB: split it into several bundles.")
        else:
            try:
                summary = import_bundle(parse(upload.read()), by=request.user)
            except BundleError as error:
                form.add_error("file", f"Nothing was imported: {len(error.problems)} problem(s).")
                problems = error.problems
    return render(
        request,
        "reporting/bundle_import.html",
        {"form": form, "summary": summary, "problems": problems},
    )


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
