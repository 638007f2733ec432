from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = "Data subject rights"

    def ready(self) -> None:
        from mars import navigation, person_page
        from mars import waiting as mars_waiting
        from mars.api import router
        from rights import access, api, person, waiting

        api.register(router)
        mars_waiting.sources.add(waiting.overdue)
        navigation.links.add(
            navigation.NavLink("Subject access", "rights:request_list", access.can_see_requests),
            order=70,
        )
        person_page.actions.add(person.actions)
