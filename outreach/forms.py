"""Form shapes for outreach; the rules live in outreach.services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from clients.models import Agency, SupportNeed, key_worker_choices
from mars.forms import (
    DateInput,
    DateTimeInput,
    LocalDateTimeField,
    TimeInput,
    choices_of,
    label_choices,
    staff_label,
)
from mars.text import NOTE
from outreach.models import (
    Contact,
    CountedPerson,
    Hotspot,
    Intervention,
    OutreachSession,
    PublicReport,
    RoughSleepingCount,
    SevereWeatherActivation,
    SwepOffer,
)


def _no_blank(field: Any) -> None:
    """Radio buttons need no "---------" choice: the options are the answer."""
    field.choices = [(value, label) for value, label in field.choices if value != ""]


class HotspotForm(forms.ModelForm):
    class Meta:
        model = Hotspot
        fields = ["name", "area", "description", "active", "latitude", "longitude"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
        }


class SessionForm(forms.ModelForm):
    class Meta:
        model = OutreachSession
        fields = [
            "date",
            "start_time",
            "end_time",
            "area",
            "staff",
            "partners",
            "other_partners",
            "notes",
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "staff": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "staff").queryset = key_worker_choices()
        label_choices(self, "staff", staff_label)
        choices_of(self, "partners").queryset = Agency.objects.filter(active=True)
        self.fields["partners"].required = False


class ContactForm(forms.ModelForm):
    """One screen, usable with the keyboard closed: everything has a default but the taps."""

    needs_observed = forms.MultipleChoiceField(
        choices=SupportNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Contact
        fields = [
            "description",
            "bedded_down",
            "verification",
            "engagement",
            "kind",
            "at",
            "session",
            "location",
            "hotspot",
            "latitude",
            "longitude",
            "needs_observed",
            "notes",
            "sensitive",
        ]
        field_classes = {"at": LocalDateTimeField}
        widgets = {
            "at": DateTimeInput(),
            "kind": forms.RadioSelect,
            "verification": forms.RadioSelect,
            "engagement": forms.RadioSelect,
            "description": forms.TextInput(),
            "latitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"bedded_down": "Bedded down (seen sleeping rough)"}

    def __init__(self, *args: Any, unidentified: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not unidentified:
            del self.fields["description"]
        else:
            self.fields["description"].required = True
            self.fields[
                "description"
            ].help_text = (
                "Clothes, build, dog, belongings: enough for a colleague to know them again."
            )
        _no_blank(self.fields["verification"])
        self.fields["verification"].required = False
        _no_blank(self.fields["engagement"])
        _no_blank(self.fields["kind"])
        choices_of(self, "hotspot").queryset = Hotspot.objects.filter(active=True)
        today = timezone.localdate()
        choices_of(self, "session").queryset = OutreachSession.objects.filter(
            date__gte=today - timedelta(days=7)
        )
        self.fields["latitude"].help_text = "Filled in by “Use my location”, or leave empty."


class LinkSearchForm(forms.Form):
    q = forms.CharField(
        label="Find the person",
        required=False,
        help_text="Name, alias, known-as, reference, or words from an earlier description.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ReportForm(forms.ModelForm):
    class Meta:
        model = PublicReport
        fields = [
            "received_at",
            "source",
            "source_reference",
            "location",
            "hotspot",
            "description",
            "reporter_consents",
            "reporter_name",
            "reporter_contact",
        ]
        field_classes = {"received_at": LocalDateTimeField}
        widgets = {
            "received_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "reporter_name": "Only with the reporter's consent.",
            "reporter_contact": "Only with the reporter's consent.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "hotspot").queryset = Hotspot.objects.filter(active=True)


class AttemptForm(forms.Form):
    at = LocalDateTimeField(label="When", widget=DateTimeInput(), initial=timezone.localtime)
    session = forms.ModelChoiceField(queryset=OutreachSession.objects.none(), required=False)
    found_contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Found: the contact logged with them",
        help_text="Log the contact first; leave empty if they were not found.",
    )
    notes = forms.CharField(
        max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, contacts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        since = timezone.localdate() - timedelta(days=7)
        choices_of(self, "session").queryset = OutreachSession.objects.filter(date__gte=since)
        if contacts is not None:
            choices_of(self, "found_contact").queryset = contacts


class AllocateForm(forms.Form):
    session = forms.ModelChoiceField(queryset=OutreachSession.objects.none(), label="Session")

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "session").queryset = sessions


class OutcomeForm(forms.Form):
    outcome = forms.CharField(max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "kind",
            "opened",
            "worker",
            "notes",
            "destination",
            "local_connection_verified_by",
            "travel_arranged",
            "closed",
            "outcome",
            "outcome_notes",
        ]
        widgets = {
            "opened": DateInput(),
            "closed": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "outcome_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "worker").queryset = key_worker_choices()
        label_choices(self, "worker", staff_label)
        self.fields["worker"].required = False
        self.fields["worker"].help_text = "Leave empty for yourself."


class SwepActivationForm(forms.ModelForm):
    class Meta:
        model = SevereWeatherActivation
        fields = ["starts", "ends", "trigger", "forecast_minimum", "note"]
        field_classes = {"starts": LocalDateTimeField, "ends": LocalDateTimeField}
        widgets = {
            "starts": DateTimeInput(),
            "ends": DateTimeInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class SwepOfferForm(forms.ModelForm):
    accepted = forms.TypedChoiceField(
        label="Did they accept?",
        choices=[("yes", "Accepted"), ("no", "Declined")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = SwepOffer
        fields = [
            "offered_on",
            "offer",
            "accepted",
            "declined_reason",
            "mental_health_assessment_requested",
            "notes",
        ]
        widgets = {
            "offered_on": DateInput(),
            "offer": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank(self.fields["offer"])
        if self.instance.pk and not self.is_bound:
            self.initial["accepted"] = "yes" if self.instance.accepted else "no"


class CountForm(forms.ModelForm):
    class Meta:
        model = RoughSleepingCount
        fields = ["night", "method", "areas_covered", "agencies_consulted", "notes"]
        widgets = {
            "night": DateInput(),
            "method": forms.RadioSelect,
            "agencies_consulted": forms.CheckboxSelectMultiple,
            "areas_covered": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank(self.fields["method"])
        self.fields["agencies_consulted"].required = False


class CountedPersonForm(forms.ModelForm):
    reference = forms.CharField(
        label="MARS reference (if known)",
        required=False,
        help_text="Links the person to their record, e.g. MARS-000123.",
    )

    class Meta:
        model = CountedPerson
        fields = ["gender", "age_band", "nationality_group", "location"]
        widgets = {
            "gender": forms.RadioSelect,
            "age_band": forms.RadioSelect,
            "nationality_group": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("gender", "age_band", "nationality_group"):
            _no_blank(self.fields[name])
