"""Forms for recording and answering data protection requests: shape only (rules: services)."""

from __future__ import annotations

from typing import Any

from django import forms

from mars.forms import DateInput
from mars.text import NOTE
from rights.models import AccessStatus, Decision, Requester, RightsRequest, SubjectAccessRequest


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = SubjectAccessRequest
        fields = ["received_on", "requested_by", "representative", "identity_checked_on", "notes"]
        widgets = {
            "received_on": DateInput(),
            "identity_checked_on": DateInput(),
            "requested_by": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "identity_checked_on": "Leave empty until the requester's identity (and a "
            "representative's authority) has been checked.",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        representative = (data.get("representative") or "").strip()
        if data.get("requested_by") == Requester.REPRESENTATIVE and not representative:
            # Beside the field, before the model's constraint says it above the form.
            self.add_error(
                "representative", "Name the representative and how they act for the person."
            )
        return data


class IdentityForm(forms.Form):
    checked_on = forms.DateField(label="Identity checked on", widget=DateInput())


class ExtendForm(forms.Form):
    extended_to = forms.DateField(label="New deadline", widget=DateInput())
    extension_reason = forms.CharField(
        label="Why the request needs longer",
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person must be told within the first month, with this reason.",
    )


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="Copy given to the person on", widget=DateInput())


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (
                AccessStatus.REFUSED,
                "Refused (manifestly unfounded or excessive, or identity not proved)",
            ),
            (AccessStatus.WITHDRAWN, "Withdrawn by the requester"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))


class RightsRequestForm(forms.ModelForm):
    class Meta:
        model = RightsRequest
        fields = ["kind", "received_on", "request"]
        widgets = {"received_on": DateInput(), "request": forms.Textarea(attrs={"rows": 4})}


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    decision_reason = forms.CharField(
        label="Reason", max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(label="Decided on", widget=DateInput())
