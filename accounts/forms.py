"""Forms for accounts: they check the shape of what is typed; accounts.staff holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User

from accounts import rules
from mars import outbox
from mars.roles import Role


def role_choices(actor: User, current: Role | None = None) -> list[tuple[str, str]]:
    """The roles the actor may give, and the account's current one (it may be kept)."""
    return [
        (role.value, role.label)
        for role in Role
        if role == current or rules.may_give_role(actor, role)
    ]


class StaffForm(forms.Form):
    """An account's details and one role; nothing else about an account can be set here."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="Where the link to set a password is sent.")
    role = forms.ChoiceField(choices=[])

    def __init__(self, *args: Any, actor: User, current: Role | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", "Choose a role"), *role_choices(actor, current)]


class StaffAddForm(StaffForm):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        help_text="Letters, digits and . @ + - _ only; used to sign in.",
        error_messages={"invalid": "Use only letters, digits and . @ + - _"},
    )
    field_order = ["username", "first_name", "last_name", "email", "role"]


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(
        required=False,
        label="Active",
        help_text="Untick to deactivate: the account's sessions and API tokens end at once.",
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, so you can tell your tokens apart."
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with the email sent through the outbox (mars.outbox), so a mail server or Redis
    that is down never fails the request. The job holds the account's id only: the link is made
    when the email is sent (accounts.tasks.send_password_reset_email)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        outbox.enqueue("accounts.tasks.send_password_reset_email", context["user"].pk)
