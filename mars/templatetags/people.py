"""What other apps show beside a person wherever the person appears (mars.people)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from mars.people import alert_sources

register = template.Library()


@register.simple_tag(takes_context=True)
def person_alerts(context: template.Context, person: Any, compact: bool = False) -> SafeString:
    """The person's alerts from every app that has them, as flags, as the viewer may read them
    (a page rendered for no one, a PDF say, shows no restricted alert's words)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user") or AnonymousUser()
    return format_html_join(
        "", "{}", ((source.badges(person, user, compact),) for source in alert_sources)
    )
