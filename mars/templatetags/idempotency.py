"""`{% idempotency_key %}`: the hidden key of a create form (mars.idempotency)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mars.idempotency import FIELD, key_for_form

register = template.Library()


@register.simple_tag(takes_context=True)
def idempotency_key(context: dict[str, Any]) -> SafeString:
    """A hidden input whose key makes a form pressed twice (or sent again) save once."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, key_for_form(context.get("request"))
    )
