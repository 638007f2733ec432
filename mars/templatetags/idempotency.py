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
    # Not type="hidden": the browser puts back what was typed in a form after Back, but never a
    # hidden input's value. static/js/form-key.js fills it from data-idempotency-key.
    return format_html(
        '<input type="text" name="{}" value="" data-idempotency-key="{}" hidden'
        ' aria-hidden="true" tabindex="-1">',
        FIELD,
        key_for_form(context.get("request")),
    )
