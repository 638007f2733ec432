from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MarsConfig(AppConfig):
    name = "mars"
    verbose_name = "MARS"

    def ready(self) -> None:
        from mars.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="mars.sync_roles")
