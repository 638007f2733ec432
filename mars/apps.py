from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MarsConfig(AppConfig):
    name = "mars"
    verbose_name = "MARS"

    def ready(self) -> None:
        from mars import checks, notification_api  # noqa: F401  (checks registers itself)
        from mars.api import router
        from mars.roles import sync_roles_after_migrate

        notification_api.register(router)
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="mars.sync_roles")
