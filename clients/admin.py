from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clients.models import Agency, Client, ClientAlias


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "key"]


class AliasInline(admin.TabularInline):
    model = ClientAlias
    extra = 0


@admin.register(Client)
class ClientAdmin(SimpleHistoryAdmin):
    """Read-mostly: case workers use the app's own pages, which carry the rules."""

    list_display = ["reference", "first_name", "last_name", "status", "key_worker"]
    search_fields = ["reference", "first_name", "last_name", "known_as"]
    list_filter = ["status"]
    readonly_fields = ["reference", "merged_into", "merged_at"]
    inlines = [AliasInline]
