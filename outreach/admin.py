from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mars.admin import ServiceAdmin
from outreach import services
from outreach.models import Hotspot


@admin.register(Hotspot)
class HotspotAdmin(ServiceAdmin):
    """Hotspots are reference data the administrator keeps; case records stay out of the admin."""

    list_display = ["name", "area", "active"]
    list_filter = ["active"]
    search_fields = ["name", "area"]

    def save_model(self, request: HttpRequest, obj: Hotspot, form: Any, change: bool) -> None:
        services.save_hotspot(obj, by=request.user)
