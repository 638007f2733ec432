from django.apps import AppConfig


class MarsConfig(AppConfig):
    name = "mars"
    verbose_name = "MARS"

    def ready(self) -> None:
        from mars import notification_api
        from mars.api import router

        notification_api.register(router)
