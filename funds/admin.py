from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from funds import hardship, services
from funds.forms import FundForm
from funds.models import Fund, HardshipQuestion
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


@admin.register(HardshipQuestion)
class HardshipQuestionAdmin(ServiceAdmin):
    """The hardship procedure's questions, asked on each new assessment in this order. Untick
    "active" to stop asking one: the assessments that answered it keep its text."""

    list_display = ["text", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]

    def save_model(
        self, request: HttpRequest, obj: HardshipQuestion, form: Any, change: bool
    ) -> None:
        hardship.save_question(obj, by=request.user)
