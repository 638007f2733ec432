"""Forms for reporting: starting a run, publishing one, targets (the long-term one too), a
bundle to import, the RSDF return's month, night and population, and the reason it is sent with
gaps."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from mars.dates import MonthError, parse_month
from mars.text import NOTE
from reporting.models import ReportRun, RsdfReturn, Target


class MonthInput(forms.TextInput):
    input_type = "month"


class StartRunForm(forms.Form):
    period = forms.CharField(
        label="Month", widget=MonthInput, help_text="The calendar month the report is about."
    )
    as_of = forms.DateField(
        label="Figures as of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for today. Give a day at least 14 days after the month ends "
        "for every 14-day window to have closed.",
    )

    def clean_period(self) -> date:
        try:
            return parse_month(self.cleaned_data["period"])
        except MonthError as error:
            raise forms.ValidationError(str(error)) from error


class OpenReturnForm(forms.Form):
    period = forms.CharField(
        label="Month", widget=MonthInput, help_text="The calendar month the return is about."
    )

    def clean_period(self) -> date:
        try:
            return parse_month(self.cleaned_data["period"])
        except MonthError as error:
            raise forms.ValidationError(str(error)) from error


class ReturnForm(forms.ModelForm):
    """The single night, the population and notes of a month's return."""

    class Meta:
        model = RsdfReturn
        fields = ["night", "population", "notes"]
        widgets = {
            "night": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class SubmitReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why it is sent with gaps",
        required=False,
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when people counted still have facts not known.",
    )


class CommentaryForm(forms.ModelForm):
    class Meta:
        model = ReportRun
        fields = ["commentary"]
        widgets = {"commentary": forms.Textarea(attrs={"rows": 8})}


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["measure", "year", "value", "amber_margin", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A target belongs to one figure and year; a different one is a new target.
            for name in ("measure", "year"):
                self.fields[name].disabled = True


class LongTermTargetForm(forms.Form):
    baseline_month = forms.CharField(
        label="Baseline month",
        widget=MonthInput,
        help_text="A month that has ended: its long-term count is worked out when you save.",
    )
    target_count = forms.IntegerField(
        label="Target (people)",
        required=False,
        min_value=0,
        help_text="Long-term people at most by the date. Leave empty for half the baseline, "
        "rounded down.",
    )
    target_date = forms.DateField(
        label="By",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_baseline_month(self) -> date:
        try:
            return parse_month(self.cleaned_data["baseline_month"])
        except MonthError as error:
            raise forms.ValidationError(str(error)) from error


class BundleForm(forms.Form):
    file = forms.FileField(
        label="Bundle file",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        largest = filesizeformat(settings.BUNDLE_UPLOAD_MAX_BYTES)
        self.fields["file"].help_text = (
            f"A mars-bundle/1 JSON file, up to {largest}. Nothing is imported unless all of it "
            "can be."
        )
