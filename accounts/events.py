"""The audit trail of sign-in: signing in and out, and every account event, with the agency."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from taskforce import audit
from taskforce.models import AuditEvent, User

# When the person signed in (epoch seconds), for the 12-hour limit (accounts.middleware).
SIGNED_IN_AT = "signed_in_at"


# The person acted on their own account (the default actor of `account_event`).
THEMSELVES = object()


def account_event(action: str, account: User | None, *, actor=THEMSELVES, **details) -> AuditEvent:
    """Audit something that happened to an account, filed under the person's agency so its
    supervisors see it. The actor is the person themselves, someone else, or None (a task).

    Never pass a password, a one-time code or a recovery code in `details`.
    """
    return audit.record(
        account if actor is THEMSELVES else actor,
        action,
        account,
        target_agency=account.agency if account is not None else None,
        **details,
    )


@receiver(user_logged_in)
def _signed_in(sender, request, user: User, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())
    account_event("auth.signed_in", user)


@receiver(user_logged_out)
def _signed_out(sender, request, user: User | None, **kwargs) -> None:
    if user is not None:
        # The 12-hour limit signs people out too; it says so (accounts.middleware).
        account_event(
            getattr(request, "sign_out_action", "auth.signed_out"),
            user,
            changes=getattr(request, "sign_out_details", None),
        )
