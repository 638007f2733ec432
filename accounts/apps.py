from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff accounts: signing in with two factors, API tokens, sessions, and the
    administrator's account pages (which can give only the roles in mars/roles.py)."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.models import User
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_save

        from accounts import api, receivers, schema, staff, two_factor_api  # noqa: F401 (schema)
        from accounts.access import can_reset_second_factors
        from mars import navigation
        from mars.api import router

        user_logged_in.connect(receivers.signed_in, dispatch_uid="accounts.signed_in")
        user_logged_out.connect(receivers.signed_out, dispatch_uid="accounts.signed_out")
        post_save.connect(receivers.user_saved, sender=User, dispatch_uid="accounts.user_saved")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="accounts.locked_out")
        api.register(router)
        two_factor_api.register(router)
        navigation.links.add(
            navigation.NavLink("Staff", "accounts:staff_list", staff.manageable), order=95
        )
        navigation.links.add(
            navigation.NavLink(
                "Staff sign-in", "accounts:second_factors", can_reset_second_factors
            ),
            order=96,
        )
