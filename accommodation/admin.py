from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accommodation import services
from accommodation.models import Property, Provider, Unit
from mars.admin import ServiceAdmin


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["name", "kind", "active"]
    can_delete = False

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0  # a new property needs a unit: offer a row for it


@admin.register(Provider)
class ProviderAdmin(ServiceAdmin):
    """Providers and properties are reference data the administrator keeps; placements stay out."""

    list_display = ["name", "contact_name", "phone", "active"]
    list_filter = ["active"]
    search_fields = ["name"]

    def save_model(self, request: HttpRequest, obj: Provider, form: Any, change: bool) -> None:
        services.save_provider(obj, by=request.user)


@admin.register(Property)
class PropertyAdmin(ServiceAdmin):
    """A property and its units are saved together, by save_property_with_units."""

    list_display = ["name", "type", "provider", "active"]
    list_filter = ["type", "active"]
    search_fields = ["name", "key", "address"]
    prepopulated_fields = {"key": ["name"]}
    inlines = [UnitInline]

    def save_model(self, request: HttpRequest, obj: Property, form: Any, change: bool) -> None:
        """Nothing yet: the units are needed too, and come in save_related."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        units = [unit for formset in formsets for unit in formset.save(commit=False)]
        services.save_property_with_units(form.instance, units, by=request.user)
        form.save_m2m()
