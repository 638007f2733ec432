from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class FormRenderer(TemplatesSetting):
    """Every field in one wrapper: label, help, the error beside the field, then the input."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class DateInput(forms.DateInput):
    """The phone's own date picker; values in ISO form as the input type requires."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The phone's own date-and-time picker (local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    """A local time from the phone's picker, read in Europe/London.

    Rules: in the hour the clocks go back every time shows twice, and it is read as the first
    (summer time) one, never later than the moment meant, so a contact at 01:30 that night is
    logged (Django would refuse it as ambiguous, the form's own "now" included); a time the clocks
    skip in spring is still refused.
    """

    widget = DateTimeInput

    def to_python(self, value: Any) -> datetime | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            naive = value if isinstance(value, datetime) else parse_datetime(str(value).strip())
            if naive is None:
                raise
            first = naive.replace(tzinfo=timezone.get_current_timezone(), fold=0)
            skipped = first.astimezone(UTC).astimezone(first.tzinfo).replace(tzinfo=None) != naive
            if skipped:
                raise
            return first


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


def staff_label(user: Any) -> str:
    return user.get_full_name() or user.username


F = TypeVar("F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """A form's field as the kind it is (a form's fields are typed as any Field)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def choices_of(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field (one or many), to set what it offers."""
    return field_of(form, name, forms.ModelChoiceField)


def label_choices(form: forms.BaseForm, name: str, label: Callable[[Any], str]) -> None:
    """Label each choice of a model choice field with `label`."""
    # Django reads label_from_instance for each choice; setting it on the one field is simpler
    # than a field class for each way of labelling.
    choices_of(form, name).label_from_instance = label  # type: ignore[method-assign,assignment]


def check_order(
    form: forms.BaseForm, first: str, then: str, message: str, *, strict: bool = False
) -> None:
    """Put a rule between two of a form's values beside the later one (a model's constraint would
    say it above the form, away from the field): `then` not before `first` (after it if strict)."""
    start, end = form.cleaned_data.get(first), form.cleaned_data.get(then)
    if start is not None and end is not None and (end <= start if strict else end < start):
        form.add_error(then, message)
