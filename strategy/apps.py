from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """The city's Rough Sleeping Strategy Group, which the coordinator runs: its members (staff
    and partners without accounts), meetings with agendas, papers and minutes sent to the members,
    actions carried from meeting to meeting, and the news and updates brought to it."""

    name = "strategy"
    verbose_name = "Strategy Group"

    def ready(self) -> None:
        from mars import navigation
        from mars import waiting as mars_waiting
        from mars.api import router
        from strategy import access, api, waiting

        api.register(router)
        navigation.links.add(
            navigation.NavLink("Strategy Group", "strategy:home", access.can_read), order=68
        )
        mars_waiting.sources.add(waiting.overdue)
