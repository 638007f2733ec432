from django.apps import AppConfig


class AccommodationConfig(AppConfig):
    name = "accommodation"
    verbose_name = "Accommodation"

    def ready(self) -> None:
        from accommodation import api, person, timeline, waiting
        from accommodation.access import PANEL_SCOPE, can_see_units
        from mars import access, navigation, person_page
        from mars import timeline as mars_timeline
        from mars import waiting as mars_waiting
        from mars.api import router

        api.register(router)
        mars_waiting.sources.add(waiting.overdue)
        access.people_scopes.add(PANEL_SCOPE)
        mars_timeline.providers.add(timeline.entries_for)
        person_page.providers.add(person.section, order=20)
        navigation.links.add(
            navigation.NavLink("Accommodation", "accommodation:board", can_see_units), order=30
        )
