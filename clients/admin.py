from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clients import services
from clients.models import Agency, Client, ClientAlias
from mars.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin


@admin.register(Agency)
class AgencyAdmin(ServiceAdmin):
    """Agencies are reference data the administrator keeps, saved as the app saves them."""

    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "key"]

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        services.save_agency(obj, by=request.user)


class AliasInline(ReadOnlyInline):
    model = ClientAlias


@admin.register(Client)
class ClientAdmin(ReadOnlyAdmin):
    """For looking only: people are added, changed and merged on the app's own pages, which
    carry the rules (duplicates, merges, status)."""

    list_display = ["reference", "first_name", "last_name", "status", "key_worker"]
    search_fields = ["reference", "first_name", "last_name", "known_as"]
    list_filter = ["status"]
    inlines = [AliasInline]
