from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """The city's Rough Sleeping Strategy Group, which the coordinator runs: its members (staff
    and partners without accounts), meetings with agendas, papers and minutes sent to the members,
    actions carried from meeting to meeting, and the news and updates brought to it."""

    name = "strategy"
    verbose_name = "Strategy Group"
