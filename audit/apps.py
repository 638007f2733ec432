from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    """Who looked at whom: the append-only access log of every read of a person's information."""

    name = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        from audit import api, person
        from audit.access import can_view_access_log
        from audit.triggers import keep_history_after_migrate
        from mars import navigation, person_page
        from mars.api import router

        api.register(router)
        post_migrate.connect(keep_history_after_migrate, dispatch_uid="audit_keep_history")
        person_page.providers.add(person.section, order=90)
        navigation.links.add(
            navigation.NavLink("Access log", "audit:user_activity", can_view_access_log),
            order=97,  # after the accounts' two staff links (95, 96), not tied with them
        )
