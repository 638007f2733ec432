from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = "Outreach"

    def ready(self) -> None:
        from mars import home, navigation, people, person_page, timeline
        from mars import waiting as mars_waiting
        from mars.api import router
        from outreach import api, app_shell, figures, person, waiting
        from outreach.access import can_see_contacts
        from outreach.timeline import entries_for
        from outreach.views import street

        api.register(router)
        mars_waiting.sources.add(waiting.overdue)
        timeline.providers.add(entries_for)
        person_page.actions.add(person.actions)
        people.last_seen_sources.add(person.last_seen)
        navigation.links.add(
            navigation.NavLink("Outreach", "outreach:home", can_see_contacts), order=20
        )
        navigation.links.add(
            navigation.NavLink("Public reports", "outreach:report_list", can_see_contacts), order=25
        )
        navigation.banners.add(figures.swep_banner)
        navigation.heads.add(app_shell.head)
        home.parts.add(street.home_part, order=10)
