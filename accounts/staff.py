"""Staff accounts: added and changed only within the rules of accounts.rules.

An account has details (name, email), whether it is active, and one role from mars/roles.py (its
group). Nothing here gives superuser status, a single permission or a group that is not a role;
Django admin access (`is_staff`) follows the administrator role. A new account has no password:
its owner is emailed a link to set one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import rules, sessions, tokens
from mars import outbox
from mars.access import AnyUser
from mars.records import Refusal, note_change
from mars.roles import Role


class StaffError(Refusal):
    pass


def role_of(account: User) -> Role | None:
    """The account's role (the first, if an old account has several)."""
    # From groups.all(), so a list that prefetches the groups asks nothing more.
    names = sorted(group.name for group in account.groups.all() if group.name in Role.values)
    return Role(names[0]) if names else None


def manageable(actor: AnyUser) -> bool:
    """Whether the actor may manage staff accounts at all."""
    return bool(actor.is_authenticated and actor.is_active and actor.has_perm("auth.change_user"))


def _check_role(actor: User, role: Role) -> None:
    if not rules.may_give_role(actor, role):
        raise StaffError(
            f"You cannot give the role {role.label}: it carries rights you do not have.",
            field="role",
        )


def _set_role(account: User, role: Role) -> None:
    role_groups = Group.objects.filter(name__in=Role.values)
    account.groups.remove(*role_groups.exclude(name=role.value))
    account.groups.add(Group.objects.get(name=role.value))


def _clean_details(username: str | None, email: str) -> None:
    if username is not None and User.objects.filter(username__iexact=username).exists():
        raise StaffError("There is already an account with that username.", field="username")
    if not email:
        raise StaffError("An email address is needed to send the set-password link.", field="email")


@transaction.atomic
def add_staff(
    *, username: str, first_name: str, last_name: str, email: str, role: Role, by: User
) -> User:
    """Add a staff account and email its owner a link to set their password.

    Rules: only those who may add accounts; only a role whose every right the adder holds; the
    account has no password until its owner sets one, and no password or link is shown to anyone.
    """
    if not (by.is_active and by.has_perm("auth.add_user")):
        raise StaffError("You cannot add accounts.")
    role = Role(role)
    _check_role(by, role)
    username = username.strip()
    _clean_details(username, email)
    account = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_active=True,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=False,
    )
    account.set_unusable_password()
    note_change(account, by=by, reason=f"Account added with the role {role.label}")
    account.save()
    _set_role(account, role)
    # Through the outbox: the account is kept even while the mail server or Redis is down, and
    # the link is sent once they are back. The job holds only the account's id, never a link.
    outbox.enqueue("accounts.tasks.send_set_password_email", account.pk)
    return account


@transaction.atomic
def change_staff(
    account: User,
    *,
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
    role: Role,
    by: User,
) -> User:
    """Change a staff account's details, role or whether it is active.

    Rules: never your own account, a superuser's or one with a right you lack
    (rules.may_manage); a new role only if you hold its every right (rules.may_give_role);
    deactivating ends the account's sessions and API tokens at once, and reactivating revives
    none of them.
    """
    account = User.objects.select_for_update().get(pk=account.pk)
    if not (by.is_active and by.has_perm("auth.change_user")):
        raise StaffError("You cannot change accounts.")
    if not rules.may_manage(by, account):
        raise StaffError(
            "You cannot change this account: it is your own, or it has rights you do not have."
        )
    role = Role(role)
    before = role_of(account)
    if role != before:
        _check_role(by, role)
    if not email:
        raise StaffError("An email address is needed.", field="email")
    deactivated = account.is_active and not is_active
    reasons = []
    if role != before:
        reasons.append(f"Role: {before.label if before else 'none'} to {role.label}")
    if deactivated:
        reasons.append("Deactivated: sessions and API tokens ended")
    elif is_active and not account.is_active:
        reasons.append("Reactivated")
    account.first_name = first_name
    account.last_name = last_name
    account.email = email
    account.is_active = is_active
    account.is_staff = role == Role.ADMINISTRATOR
    note_change(account, by=by, reason="; ".join(reasons))
    account.save()
    _set_role(account, role)
    if deactivated:
        sessions.end_sessions(account)
        tokens.revoke_tokens(account)
    return account


def send_set_password_email(account: User) -> None:
    """Email the owner of a new account a link to set their password (Django's reset token,
    which stops working once a password is set)."""
    link = settings.SITE_URL + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(account.pk)),
            "token": default_token_generator.make_token(account),
        },
    )
    context = {"account": account, "link": link, "service": settings.MARS_SERVICE_NAME}
    send_mail(
        "Your MARS account",
        render_to_string("accounts/set_password_email.txt", context),
        None,
        [account.email],
    )
