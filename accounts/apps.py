from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts: signing in with two factors, API tokens, sessions, and the
    administrator's account pages (which can give only the roles in mars/roles.py)."""

    name = "accounts"
    verbose_name = "Accounts"
