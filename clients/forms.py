"""Form shapes for people and their records; the rules live in clients.services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.html import escape

from clients import countries
from clients.consent import ConsentHow, LawfulBasis, SharingScope
from clients.models import (
    PERSON_FIELDS,
    SPECIAL_NEEDS,
    Agency,
    Client,
    ClientStatus,
    Discharge,
    GoalStatus,
    HealthAccess,
    PublicFunds,
    Referral,
    SupportNeed,
    SupportPlan,
    key_worker_choices,
)
from mars.forms import DateInput, choices_of, field_of, label_choices


class CountrySelect(forms.Select):
    """The list of countries; each option carries the other names people write for it
    (demonyms, spellings), which static/js/country-find.js searches. Without the script it is
    an ordinary list in the order of the countries' names."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"data-country-find": "", **(attrs or {})})

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        country = countries.by_code().get(str(option["value"]))
        if country is not None:
            option["attrs"]["data-names"] = "|".join((country.code, *country.other_names))
        return option


class ClientForm(forms.ModelForm):
    aliases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Other names the person is known by, one per line.",
    )
    support_needs = forms.MultipleChoiceField(
        choices=SupportNeed.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    nationality = forms.ChoiceField(
        required=False,
        choices=lambda: [("", "Not known"), *((c.code, c.name) for c in countries.countries())],
        widget=CountrySelect,
        help_text="The country of the person's nationality, or Not known.",
    )

    class Meta:
        model = Client
        fields = PERSON_FIELDS
        widgets = {"date_of_birth": DateInput()}
        help_texts = {
            "ethnicity": "Special category data: record only what the person has told you.",
            "known_as": "The name the person likes to be called.",
        }

    def __init__(self, *args: Any, sees_special_category: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sees_special_category:
            # Need to know: one who may not see it neither reads nor changes it (clients.services
            # keeps what is held).
            del self.fields["ethnicity"]
            del self.fields["public_funds"]
            field_of(self, "support_needs", forms.MultipleChoiceField).choices = [
                (value, label) for value, label in SupportNeed.choices if value not in SPECIAL_NEEDS
            ]
            self.fields["support_needs"].help_text = (
                "Health, offending and immigration needs are special category data: only those "
                "who may see them can change them."
            )
            if self.instance.pk and not self.is_bound:
                self.initial["support_needs"] = [
                    n for n in self.instance.support_needs if n not in SPECIAL_NEEDS
                ]
        if "public_funds" in self.fields:
            self.fields["public_funds"].required = False
        choices_of(self, "key_worker").queryset = key_worker_choices()
        label_choices(self, "key_worker", lambda u: u.get_full_name() or u.username)
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = "\n".join(a.name for a in self.instance.aliases.all())
        if self.instance.nationality_as_recorded and not self.instance.nationality:
            self.fields["nationality"].help_text = (
                # Help text is shown as HTML: the old text is escaped.
                f"Recorded before as “{escape(self.instance.nationality_as_recorded)}”, which "
                "names no one country: choose the country if you know it. "
                f"{self.fields['nationality'].help_text}"
            )

    def clean_public_funds(self) -> str:
        return self.cleaned_data["public_funds"] or PublicFunds.NOT_KNOWN

    def alias_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data.get("aliases", "").splitlines()
            if line.strip()
        ]

    def model_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS if name in self.fields}


class ConfirmDistinctForm(forms.Form):
    confirmed_distinct = forms.BooleanField(
        required=False, label="I have checked: this is a different person"
    )


# The people list's consent filter (the page's and the API's).
CONSENT_EXPIRING = "expiring_or_expired"
CONSENT_NONE_VALID = "no_valid_consent"
CONSENT_FILTERS = [
    ("", "Any consent"),
    (CONSENT_EXPIRING, "Consent expiring or expired"),
    (CONSENT_NONE_VALID, "No valid consent (none, refused, withdrawn or expired)"),
]


def with_consent_filter(people: Any, which: str, day: date) -> Any:
    """The people list's consent filter, the page's and the API's."""
    if which == CONSENT_EXPIRING:
        return people.consent_expiring_or_expired(day)
    if which == CONSENT_NONE_VALID:
        return people.without_valid_consent(day)
    return people


class ClientSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        help_text="Name, known-as, alias, reference (MARS-000123) or date of birth (31/12/1985).",
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *ClientStatus.choices])
    key_worker = forms.ModelChoiceField(
        required=False, queryset=key_worker_choices(), empty_label="Any key worker"
    )
    need = forms.ChoiceField(
        required=False, choices=[("", "Any need"), *SupportNeed.choices], label="Support need"
    )
    consent = forms.ChoiceField(
        required=False, choices=CONSENT_FILTERS, label="Consent", initial=""
    )
    # Once the need "no recourse to public funds"; special category like the needs (those who
    # may not see it find only the people whose special category data they may see).
    public_funds = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *PublicFunds.choices],
        label="Access to public funds",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_choices(self, "key_worker", lambda u: u.get_full_name() or u.username)


class MergeChooseForm(forms.Form):
    survivor = forms.CharField(
        label="Reference of the record that stays",
        help_text="For example MARS-000123. This record will be merged into it.",
    )


class LawfulBasisFields(forms.Form):
    """Another lawful basis for sharing the person's consent does not cover (clients.services
    check_sharing): asked on the referral and support plan forms, used only when needed."""

    basis = forms.ChoiceField(
        required=False,
        choices=[("", "None: the person's consent covers this"), *LawfulBasis.choices],
        label="Lawful basis if consent does not cover this",
        help_text="Only when sharing with this agency goes beyond the person's consent.",
    )
    basis_reason = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason for sharing without consent",
    )

    def sharing_basis(self) -> dict[str, str]:
        return {
            "basis": self.cleaned_data.get("basis") or "",
            "basis_reason": self.cleaned_data.get("basis_reason") or "",
        }


class SupportPlanForm(forms.ModelForm, LawfulBasisFields):
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Partner agencies involved in this plan.",
    )

    class Meta:
        model = SupportPlan
        fields = ["start", "end", "review_date", "summary", "agencies"]
        widgets = {"start": DateInput(), "end": DateInput(), "review_date": DateInput()}


class GoalForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(max_length=300, required=False, label="Goal")
    status = forms.ChoiceField(choices=GoalStatus.choices, initial=GoalStatus.NOT_STARTED)
    target_date = forms.DateField(required=False, widget=DateInput())
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sensitive = forms.BooleanField(required=False, label="Mark this note sensitive")
    delete = forms.BooleanField(required=False, label="Remove")


GoalFormSet = formset_factory(GoalForm, extra=2)


def goal_rows(formset: Any) -> list[dict[str, Any]]:
    """Goal forms that say something, as data for clients.services.save_support_plan."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data.get("description") or form.cleaned_data.get("id")
    ]


class ReferralForm(forms.ModelForm, LawfulBasisFields):
    class Meta:
        model = Referral
        fields = [
            "direction",
            "agency",
            "referred_on",
            "reason",
            "status",
            "status_changed_on",
            "notes",
        ]
        widgets = {
            "referred_on": DateInput(),
            "status_changed_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"status_changed_on": "Status changed on"}


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you need to see this person's restricted information now. The "
        "coordinator is told, and the reason is kept in the access log.",
    )


class DischargeForm(forms.ModelForm):
    class Meta:
        model = Discharge
        fields = ["kind", "date", "evidence", "notes"]
        widgets = {
            "date": DateInput(),
            "evidence": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"kind": "Left", "date": "Date they left", "evidence": "How it is known"}
        help_texts = {
            "kind": "The institution the person left.",
            "evidence": "Verified: confirmed by the institution, probation or a document.",
        }

    def fields_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HealthAccessForm(forms.ModelForm):
    class Meta:
        model = HealthAccess
        fields = ["kind", "date", "outcome", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}


GIVEN_HOW = [(v, label) for v, label in ConsentHow.choices if v != ConsentHow.NOT_RECORDED]


class ConsentForm(forms.Form):
    """A consent a person gave: how, when, what it covers."""

    how = forms.ChoiceField(choices=GIVEN_HOW, widget=forms.RadioSelect, label="How it was given")
    given_on = forms.DateField(widget=DateInput(), label="Given on")
    scopes = forms.MultipleChoiceField(
        choices=SharingScope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Kinds of agency it covers",
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Agencies named",
        help_text="Agencies the person agreed to by name, whatever their kind.",
    )
    review_by = forms.DateField(
        widget=DateInput(),
        required=False,
        label="Review by",
        help_text="Leave empty for the usual review period after it was given.",
    )
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RefusalForm(forms.Form):
    """A person's refusal to consent."""

    how = forms.ChoiceField(choices=GIVEN_HOW, widget=forms.RadioSelect, label="How it was said")
    # Named as the record's field (given_on), so a refusal about the day shows beside it.
    given_on = forms.DateField(widget=DateInput(), label="Refused on")
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(widget=DateInput(), label="Withdrawn on")


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["key", "name", "kind", "phone", "email", "address", "active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
