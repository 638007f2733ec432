from django.apps import AppConfig


class MarsConfig(AppConfig):
    name = "mars"
    verbose_name = "MARS"
