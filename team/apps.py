from django.apps import AppConfig


class TeamConfig(AppConfig):
    """The coordinator's running of the team: one-to-one supervision, team meetings, the
    caseloads side by side."""

    name = "team"
    verbose_name = "Team"

    def ready(self) -> None:
        from mars import navigation, waiting
        from mars.api import router
        from team import access, api
        from team import waiting as team_waiting

        api.register(router)
        navigation.links.add(
            navigation.NavLink("Team", "team:meeting_list", access.can_see_meetings), order=65
        )
        navigation.links.add(
            navigation.NavLink("Caseloads", "team:caseloads", access.can_see_caseloads), order=66
        )
        waiting.sources.add(team_waiting.overdue)
