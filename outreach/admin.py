from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from outreach.models import Hotspot


@admin.register(Hotspot)
class HotspotAdmin(SimpleHistoryAdmin):
    """Hotspots are reference data the administrator keeps; case records stay out of the admin."""

    list_display = ["name", "area", "active"]
    list_filter = ["active"]
    search_fields = ["name", "area"]
