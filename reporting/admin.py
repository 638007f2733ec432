from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mars.admin import ServiceAdmin
from reporting import services
from reporting.forms import TargetForm
from reporting.models import Target


@admin.register(Target)
class TargetAdmin(ServiceAdmin):
    """Targets are reference data the administrator may keep, saved as the app saves them."""

    form = TargetForm
    list_display = ["measure", "year", "value", "amber_margin"]
    list_filter = ["year", "measure"]

    def save_model(self, request: HttpRequest, obj: Target, form: Any, change: bool) -> None:
        services.save_target(obj, by=request.user)
