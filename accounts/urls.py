"""Signing in and out and passwords; the names are Django's own (`login`, `password_reset`...)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import two_factor_views, views
from accounts.forms import PasswordResetForm
from accounts.limits import limit_password_reset, limit_sign_in

# The account's own pages (two-factor sign-in, API tokens, sessions) and the staff pages, named
# in the "accounts" namespace; the sign-in and password pages above keep Django's global names.
account_patterns: list = [
    # Two-factor sign-in: the second step, setting it up, the codes shown once, the person's page.
    path("two-factor/", two_factor_views.two_factor, name="two_factor"),
    path("two-factor/verify/", two_factor_views.verify, name="verify"),
    path("two-factor/set-up/", two_factor_views.set_up, name="set_up"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="recovery_codes"),
    path("staff-sign-in/", two_factor_views.second_factors, name="second_factors"),
    path("me/", views.account, name="account"),
    path("me/tokens/new/", views.token_create, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("me/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("me/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_add, name="staff_add"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
]

urlpatterns = [
    path("", include((account_patterns, "accounts"))),
    path("login/", limit_sign_in(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        limit_password_reset(auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
