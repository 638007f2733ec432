from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from funds import services
from funds.forms import FundForm
from funds.models import Fund
from mars.admin import ServiceAdmin


@admin.register(Fund)
class FundAdmin(ServiceAdmin):
    """Funds are reference data the administrator may keep; requests and payments stay out. The
    admin's fund form is the app's fund form, saved by the app's service: a change its rules
    refuse comes back with the reason beside the field."""

    form = FundForm
    list_display = ["name", "kind", "year", "budget", "approval_threshold"]
    list_filter = ["year", "kind"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Fund, form: Any, change: bool) -> None:
        services.save_fund(obj, by=request.user)
