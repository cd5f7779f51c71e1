"""Template context of sign-in security: whether the demo runs with MFA off (every page says so)."""

from django.conf import settings
from django.http import HttpRequest


def sign_in_security(request: HttpRequest) -> dict:
    return {"mfa_off": not settings.MFA_REQUIRED}
