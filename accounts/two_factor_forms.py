"""Forms for the second factor: a code, and the reason for a reset."""

from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class SignInCodeForm(CodeForm):
    code = forms.CharField(
        label="Enter the code from your authenticator app",
        help_text="Or one of your recovery codes if you do not have your phone; each works once.",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class SetUpCodeForm(CodeForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows once you have added MARS to it.",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class NewRecoveryCodesForm(CodeForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="Your old recovery codes stop working when you make new ones.",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the reset",
        max_length=1000,
        widget=forms.TextInput(),
        help_text="For example: lost phone, reported by phone call on 3 March.",
    )

    def __init__(self, *args: object, prefix_for: int | None = None, **kwargs: object) -> None:
        if prefix_for is not None:
            kwargs["auto_id"] = f"id_reset_{prefix_for}_%s"
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
