"""Forms of the Strategy Group: shape only (the rules are in strategy.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from mars.forms import DateInput, LocalDateTimeField, staff_label
from strategy.models import Action, AgendaItem, GroupMeeting, Member, NewsItem, NewsTag, PaperKind


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["user", "name", "organisation", "email", "active"]
        labels = {"user": "Member of staff"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)
        user.queryset = get_user_model().objects.filter(is_active=True).order_by("first_name")
        user.label_from_instance = staff_label  # type: ignore[method-assign,assignment]
        for name in ("name", "email"):
            self.fields[name].required = False
            self.fields[
                name
            ].help_text = "For a member of staff, leave empty to use their account's."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("user") is None:
            for name in ("name", "email"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "A partner needs a name and an email.")
        return data


class MeetingForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label="Date and time")
    link = forms.URLField(
        max_length=500, required=False, assume_scheme="https", help_text="A video call's link."
    )

    class Meta:
        model = GroupMeeting
        fields = ["starts_at", "place", "link", "status"]


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "owner", "order", "notes"]
        labels = {"owner": "Led by"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = Member.objects.filter(active=True)
        self.fields["order"].required = False
        self.fields["order"].help_text = "Leave empty to put it at the end."


class PaperForm(forms.Form):
    file = forms.FileField(
        help_text="A PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT) file."
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="Leave empty to use the file's name."
    )
    kind = forms.ChoiceField(choices=PaperKind.choices, initial=PaperKind.PAPER)


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50_000,
        help_text="Writing the minutes marks the meeting as held.",
    )


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "due", "done_on"]
        labels = {"owner": "Who", "done_on": "Done on"}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due": DateInput(),
            "done_on": DateInput(),
        }
        help_texts = {"done_on": "Leave empty until it is done: it is carried over until then."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = Member.objects.filter(active=True) | Member.objects.filter(
            pk=self.instance.owner_id or 0
        )


class NewsForm(forms.ModelForm):
    link = forms.URLField(max_length=500, required=False, assume_scheme="https")
    tags = forms.MultipleChoiceField(
        choices=NewsTag.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = NewsItem
        fields = ["title", "day", "link", "text", "tags"]
        widgets = {"day": DateInput(), "text": forms.Textarea(attrs={"rows": 5})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if not data.get("link") and not data.get("text") and "link" not in self.errors:
            self.add_error("link", "Give a link, a text, or both.")
        return data
