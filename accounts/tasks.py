"""Accounts' background work (Celery), queued through mars.outbox."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth.models import User

from accounts import staff


@shared_task
def send_set_password_email(account_id: int) -> bool:
    """Email a new account's owner the link to set a password, unless one is set already (a
    repeated job then sends nothing: the link would not work anyway)."""
    account = User.objects.filter(pk=account_id, is_active=True).first()
    if account is None or account.has_usable_password() or not account.email:
        return False
    staff.send_set_password_email(account)
    return True
