from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from mars import home, navigation
        from mars.api import router
        from reporting import (
            access,
            api,
            tasks,  # noqa: F401  (services queue its tasks by name)
        )
        from reporting.views import runs

        api.register(router)
        navigation.links.add(
            navigation.NavLink("Dashboard", "reporting:dashboard", access.can_see_dashboard),
            order=60,
        )
        navigation.links.add(
            navigation.NavLink("Contract reports", "reporting:run_list", access.can_read_runs_only),
            order=60,
        )
        navigation.links.add(
            navigation.NavLink(
                "Contract reports", "reporting:published", access.can_read_published_only
            ),
            order=60,
        )
        navigation.links.add(
            navigation.NavLink("RSDF returns", "reporting:rsdf_list", access.can_see_rsdf_returns),
            order=61,
        )
        home.parts.add(runs.home_part, order=50)
