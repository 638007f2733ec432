from __future__ import annotations

from django import forms

from mars.text import NOTE


class HoldForm(forms.Form):
    reason = forms.CharField(
        label="Why must the records be kept?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE,
        help_text="The claim, inquiry or review, and who asked.",
    )


class LiftForm(forms.Form):
    lift_reason = forms.CharField(
        label="Why is the hold lifted?", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE
    )


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label="Why anonymise this person now?",
        max_length=400,
        help_text="For example: a test record, or past the retention schedule.",
    )
    confirm = forms.BooleanField(
        label="I understand this removes their names, date of birth, phone, notes and receipts "
        "for good, from the record and its history.",
    )
