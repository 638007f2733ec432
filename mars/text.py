"""How long free text may be: room for any real note, and a limit every way in enforces.

The limit sits on the model field, so the page's form, the API's serializer and model validation
(which every service and the bundle import run) all refuse longer text with the same message.
Nothing already stored is cut: a longer old value is kept until someone next edits it.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

ADDRESS = 500
# A note, reason, description or comment: several pages of writing; the bundle format's limit.
NOTE = 5_000
# A monthly report's commentary, written for commissioners.
COMMENTARY = 20_000


def limited_text(*args: Any, max_length: int = NOTE, **kwargs: Any) -> models.TextField[Any, Any]:
    """A TextField no longer than max_length, checked by forms, serializers and full_clean()."""
    kwargs.update(max_length=max_length, validators=[MaxLengthValidator(max_length)])
    return models.TextField(*args, **kwargs)
