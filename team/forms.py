"""Forms for supervision and team meetings: they check the shape; team.services holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory

from mars.forms import DateInput, check_order, staff_label
from team.models import Supervision, TeamMeeting
from team.schedule import supervised_workers
from team.services import team_members


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class SupervisionForm(forms.ModelForm):
    worker = StaffChoice(queryset=supervised_workers())
    supervisor = StaffChoice(queryset=team_members())

    class Meta:
        model = Supervision
        fields = ["worker", "supervisor", "held_on", "caseload_discussed", "wellbeing", "next_on"]
        widgets = {
            "held_on": DateInput(),
            "next_on": DateInput(),
            "caseload_discussed": forms.Textarea(attrs={"rows": 4}),
            "wellbeing": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A supervision stays with its worker (team.services refuses a move too).
            self.fields["worker"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("worker") is not None and data.get("worker") == data.get("supervisor"):
            self.add_error("supervisor", "A worker cannot supervise themselves.")
        check_order(
            self, "held_on", "next_on", "The next supervision comes after this one.", strict=True
        )
        return data


class SupervisionActionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="Action", max_length=300, required=False)
    due = forms.DateField(label="By", required=False, widget=DateInput())
    done_on = forms.DateField(label="Done on", required=False, widget=DateInput())
    delete = forms.BooleanField(required=False, label="Remove")


SupervisionActionFormSet = formset_factory(SupervisionActionForm, extra=2)


class TeamMeetingForm(forms.ModelForm):
    present = StaffChoices(
        queryset=team_members(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Present",
    )

    class Meta:
        model = TeamMeeting
        fields = ["held_on", "present", "notes"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 6})}


class TeamActionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="Action", max_length=300, required=False)
    owner = StaffChoice(queryset=team_members(), required=False, label="Who")
    due = forms.DateField(label="By", required=False, widget=DateInput())
    done_on = forms.DateField(label="Done on", required=False, widget=DateInput())
    delete = forms.BooleanField(required=False, label="Remove")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delete") or not data.get("description"):
            return data
        if not data.get("owner"):
            self.add_error("owner", "Say who will do it.")
        if not data.get("due"):
            self.add_error("due", "Say when it is due.")
        return data


TeamActionFormSet = formset_factory(TeamActionForm, extra=2)


def action_rows(formset: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows a formset of actions keeps (typed, not removed), with the fields named."""
    return [
        {"id": f.cleaned_data.get("id"), **{name: f.cleaned_data.get(name) for name in fields}}
        for f in formset.forms
        if f.cleaned_data.get("description") and not f.cleaned_data.get("delete")
    ]


class ActionDoneForm(forms.Form):
    done = forms.BooleanField(required=False, label="Done", initial=True)
    done_on = forms.DateField(
        label="Done on", required=False, widget=DateInput(), help_text="Today if left empty."
    )
