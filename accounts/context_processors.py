"""Template context of sign-in security: whether the demo runs with MFA off (every page says so),
and whether single sign-on is offered."""

from django.conf import settings
from django.http import HttpRequest


def sign_in_security(request: HttpRequest) -> dict:
    return {
        "mfa_off": not settings.MFA_REQUIRED,
        "sso_enabled": settings.OIDC_ENABLED,
        "sso_provider_name": settings.OIDC_PROVIDER_NAME,
    }
