from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk"

    def ready(self) -> None:
        from mars import home, navigation, people, person_page
        from mars import timeline as mars_timeline
        from mars import waiting as mars_waiting
        from mars.api import router
        from risk import alerts, api, figures, person, timeline, waiting
        from risk.access import can_see_assessments

        api.register(router)
        mars_waiting.sources.add(waiting.overdue)
        people.alert_sources.add(
            people.AlertSource(lookup=alerts.alerts_lookup, read=alerts.shown, badges=alerts.badges)
        )
        mars_timeline.providers.add(timeline.entries_for)
        person_page.providers.add(person.section, order=10)
        navigation.links.add(
            navigation.NavLink("Risk", "risk:reviews", can_see_assessments), order=40
        )
        home.parts.add(figures.home_part, order=30)
