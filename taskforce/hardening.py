"""Web hardening that is not a setting: security.txt (RFC 9116) and a start-up check on MFA."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

# RFC 9116 §2.5.5: Expires should be less than a year ahead.
ROLLING_EXPIRY = timedelta(days=180)


def _expires() -> datetime:
    if settings.SECURITY_TXT_EXPIRES is not None:
        return datetime.combine(settings.SECURITY_TXT_EXPIRES, time(23, 59, 59), tzinfo=UTC)
    today = datetime.now(UTC).date()
    return datetime.combine(today + ROLLING_EXPIRY, time(0, 0), tzinfo=UTC)


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt: whom to tell about a vulnerability (RFC 9116)."""
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {_expires():%Y-%m-%dT%H:%M:%SZ}",
        f"Policy: {settings.SECURITY_POLICY_URL}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def security_policy(request: HttpRequest) -> HttpResponse:
    """The repository's SECURITY.md as plain text: the one copy of the disclosure policy."""
    text = (settings.BASE_DIR / "SECURITY.md").read_text(encoding="utf-8")
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@checks.register(checks.Tags.security, deploy=True)
def mfa_is_required(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.MFA_REQUIRED:
        return []
    return [
        checks.Warning(
            "MFA_REQUIRED is off: people sign in with a password alone.",
            hint="Only the embedded demo may turn it off; unset MFA_REQUIRED in production.",
            id="taskforce.W901",
        )
    ]
