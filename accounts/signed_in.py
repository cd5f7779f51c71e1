"""The person a request is signed in as, read the way every page needs them (issue #22)."""

from __future__ import annotations

from contextlib import suppress

from django.apps import apps
from django.contrib.auth import get_user
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.utils.functional import SimpleLazyObject
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from taskforce import folded
from taskforce.models import Membership


def current_membership(user_id: int):
    """A person's current membership of an active agency, with the agency: `User.membership`'s
    query, which every page asks (the policy acts through it)."""
    return (
        Membership.objects.filter(user_id=user_id, ended_at__isnull=True, agency__is_active=True)
        .select_related("agency")
        .order_by(*Membership._meta.ordering)[:1]
    )


def with_membership(user):
    """The signed-in user with `membership` read from SQL compiled once per process (building and
    compiling it was ~1 ms of every page); the same instance `User.membership` would give."""
    if user.is_authenticated:
        found = folded.kept_rows(current_membership, key=("membership",), user_id=user.pk)
        if found:
            found[0].user = user
        user.__dict__["membership"] = found[0] if found else None
    return user


class SignedInMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with the user's membership read as above."""

    def process_request(self, request) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: with_membership(get_user(request)))


class SecondStepMiddleware(OTPMiddleware):
    """django-otp's middleware, with the device of the session's second step read by SQL
    compiled once per process (`Device.from_persistent_id`'s query, on every page)."""

    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        with suppress(ValueError, LookupError):
            label, device_id = persistent_id.rsplit("/", 1)
            kind = apps.get_model(label)
            if issubclass(kind, Device):
                found = folded.kept_rows(
                    lambda device_id: kind.objects.filter(id=device_id).order_by("pk")[:1],
                    key=("second-step device", kind._meta.label),
                    device_id=int(device_id),
                )
                return found[0] if found else None
        return None
