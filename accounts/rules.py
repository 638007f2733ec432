"""Who may manage whose account: rights can never be amplified through account management.

A user's rights are their permissions (a superuser's are every permission). Managing an account
(giving it a role, changing its details or password route, resetting its second factor) is open
only to another person whose rights include every right that account has or would have, so no
one can make, or take over, an account that can do more than they can.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission, User
from django.db.models import Q

from mars.access import AnyUser
from mars.roles import ROLE_PERMISSIONS, Role


def rights(user: AnyUser) -> frozenset[str]:
    """Every permission the account carries, as "app_label.codename" strings, whether or not it
    is active now (a deactivated account gets them back when reactivated)."""
    if not user.is_authenticated:
        return frozenset()
    permissions = Permission.objects.all()
    if not user.is_superuser:
        permissions = permissions.filter(Q(group__user=user) | Q(user=user))
    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    )


def may_give_role(actor: AnyUser, role: Role) -> bool:
    """A role may be given only by someone who holds every right it carries."""
    if not actor.is_active:
        return False
    return ROLE_PERMISSIONS[role] <= rights(actor)


def may_manage(actor: AnyUser, account: User) -> bool:
    """Rules: never your own account (nobody raises or resets their own rights), never a
    superuser's (those exist only through `createsuperuser` on the server), never an account with
    a right you do not hold yourself."""
    if not actor.is_active or actor.pk == account.pk or account.is_superuser:
        return False
    return rights(account) <= rights(actor)
