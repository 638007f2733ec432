"""Forms for funds and payments: they check the shape of what is typed; the services hold the
rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from accommodation.models import HouseIssue, Property, PropertyType
from funds.models import (
    OTHER_HELP,
    DocumentKind,
    Fund,
    FundKind,
    HardshipAssessment,
    HardshipQuestion,
    PaymentMethod,
    PaymentRequest,
    Recommendation,
    Tried,
)
from mars.dates import financial_year, financial_year_bounds
from mars.forms import DateInput, choices_of, field_of
from mars.text import NOTE

MONEY_WIDGET = {"inputmode": "decimal", "step": "0.01", "min": "0"}


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = [
            "name",
            "kind",
            "year",
            "budget",
            "approval_threshold",
            "per_person_limit",
            "hardship_largest_payment",
            "hardship_most_payments",
            "notes",
        ]
        widgets = {
            "budget": forms.NumberInput(attrs=MONEY_WIDGET),
            "approval_threshold": forms.NumberInput(attrs=MONEY_WIDGET),
            "per_person_limit": forms.NumberInput(attrs=MONEY_WIDGET),
            "hardship_largest_payment": forms.NumberInput(attrs=MONEY_WIDGET),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = financial_year(timezone.localdate())
        self.fields["year"].widget.attrs.update({"min": "2000", "max": "2100"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") != FundKind.HARDSHIP:
            for name in ("hardship_largest_payment", "hardship_most_payments"):
                if data.get(name) is not None:
                    self.add_error(name, "Only a hardship fund has hardship rules.")
        return data


class FundChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_kind_display()})"


class RequestForm(forms.ModelForm):
    """A request for a person (the person is fixed by the page) or, for property spend, a house."""

    fund = FundChoice(queryset=Fund.objects.none())

    class Meta:
        model = PaymentRequest
        fields = ["fund", "house", "issue", "amount", "payee", "purpose", "needed_by"]
        widgets = {
            "amount": forms.NumberInput(attrs=MONEY_WIDGET),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "needed_by": DateInput(),
        }
        labels = {"amount": "Amount (£)"}

    def __init__(self, *args: Any, property_spend: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        funds = Fund.objects.taking_requests(timezone.localdate())
        if property_spend:
            funds = funds.filter(kind=FundKind.PROPERTY)
            houses = Property.objects.filter(type=PropertyType.MARS_HOUSE, active=True)
            choices_of(self, "house").queryset = houses
            self.fields["house"].required = True
            choices_of(self, "issue").queryset = HouseIssue.objects.filter(property__in=houses)
            self.fields["issue"].label = "Repair or issue (optional)"
            if houses.count() == 1:
                self.fields["house"].initial = houses.get()
        else:
            funds = funds.exclude(kind=FundKind.PROPERTY)
            del self.fields["house"]
            del self.fields["issue"]
            if not (self.instance.pk and self.instance.fund.kind == FundKind.HARDSHIP):
                # A hardship payment is asked for by its assessment (funds.hardship), not here.
                funds = funds.exclude(kind=FundKind.HARDSHIP)
                self.fields["fund"].help_text = (
                    "Hardship payments start with a hardship assessment: choose "
                    "'Assess a hardship payment' on the person's page."
                )
        choices_of(self, "fund").queryset = funds.order_by("year", "name")
        if not self.is_bound and not self.instance.pk and funds.count() == 1:
            self.fields["fund"].initial = funds.get()

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("The amount must be more than £0.")
        return amount


class ApproveForm(forms.Form):
    comment = forms.CharField(
        max_length=NOTE,
        label="Comment (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        max_length=NOTE,
        label="Why approve it past the hardship rule",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required: this payment breaks a hardship rule.",
    )

    def __init__(self, *args: Any, needs_reason: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_reason:
            del self.fields["override_reason"]


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=NOTE, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, required: bool, label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].label = label


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label="Paid on", widget=DateInput())
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    reference = forms.CharField(
        max_length=100, help_text="The bank, card, cheque or receipt reference finance will see."
    )
    receipt = forms.FileField(
        label="Receipt (optional)",
        required=False,
        help_text="PDF, JPEG or PNG, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class ReceiptForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices, label="What it is")
    file = forms.FileField(
        help_text="PDF, JPEG or PNG, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ExportForm(forms.Form):
    FORMATS = [("csv", "CSV"), ("xlsx", "Excel (XLSX)")]

    paid_from = forms.DateField(label="Paid from", widget=DateInput())
    paid_to = forms.DateField(label="Paid to", widget=DateInput())
    fund = FundChoice(queryset=Fund.objects.all(), required=False, empty_label="Every fund")
    format = forms.ChoiceField(choices=FORMATS, widget=forms.RadioSelect, initial="xlsx")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["paid_from"].initial = financial_year_bounds(financial_year(today))[0]
        self.fields["paid_to"].initial = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first: date | None = data.get("paid_from")
        last: date | None = data.get("paid_to")
        if first and last and last < first:
            self.add_error("paid_to", "The end comes before the start.")
        return data


class AssessmentForm(forms.ModelForm):
    """A hardship assessment for one person (fixed by the page), with a field for each of the
    procedure's active questions."""

    fund = FundChoice(queryset=Fund.objects.none())

    class Meta:
        model = HardshipAssessment
        fields = [
            "fund",
            "circumstances",
            *(name for help_name, _ in OTHER_HELP for name in (help_name, f"{help_name}_note")),
            "amount",
            "purpose",
            "payee",
            "recommendation",
            "reason",
        ]
        widgets = {
            "circumstances": forms.Textarea(attrs={"rows": 4}),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for help_name, _ in OTHER_HELP
                for name in (f"{help_name}_note",)
            },
            **{help_name: forms.RadioSelect for help_name, _ in OTHER_HELP},
            "amount": forms.NumberInput(attrs=MONEY_WIDGET),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "recommendation": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "amount": "Amount (£)",
            **{help_name: label for help_name, label in OTHER_HELP},
            **{
                f"{help_name}_note": f"{label.split(' (')[0]}: what happened (optional)"
                for help_name, label in OTHER_HELP
            },
            "reason": "Why you recommend this",
        }

    def __init__(self, *args: Any, questions: list[HardshipQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        funds = Fund.objects.taking_requests(timezone.localdate()).filter(kind=FundKind.HARDSHIP)
        choices_of(self, "fund").queryset = funds.order_by("year", "name")
        if not self.is_bound and funds.count() == 1:
            # The instance's empty fund would win over the field's initial.
            self.initial["fund"] = funds.get().pk
        for help_name, _ in OTHER_HELP:
            # A radio list with no empty choice: the model's blank "---------" is not an answer.
            field_of(self, help_name, forms.TypedChoiceField).choices = Tried.choices
        field_of(self, "recommendation", forms.TypedChoiceField).choices = Recommendation.choices
        self.questions = questions
        for question in questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.text,
                max_length=NOTE,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("The amount must be more than £0.")
        return amount

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"question_{q.pk}"] for q in self.questions}
