from django.apps import AppConfig


class TeamConfig(AppConfig):
    """The coordinator's running of the team: one-to-one supervision, team meetings, the
    caseloads side by side."""

    name = "team"
    verbose_name = "Team"
