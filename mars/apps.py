from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MarsConfig(AppConfig):
    name = "mars"
    verbose_name = "MARS"

    def ready(self) -> None:
        from mars import checks, home, navigation, notification_api, waiting, waiting_api
        from mars.api import router
        from mars.roles import sync_roles_after_migrate
        from mars.waiting_views import home_part

        assert checks  # registers itself
        notification_api.register(router)
        waiting_api.register(router)
        navigation.links.add(
            navigation.NavLink("Waiting", "waiting", waiting.can_see_waiting), order=12
        )
        home.parts.add(home_part, order=5)
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="mars.sync_roles")
