"""Two-step verification: an authenticator app (TOTP) and one-time recovery codes (django-otp)."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.events import account_event
from accounts.sso import SSO_MFA
from taskforce.models import User

AUTHENTICATOR = "Authenticator app"
RECOVERY_CODES = "Recovery codes"


class Throttled(Exception):
    """Too many wrong codes in a row: django-otp refuses more until `until`."""

    def __init__(self, until: datetime | None):
        super().__init__("Too many wrong codes")
        self.until = until


@dataclass(frozen=True)
class Verification:
    device: Device
    by_recovery_code: bool


def second_step_done(request) -> bool:
    """The person gave a code here, or signed in through a directory that checked a second
    factor itself (accounts.sso.directory_did_mfa, set for that sign-in's session only)."""
    if request.user.is_verified():
        return True
    return bool(request.session.get(SSO_MFA)) and (
        request.session.get(BACKEND_SESSION_KEY) == "accounts.oidc.DirectoryBackend"
    )


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-created_at").first()


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def authenticator_pending(user: User) -> TOTPDevice:
    """The not yet confirmed authenticator the person is setting up (the same one on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-created_at").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for people who cannot scan the code."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code: drawn on the server, no script, no image request."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def _verify(user: User, devices: list[Device], token: str) -> Device | None:
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if devices and not allowed:
        waits = [device.verify_is_allowed()[1] or {} for device in devices]
        raise Throttled(max((w.get("locked_until") for w in waits if w), default=None))
    for device in allowed:
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def authenticator_confirm(*, actor: User, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending authenticator with a code from it; it replaces any earlier one.

    Returns the device and a fresh set of recovery codes (to show once), or None on a wrong code
    (audited, never with the code).
    """
    pending = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-created_at")
    device = _verify(actor, list(pending[:1]), _clean(token))
    if device is None:
        account_event("mfa.enrolment_failed", actor)
        return None
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()[0]
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _issue_recovery_codes(actor)
        account_event("mfa.enrolled", actor, changes={"replaced_earlier": bool(replaced)})
    return device, codes


def second_step_verify(*, actor: User, token: str) -> Verification | None:
    """Check a code from the authenticator, or a recovery code (used up by this), after the
    password. None on a wrong code; `Throttled` after too many. Each outcome is audited."""
    token = _clean(token)
    by_recovery_code = not token.isdigit()
    model = StaticDevice if by_recovery_code else TOTPDevice
    devices = list(model.objects.filter(user=actor, confirmed=True))
    try:
        device = _verify(actor, devices, token)
    except Throttled:
        account_event("mfa.failed", actor, changes={"throttled": True})
        raise
    if device is None:
        account_event(
            "mfa.failed", actor, changes={"recovery_code": by_recovery_code, "throttled": False}
        )
        return None
    if by_recovery_code:
        account_event(
            "mfa.recovery_code_used",
            actor,
            changes={"recovery_codes_left": recovery_codes_left(actor)},
        )
    else:
        account_event("mfa.verified", actor)
    return Verification(device=device, by_recovery_code=by_recovery_code)


def _issue_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: User) -> list[str]:
    """A new set of recovery codes; the old ones stop working. The codes are never audited."""
    codes = _issue_recovery_codes(actor)
    account_event("mfa.recovery_codes_issued", actor, changes={"count": len(codes)})
    return codes
