"""Forms for risk records: they check the shape of what is typed; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.forms import formset_factory

from clients.models import Agency, Client
from mars.forms import DateInput, choices_of, staff_label
from mars.roles import Role
from mars.text import NOTE
from risk.models import (
    ActionStatus,
    AlertKind,
    Area,
    Level,
    Meeting,
    RiskAssessment,
    RiskPlan,
    SafeguardingConcern,
)


def staff_choices() -> QuerySet[Any]:
    """Members of the team who can own an action or chair a meeting."""
    roles = [Role.OUTREACH, Role.SUPPORT, Role.COORDINATOR, Role.PANEL, Role.DIRECTOR]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class StaffChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return staff_label(obj)


class AssessmentForm(forms.ModelForm):
    """The assessment's date, assessor and summary, with a level, notes and triggers per area."""

    assessor = StaffChoice(queryset=staff_choices(), required=False, empty_label="Me")
    review_due = forms.DateField(
        label="Review by (optional)",
        required=False,
        widget=DateInput(),
        help_text="Leave empty to follow the level: high 1 month, medium 3, low 6. "
        "Only an earlier date can be set.",
    )

    class Meta:
        model = RiskAssessment
        fields = ["assessed_on", "assessor", "summary"]
        widgets = {"assessed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, ratings: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ratings = ratings or {}
        for area, label in Area.choices:
            given = ratings.get(area, {})
            self.fields[f"{area}_level"] = forms.ChoiceField(
                label=f"{label}: level",
                choices=Level.choices,
                widget=forms.RadioSelect,
                initial=given.get("level"),
            )
            self.fields[f"{area}_notes"] = forms.CharField(
                max_length=NOTE,
                label="What is known",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=given.get("notes", ""),
            )
            self.fields[f"{area}_sensitive"] = forms.BooleanField(
                label="Mark this note sensitive",
                required=False,
                initial=given.get("sensitive", False),
                help_text="Only the key worker and those who may see special category data "
                "read it. The triggers stay readable by every worker.",
            )
            self.fields[f"{area}_triggers"] = forms.CharField(
                max_length=NOTE,
                label="Triggers",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=given.get("triggers", ""),
            )

    def areas(self) -> list[tuple[str, list[Any]]]:
        """The area fields, grouped for the page: one fieldset an area."""
        return [
            (
                label,
                [self[f"{area}_{part}"] for part in ("level", "notes", "sensitive", "triggers")],
            )
            for area, label in Area.choices
        ]

    def ratings(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            area: {
                "level": data.get(f"{area}_level", ""),
                "notes": data.get(f"{area}_notes", ""),
                "sensitive": data.get(f"{area}_sensitive", False),
                "triggers": data.get(f"{area}_triggers", ""),
            }
            for area in Area.values
        }


class PlanForm(forms.ModelForm):
    class Meta:
        model = RiskPlan
        fields = ["assessment", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = choices_of(self, "assessment")
        field.queryset = RiskAssessment.objects.filter(client=client)
        field.empty_label = None


class PlanActionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label="Action", max_length=300, required=False)
    owner = StaffChoice(queryset=staff_choices(), required=False, label="Who")
    owner_other = forms.CharField(label="Or someone else", max_length=120, required=False)
    due = forms.DateField(label="By", required=False, widget=DateInput())
    delete = forms.BooleanField(required=False, label="Remove")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delete") or not data.get("description"):
            return data
        if not data.get("owner") and not data.get("owner_other"):
            self.add_error("owner", "Say who will do it.")
        return data


class AlertForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="Alert", choices=[("", "—"), *AlertKind.choices], required=False)
    detail = forms.CharField(label="Detail", max_length=120, required=False)
    delete = forms.BooleanField(required=False, label="Remove")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("detail") and not data.get("kind") and not data.get("delete"):
            self.add_error("kind", "Choose the kind of alert.")
        return data


PlanActionFormSet = formset_factory(PlanActionForm, extra=2)
AlertFormSet = formset_factory(AlertForm, extra=2)


def plan_rows(actions: Any, alerts: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows that say something, as risk.services.draft_plan and save_plan take them."""
    action_rows = [
        {
            "id": f.cleaned_data.get("id"),
            "description": f.cleaned_data["description"],
            "owner": f.cleaned_data.get("owner"),
            "owner_other": f.cleaned_data.get("owner_other", ""),
            "due": f.cleaned_data.get("due"),
        }
        for f in actions.forms
        if f.cleaned_data.get("description") and not f.cleaned_data.get("delete")
    ]
    alert_rows = [
        {
            "id": f.cleaned_data.get("id"),
            "kind": f.cleaned_data["kind"],
            "detail": f.cleaned_data.get("detail", ""),
        }
        for f in alerts.forms
        if f.cleaned_data.get("kind") and not f.cleaned_data.get("delete")
    ]
    return action_rows, alert_rows


def plan_initial(
    plan: RiskPlan, *, as_new: bool = False
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A plan's actions and alerts as the rows of its form. `as_new`: as the rows of a new
    version, which copies the alerts and the actions not yet done, as new rows."""
    actions = [
        {
            "id": None if as_new else a.pk,
            "description": a.description,
            "owner": a.owner_id,
            "owner_other": a.owner_other,
            "due": a.due,
        }
        for a in plan.actions.all()
        if not (as_new and a.done_on)
    ]
    alerts = [
        {"id": None if as_new else a.pk, "kind": a.kind, "detail": a.detail}
        for a in plan.alerts.all()
    ]
    return actions, alerts


class CommentForm(forms.Form):
    comment = forms.CharField(
        max_length=NOTE, label="Comment", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if required:
            self.fields["comment"].label = "What needs to change"


class MeetingForm(forms.ModelForm):
    chair = StaffChoice(queryset=staff_choices(), required=False)
    staff = StaffChoices(
        queryset=staff_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Team present",
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Agencies present",
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "held_on",
            "chair",
            "chair_other",
            "staff",
            "agencies",
            "others_present",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "others_present": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("chair") and not data.get("chair_other"):
            self.add_error("chair", "Say who chaired the meeting.")
        return data


class MeetingActionForm(PlanActionForm):
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("description") and not data.get("delete") and not data.get("due"):
            self.add_error("due", "Say when it is due.")
        return data


MeetingActionFormSet = formset_factory(MeetingActionForm, extra=2)


def meeting_rows(formset: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": f.cleaned_data.get("id"),
            "description": f.cleaned_data["description"],
            "owner": f.cleaned_data.get("owner"),
            "owner_other": f.cleaned_data.get("owner_other", ""),
            "due": f.cleaned_data.get("due"),
            "status": f.cleaned_data.get("status") or ActionStatus.OPEN,
        }
        for f in formset.forms
        if f.cleaned_data.get("description") and not f.cleaned_data.get("delete")
    ]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    done_on = forms.DateField(
        label="Done on", required=False, widget=DateInput(), help_text="Today if left empty."
    )


class ConcernForm(forms.ModelForm):
    class Meta:
        model = SafeguardingConcern
        fields = [
            "raised_on",
            "category",
            "details",
            "referred_to",
            "referred_on",
            "agency_reference",
            "outcome",
            "closed_on",
        ]
        widgets = {
            "raised_on": DateInput(),
            "referred_on": DateInput(),
            "closed_on": DateInput(),
            "details": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "referred_to").queryset = Agency.objects.filter(active=True)
