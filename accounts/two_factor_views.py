"""The second factor's pages: verifying at sign-in, setting it up, recovery codes, and the staff
page from which a coordinator or administrator resets another person's second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import services, sessions, twofactor
from accounts.access import RESET_SECOND_FACTOR
from accounts.models import SecondFactorReset
from accounts.two_factor_forms import NewRecoveryCodesForm, ResetForm, SetUpCodeForm, SignInCodeForm
from mars import access

# The codes just made, kept in the session only until the page that shows them once.
NEW_CODES_SESSION_KEY = "mars_new_recovery_codes"


def next_url(request: HttpRequest) -> str:
    """Where to go after the second factor: `next` if it is on this site, else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def with_next(url_name: str, next_to: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_to})}"


def _signed_in_with(request: HttpRequest, device: Device) -> None:
    # A new session key once the second factor is given, as at the password (no fixation).
    request.session.cycle_key()
    sessions.follow_new_key(request)
    otp_login(request, device)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Sign-in, second step: a code from the authenticator app, or a recovery code."""
    go_to = next_url(request)
    if twofactor.is_verified(request.user):
        return redirect(go_to)
    if not twofactor.has_second_factor(request.user):
        return redirect(with_next("accounts:set_up", go_to))
    form = SignInCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = services.verify_code(request.user, form.cleaned_data["code"])  # type: ignore[arg-type]
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            _signed_in_with(request, device)
            if isinstance(device, StaticDevice):
                left = twofactor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. "
                    "Make new ones on your Two-factor sign-in page if you are running low.",
                )
            return redirect(go_to)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": go_to})


@never_cache
@login_required
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after a reset): add MARS to an authenticator app and confirm a code."""
    go_to = next_url(request)
    user: User = request.user  # type: ignore[assignment]
    if twofactor.has_second_factor(user):
        if twofactor.is_verified(user):
            return redirect("accounts:two_factor")
        return redirect(with_next("accounts:verify", go_to))
    device = services.start_authenticator(user)
    form = SetUpCodeForm(request.POST or None)
    if form.is_valid():
        try:
            codes = services.confirm_authenticator(device, form.cleaned_data["code"], by=user)
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            device.refresh_from_db()
            _signed_in_with(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(with_next("accounts:recovery_codes", go_to))
    context = {
        "form": form,
        "next": go_to,
        "qr_svg": twofactor.qr_svg(device),
        "key": twofactor.readable_key(device),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once: they are kept only as long as this request."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        messages.info(request, "Recovery codes are shown only once. You can make new ones here.")
        return redirect("accounts:two_factor")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url(request)}
    )


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The person's own second factor: whether it is set up, and new recovery codes."""
    user: User = request.user  # type: ignore[assignment]
    form = NewRecoveryCodesForm(request.POST or None)
    if form.is_valid():
        try:
            codes = services.make_recovery_codes(user, form.cleaned_data["code"])
        except services.SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            request.session[NEW_CODES_SESSION_KEY] = codes
            return redirect(with_next("accounts:recovery_codes", reverse("accounts:two_factor")))
    context = {
        "form": form,
        "device": twofactor.authenticator(user),
        "codes_left": twofactor.recovery_codes_left(user),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
def second_factors(request: HttpRequest) -> HttpResponse:
    """Staff sign-in: who has set up two-factor sign-in, and resets, each with a reason."""
    access.require(request.user, RESET_SECOND_FACTOR)
    actor: User = request.user  # type: ignore[assignment]
    failed: tuple[int, ResetForm] | None = None
    if request.method == "POST":
        pk = request.POST.get("account", "")
        account = get_object_or_404(User, pk=int(pk) if pk.isdigit() else 0, is_active=True)
        posted = ResetForm(request.POST, prefix_for=account.pk)
        if posted.is_valid():
            try:
                services.reset_second_factor(
                    account, by=actor, reason=posted.cleaned_data["reason"]
                )
            except services.SecondFactorError as error:
                posted.add_error("reason", str(error))
            else:
                messages.success(
                    request,
                    f"Two-factor sign-in reset for {account.get_full_name() or account.username}. "
                    "They set it up again at their next sign-in.",
                )
                return redirect("accounts:second_factors")
        failed = (account.pk, posted)
    rows = []
    for account, has_factor in twofactor.staff_with_status():
        form: ResetForm | None = None
        if failed and failed[0] == account.pk:
            form = failed[1]  # the refusal shown beside the reason, where it was asked
        elif has_factor and services.may_reset_second_factor(actor, account):
            form = ResetForm(prefix_for=account.pk)
        rows.append({"account": account, "has_factor": has_factor, "form": form})
    recent = SecondFactorReset.objects.select_related("by", "account")[:20]
    return render(request, "accounts/second_factors.html", {"rows": rows, "recent": recent})
