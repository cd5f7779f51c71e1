"""Forms of the sign-in pages and the person's settings."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from accounts.sso import may_use_password


class CodeForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": "Enter the code."},
    )


class VerifyForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "token"
        ].help_text = (
            "The 6 digits your authenticator app shows now, or one of your recovery codes."
        )


class EnrolForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = "The 6 digits the app shows after you add the account."


class ReleaseForm(forms.Form):
    username = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="How did you check it was them?",
        max_length=500,
        help_text="Kept in the audit trail, e.g. 'Called her desk phone; she mistyped it'.",
        error_messages={"required": "Say how you checked it was them."},
    )


class PasswordSignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a password to a member of an agency that signs in only
    through the directory (issue #23), with the reason next to the form."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not may_use_password(user):
            raise forms.ValidationError(
                f"{user.agency.name} signs in through the directory only. Use “Sign in with "
                f"{settings.OIDC_PROVIDER_NAME}” instead of a password.",
                code="sso_only",
            )
