from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accommodation.models import Property, Provider, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["name", "kind", "active"]
    extra = 0
    can_delete = False


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    """Providers and properties are reference data the administrator keeps; placements stay out."""

    list_display = ["name", "contact_name", "phone", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(Property)
class PropertyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "provider", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name", "key", "address"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [UnitInline]
