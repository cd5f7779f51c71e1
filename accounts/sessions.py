"""Ending sessions: sign out everywhere, and disabling accounts nobody has used for 90 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.events import account_event
from taskforce.models import User


@transaction.atomic
def sign_out_everywhere(*, actor: User) -> User:
    """End every session of the person at once (a new session salt; see User._salted).

    The caller keeps its own session with `update_session_auth_hash`.
    """
    actor.session_salt = get_random_string(32)
    actor.save(update_fields=["session_salt"])
    account_event("auth.signed_out_everywhere", actor)
    return actor


def inactive_accounts(now: datetime | None = None):
    """Active accounts with no sign-in (nor creation, nor re-enabling) in ACCOUNT_INACTIVE_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_INACTIVE_DAYS)
    return (
        User.objects.filter(is_active=True)
        .annotate(
            last_active=Greatest(
                Coalesce("last_login", "date_joined"),
                Coalesce("reactivated_at", "last_login", "date_joined"),
            )
        )
        .filter(last_active__lt=cutoff)
    )


@transaction.atomic
def disable_inactive_accounts(now: datetime | None = None) -> int:
    """CJIS 5.9.5: disable accounts unused for 90 days; each one audited. An administrator
    re-enables one in the admin, which restarts its clock (`reactivated_at`)."""
    disabled = 0
    for account in inactive_accounts(now).select_for_update(of=("self",), skip_locked=True):
        account.is_active = False
        # Ends any session left open as well (OWASP ASVS 7.4.2).
        account.session_salt = get_random_string(32)
        account.save(update_fields=["is_active", "session_salt"])
        account_event(
            "account.disabled_inactive",
            account,
            actor=None,
            changes={"last_active": account.last_active.isoformat()},
        )
        disabled += 1
    return disabled


@transaction.atomic
def account_reactivated(*, actor: User, account: User) -> None:
    """An administrator turned a disabled account back on: restart its inactivity clock."""
    account.reactivated_at = timezone.now()
    account.save(update_fields=["reactivated_at"])
    account_event("account.reactivated", account, actor=actor)
