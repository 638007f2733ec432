from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who looked at whom: the append-only access log of every read of a person's information."""

    name = "audit"
    verbose_name = "Access log"
