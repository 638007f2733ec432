"""What other apps show beside a person wherever the person appears (mars.people)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from mars.people import alert_sources

register = template.Library()


@register.simple_tag
def person_alerts(person: Any, compact: bool = False) -> SafeString:
    """The person's alerts from every app that has them, as flags."""
    return format_html_join(
        "", "{}", ((source.badges(person, compact),) for source in alert_sources)
    )
