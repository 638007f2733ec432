"""Form shapes for accommodation; the rules live in accommodation.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accommodation.models import (
    A2AReferral,
    EndReason,
    HouseIssue,
    MarsHouseReferral,
    Placement,
    Property,
    Provider,
    Unavailability,
    Unit,
    UnitQuerySet,
)
from clients.models import Client, key_worker_choices
from mars.forms import (
    DateInput,
    DateTimeInput,
    LocalDateTimeField,
    choices_of,
    field_of,
    label_choices,
    staff_label,
)
from mars.text import NOTE


class ProviderForm(forms.ModelForm):
    class Meta:
        model = Provider
        fields = ["name", "contact_name", "phone", "email", "address", "agency", "notes", "active"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class PropertyForm(forms.ModelForm):
    units = forms.CharField(
        max_length=NOTE,
        label="Units to add",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, for example Room 1. A new property with none gets one unit, "
        "Whole property.",
    )

    class Meta:
        model = Property
        fields = ["name", "type", "key", "address", "provider", "notes", "active"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text += " Made from the name if left empty."

    def unit_names(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data.get("units", "").splitlines() if line.strip()
        ]


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class UnavailabilityForm(forms.ModelForm):
    class Meta:
        model = Unavailability
        fields = ["start", "end", "reason"]
        widgets = {"start": DateInput(), "end": DateInput()}


class A2AReferralForm(forms.ModelForm):
    class Meta:
        model = A2AReferral
        fields = ["referred_on", "requested_type", "needs", "reasons"]
        widgets = {
            "referred_on": DateInput(),
            "needs": forms.Textarea(attrs={"rows": 3}),
            "reasons": forms.Textarea(attrs={"rows": 3}),
        }


PRIORITIES = [(1, "1: most urgent"), (2, "2"), (3, "3: least urgent")]


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(
        choices=PRIORITIES, coerce=int, widget=forms.RadioSelect, label="Priority"
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")], widget=forms.RadioSelect
    )
    priority = forms.TypedChoiceField(
        choices=[("", "Keep as it is"), *PRIORITIES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Its place in the queue for a placement.",
    )
    reason = forms.CharField(
        max_length=NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the decision.",
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, queryset: QuerySet[Unit], *, free: set[int], **kwargs: Any) -> None:
        self.free = free
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: Unit) -> str:
        state = "free today" if obj.pk in self.free else "occupied or out of use today"
        return f"{obj} ({obj.property.get_type_display()}, {state})"


def _units(queryset: UnitQuerySet) -> tuple[UnitQuerySet, set[int]]:
    today = timezone.localdate()
    units = queryset.filter(active=True, property__active=True).select_related("property")
    return units, set(units.free_on(today).values_list("pk", flat=True))


class PlacementForm(forms.Form):
    """Place a person: the unit, the day they moved in, and what is planned."""

    client = forms.ModelChoiceField(Client.objects.none(), label="Person")
    unit = UnitChoiceField(Unit.objects.none(), free=set())
    start = forms.DateField(label="Moved in on", widget=DateInput())
    planned_end = forms.DateField(required=False, widget=DateInput())
    nightly_cost = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, help_text="In pounds a night."
    )
    referral = forms.ModelChoiceField(
        A2AReferral.objects.none(), required=False, label="From the A2A referral"
    )
    notes = forms.CharField(
        max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Client],
        units: UnitQuerySet,
        referrals: QuerySet[A2AReferral],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "client").queryset = people
        if people.count() == 1:
            choices_of(self, "client").empty_label = None
        unit_field = field_of(self, "unit", UnitChoiceField)
        unit_field.queryset, unit_field.free = _units(units)
        choices_of(self, "referral").queryset = referrals
        label_choices(
            self, "referral", lambda r: f"{r.client.display_name}: approved {r.decided_on:%d/%m/%Y}"
        )
        label_choices(self, "client", lambda c: f"{c.display_name} ({c.reference})")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, planned_end = data.get("start"), data.get("planned_end")
        if start and planned_end and planned_end < start:
            self.add_error("planned_end", "The planned end is on or after the day they moved in.")
        return data


class PlacementCorrectionForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = [
            "start",
            "planned_end",
            "end",
            "end_reason",
            "move_on_destination",
            "nightly_cost",
            "notes",
        ]
        widgets = {
            "start": DateInput(),
            "planned_end": DateInput(),
            "end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class EndPlacementForm(forms.Form):
    end = forms.DateField(label="Left on", widget=DateInput())
    reason = forms.ChoiceField(choices=[("", "Choose a reason"), *EndReason.choices])
    destination = forms.CharField(
        max_length=200,
        label="Move-on destination",
        required=False,
        help_text="Where the person went.",
    )


class StayTermsForm(forms.Form):
    """The unit someone moves into and what is planned for the stay."""

    unit = UnitChoiceField(Unit.objects.none(), free=set())
    planned_end = forms.DateField(required=False, widget=DateInput())
    nightly_cost = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, help_text="In pounds a night."
    )

    def __init__(self, *args: Any, units: UnitQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = field_of(self, "unit", UnitChoiceField)
        unit_field.queryset, unit_field.free = _units(units)


class MoveForm(StayTermsForm):
    on = forms.DateField(label="Moved on", widget=DateInput())
    field_order = ["unit", "on", "planned_end", "nightly_cost"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = "Move to"
        self.fields["planned_end"].help_text = "Empty: keep the current one."
        self.fields["nightly_cost"].help_text = "Empty: keep the current one."


class MarsHouseReferralForm(forms.ModelForm):
    class Meta:
        model = MarsHouseReferral
        fields = ["received_on", "referring_agency", "reasons"]
        widgets = {"received_on": DateInput(), "reasons": forms.Textarea(attrs={"rows": 3})}


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(widget=DateInput())
    notes = forms.CharField(
        max_length=NOTE, label="What the assessment found", widget=forms.Textarea(attrs={"rows": 4})
    )


class MarsHouseDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        max_length=NOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when declining.",
    )


class SignUpForm(StayTermsForm):
    licence_date = forms.DateField(
        widget=DateInput(), help_text="The placement starts on this day."
    )
    field_order = ["unit", "licence_date", "planned_end", "nightly_cost"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].label = "Room"


class HouseIssueForm(forms.ModelForm):
    class Meta:
        model = HouseIssue
        fields = [
            "property",
            "unit",
            "resident",
            "reported_at",
            "kind",
            "description",
            "dealt_with_by",
            "action_taken",
            "resolved_on",
        ]
        field_classes = {"reported_at": LocalDateTimeField}
        widgets = {
            "reported_at": DateTimeInput(),
            "resolved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "action_taken": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, properties: QuerySet[Property], residents: QuerySet[Client], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self, "property").queryset = properties
        choices_of(self, "unit").queryset = Unit.objects.filter(
            property__in=properties
        ).select_related("property")
        choices_of(self, "resident").queryset = residents
        choices_of(self, "dealt_with_by").queryset = key_worker_choices()
        label_choices(self, "dealt_with_by", staff_label)
