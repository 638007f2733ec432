"""Accounts' background work (Celery), queued through mars.outbox."""

from __future__ import annotations

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import staff
from mars.tasks import MAIL_RETRY


@shared_task(**MAIL_RETRY)
def send_set_password_email(account_id: int) -> bool:
    """Email a new account's owner the link to set a password, unless one is set already (a
    repeated job then sends nothing: the link would not work anyway)."""
    account = User.objects.filter(pk=account_id, is_active=True).first()
    if account is None or account.has_usable_password() or not account.email:
        return False
    staff.send_set_password_email(account)
    return True


@shared_task(**MAIL_RETRY)
def send_password_reset_email(account_id: int) -> bool:
    """Email the owner of an active account with a password the link to choose a new one (the
    text Django's reset view would send, with the link on SITE_URL)."""
    account = User.objects.filter(pk=account_id, is_active=True).first()
    if account is None or not account.has_usable_password() or not account.email:
        return False
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": account.email,
        "domain": site.netloc,
        "site_name": site.netloc,
        "uid": urlsafe_base64_encode(force_bytes(account.pk)),
        "user": account,
        "token": default_token_generator.make_token(account),
        "protocol": site.scheme,
    }
    # Django's own form sends it (accounts.forms' would only queue it again).
    PasswordResetForm().send_mail(
        "registration/password_reset_subject.txt",
        "registration/password_reset_email.html",
        context,
        None,
        account.email,
    )
    return True
