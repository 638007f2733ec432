"""The account's own page (details, API tokens, signed-in sessions) and the staff pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import rules, sessions, staff, tokens, twofactor
from accounts.forms import StaffAddForm, StaffEditForm, TokenForm
from accounts.models import ApiToken, SignedInSession
from mars import access
from mars.history import history_entries
from mars.pages import page_of, refusal_into_form, service_form
from mars.roles import Role


def _two_factor_url() -> str | None:
    # The two-factor pages are another part of the sign-in work; link them once they exist.
    try:
        return reverse("accounts:two_factor")
    except NoReverseMatch:
        return None


def _account_page(
    request: HttpRequest, *, token_form: TokenForm | None = None, secret: str = ""
) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "accounts/account.html",
        {
            "title": "My account",
            "role": staff.role_of(user),
            "tokens": tokens.live_tokens(user),
            "token_form": token_form or TokenForm(),
            "may_make_tokens": twofactor.is_verified(user),
            "secret": secret,
            "sessions": sessions.live_sessions(user),
            "this_session": sessions.current_row(request),
            "token_days": settings.API_TOKEN_DAYS,
            "two_factor_url": _two_factor_url(),
        },
    )


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account: details, API tokens, signed-in sessions."""
    return _account_page(request)


@login_required
@never_cache
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Make an API token and show it, this once (the page is not cached, nor redirected to)."""
    user = request.user
    assert isinstance(user, User)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            made, secret = tokens.make_token(name=form.cleaned_data["name"], by=user)
        except tokens.TokenError as error:
            refusal_into_form(form, error)
        else:
            messages.success(request, f"API token “{made.name}” made.")
            return _account_page(request, secret=secret)
    return _account_page(request, token_form=form)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    token = get_object_or_404(ApiToken.objects.of(user), pk=pk)
    tokens.revoke_token(token, by=user)
    messages.success(request, f"API token “{token.name}” revoked.")
    return redirect("accounts:account")


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    session = get_object_or_404(SignedInSession.objects.of(user), pk=pk)
    sessions.end_session(session, by=user)
    messages.success(request, "Session ended.")
    return redirect("accounts:account")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    ended = sessions.end_other_sessions(request, user)
    messages.success(request, f"Ended {ended} other session{'s' if ended != 1 else ''}.")
    return redirect("accounts:account")


# Staff accounts


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "auth.view_user")
    accounts = User.objects.prefetch_related("groups").order_by("-is_active", "username")
    page = page_of(request, accounts)
    return render(
        request,
        "accounts/staff_list.html",
        {
            "title": "Staff",
            "page": page,
            "rows": [(account, staff.role_of(account)) for account in page],
            "can_add": access.can(request.user, "auth.add_user"),
        },
    )


def _history(account: User) -> list[Any]:
    return history_entries(("", account.history.select_related("history_user")))  # type: ignore[attr-defined]  # registered in accounts.models


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(request.user, "auth.view_user")
    account = get_object_or_404(User, pk=pk)
    role = staff.role_of(account)
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "title": account.get_full_name() or account.username,
            "account": account,
            "rows": [
                ("Username", account.username),
                ("Name", account.get_full_name()),
                ("Email", account.email),
                ("Role", role.label if role else "No role"),
                ("Active", "Yes" if account.is_active else "No (deactivated)"),
                ("Last signed in", account.last_login),
            ],
            "may_manage": access.can(request.user, "auth.change_user")
            and rules.may_manage(request.user, account),
            "history": _history(account),
        },
    )


@login_required
def staff_add(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    access.require(user, "auth.add_user")
    form = StaffAddForm(request.POST or None, actor=user)
    return service_form(
        request,
        form,
        "Add a staff account",
        run=lambda data: staff.add_staff(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=Role(data["role"]),
            by=user,
        ),
        refusals=(staff.StaffError,),
        done=lambda account: reverse("accounts:staff_detail", args=[account.pk]),
        message="Account added. Its owner has been emailed a link to set their password.",
        intro="The new member of staff is emailed a link to set their own password.",
        cancel_url=reverse("accounts:staff_list"),
        submit_label="Add account",
    )


@login_required
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    access.require(user, "auth.change_user")
    account = get_object_or_404(User, pk=pk)
    if not rules.may_manage(user, account):
        # Your own, a superuser's, or one with rights you lack: seen, but not yours to change.
        raise PermissionDenied
    current = staff.role_of(account)
    form = StaffEditForm(
        request.POST or None,
        actor=user,
        current=current,
        initial={
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "is_active": account.is_active,
            "role": current.value if current else "",
        },
    )
    return service_form(
        request,
        form,
        f"Change {account.get_full_name() or account.username}",
        run=lambda data: staff.change_staff(
            account,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_active=data["is_active"],
            role=Role(data["role"]),
            by=user,
        ),
        refusals=(staff.StaffError,),
        done=lambda changed: reverse("accounts:staff_detail", args=[changed.pk]),
        message="Account saved.",
        cancel_url=reverse("accounts:staff_detail", args=[account.pk]),
    )


# Passwords: Django's pages, and a new password ends the account's other sessions at once (they
# would fail Django's session check anyway; this takes them off the signed-in sessions list too).


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        sessions.end_other_sessions(self.request, form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        sessions.end_sessions(form.user)
        return response
