"""Choosing what part of the access log to see: whose reads, over which days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone

from mars.dates import day_bounds
from mars.forms import DateInput, label_choices, staff_label

# Without dates given, the log is shown for the last four weeks.
DEFAULT_DAYS = 28


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput)
    end = forms.DateField(label="To", required=False, widget=DateInput, help_text="Included.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day cannot be before the first.")
        return data

    def days(self) -> tuple[date, date]:
        """The local days asked for; the last four weeks when none were."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        return start, end

    def bounds(self) -> tuple[datetime, datetime]:
        return day_bounds(*self.days())


class UserActivityForm(PeriodForm):
    user = forms.ModelChoiceField(
        label="Member of staff",
        queryset=User.objects.order_by("first_name", "last_name", "username"),
        required=False,
        empty_label="Choose someone",
    )
    field_order = ["user", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_choices(self, "user", staff_label)
