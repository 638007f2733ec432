"""Forms for absences and caseload cover: shape only (rules: staffing.services)."""

from __future__ import annotations

from typing import Any

from django import forms

from mars.forms import DateInput, check_order, choices_of, field_of, label_choices, staff_label
from staffing import access
from staffing.models import Absence, AbsenceKind, CaseloadCover
from staffing.services import staff_choices


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["worker", "kind", "starts", "ends", "notes"]
        widgets = {
            "starts": DateInput(),
            "ends": DateInput(),
            "kind": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"notes": "Seen only by the coordinator and the worker."}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # An absence stays with its worker.
            del self.fields["worker"]
        elif access.manages_absences(user):
            choices_of(self, "worker").queryset = staff_choices()
            label_choices(self, "worker", staff_label)
        else:
            # A worker records their own: the field is not offered at all.
            del self.fields["worker"]
        if not access.manages_absences(user):
            field_of(self, "kind", forms.ChoiceField).choices = [
                (value, label) for value, label in AbsenceKind.choices if value in access.OWN_KINDS
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        check_order(self, "starts", "ends", "The last day away cannot be before the first.")
        return data


class CoverForm(forms.ModelForm):
    class Meta:
        model = CaseloadCover
        fields = ["worker", "covered_by", "starts", "ends", "notes"]
        labels = {"worker": "Whose caseload", "covered_by": "Covered by"}
        widgets = {
            "starts": DateInput(),
            "ends": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["worker"]
        else:
            choices_of(self, "worker").queryset = staff_choices()
            label_choices(self, "worker", staff_label)
        choices_of(self, "covered_by").queryset = staff_choices()
        label_choices(self, "covered_by", staff_label)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        worker = data.get("worker") or getattr(self.instance, "worker", None)
        if worker is not None and data.get("covered_by") == worker:
            # Beside the field, before the model's constraint says it above the form.
            self.add_error("covered_by", "A worker cannot cover their own caseload.")
        check_order(self, "starts", "ends", "The last day of cover cannot be before the first.")
        return data


class SessionCoverForm(forms.Form):
    """Cover on one planned outreach session (the rota's): who is away, who covers, and whether
    the covering worker takes their place or joins beside them."""

    away: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Cover for", empty_label=None
    )
    covering: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Covering worker"
    )
    replace = forms.TypedChoiceField(
        label="On the session",
        choices=[
            ("yes", "The covering worker takes their place"),
            ("no", "The covering worker joins them (they stay on the session)"),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, on_session: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "away").queryset = on_session
        label_choices(self, "away", staff_label)
        choices_of(self, "covering").queryset = staff_choices().exclude(
            pk__in=on_session.values("pk")
        )
        label_choices(self, "covering", staff_label)
