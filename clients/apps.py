from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "People"

    def ready(self) -> None:
        from clients import api, views, waiting
        from clients.access import (
            can_review_sharing,
            can_see_agencies,
            can_see_break_glass_log,
            can_see_people,
        )
        from mars import home, navigation
        from mars import waiting as mars_waiting
        from mars.api import router

        api.register(router)
        mars_waiting.sources.add(waiting.overdue)
        navigation.links.add(navigation.NavLink("People", "clients:list", can_see_people), order=10)
        navigation.links.add(
            navigation.NavLink("Agencies", "clients:agency_list", can_see_agencies), order=90
        )
        navigation.links.add(
            navigation.NavLink(
                "Sharing without consent", "clients:sharing_list", can_review_sharing
            ),
            order=85,
        )
        navigation.links.add(
            navigation.NavLink("Break glass", "clients:break_glass_list", can_see_break_glass_log),
            order=98,  # beside the access log (97): both say who read what
        )
        home.parts.add(views.home_search, order=20)
        home.parts.add(views.home_people, order=40)
