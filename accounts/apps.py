from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts: signing in with two factors, API tokens, sessions, and the
    administrator's account pages (which can give only the roles in mars/roles.py)."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import api, schema  # noqa: F401 (the API schema's name for the session)
        from accounts.access import can_reset_second_factors
        from mars import navigation
        from mars.api import router

        api.register(router)
        navigation.links.add(
            navigation.NavLink(
                "Staff sign-in", "accounts:second_factors", can_reset_second_factors
            ),
            order=95,
        )
