from django.apps import AppConfig


class AccommodationConfig(AppConfig):
    name = "accommodation"
    verbose_name = "Accommodation"
