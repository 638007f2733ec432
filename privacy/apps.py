from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection: retention that runs itself (legal holds, anonymisation, the access log's
    keeping) and the register of what MARS holds and why."""

    name = "privacy"
    verbose_name = "Data protection"

    def ready(self) -> None:
        from mars import navigation, person_page
        from mars.api import router
        from privacy import api, person
        from privacy.access import can_run_retention, can_view_register

        api.register(router)
        person_page.providers.add(person.section, order=85)
        navigation.links.add(
            navigation.NavLink("Retention", "privacy:retention", can_run_retention), order=98
        )
        navigation.links.add(
            navigation.NavLink("What we hold", "privacy:register", can_view_register), order=99
        )
