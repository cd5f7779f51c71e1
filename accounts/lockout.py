"""Locks an account after repeated failed sign-ins (django-axes), for a while.

CJIS 5.9.5: 5 failures within 15 minutes lock the account, by username from any address, for
LOCKOUT_MINUTES after the last failure (0: until released); a supervisor of the person's agency
or an administrator may release it earlier (`lockout_release`). The person and their agency's
supervisors are told at once. One address that fails LOCKOUT_ADDRESS_LIMIT times within the
window is refused for every username, and its attempts stop counting against the accounts it
names, so no one address can keep a task force's people out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.events import account_event
from taskforce import access, audit
from taskforce.models import Notification, User
from taskforce.selectors import agency_supervisors


class WindowedLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, counting only the failures of the last 15 minutes since the last
    successful sign-in or release; once locked, the account stays locked for AXES_COOLOFF_TIME
    after its last failure (LOCKOUT_MINUTES), or until released when that is None; and refusing
    an address that fails too often (`_address_throttled`).

    Axes keeps one running count per username, address and browser (`AccessAttempt`); before
    each new failure the counts are set back to the failures inside the window, which axes
    also logs one by one (`AccessFailureLog`).
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or _address_throttled(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials)
        if "nonce" in credentials and not username:
            # A directory sign-in that did not let the person in (accounts/oidc.py audits why as
            # auth.sso_refused). No password was tried and none could be guessed this way, and
            # the directory keeps its own count of failures: counted here, people refused for
            # their groups would lock their office's address out of password sign-ins.
            return None
        account = User.objects.filter(username=username).first() if username else None
        throttled = _address_throttled(request)
        was_locked = not throttled and super().is_locked(request, credentials)
        if username and not was_locked and not throttled:
            _forget_failures_outside_window(username, account)
        if throttled:
            # Refused for the address: logged against it, not against the account it names.
            request.axes_locked_out = True
            AccessFailureLog.objects.create(
                username=username, ip_address=request.axes_ip_address,
                user_agent=request.axes_user_agent[:255], path_info=request.axes_path_info[:255],
                locked_out=True,
            )  # fmt: skip
        else:
            super().user_login_failed(sender, credentials, request, **kwargs)
        locked = not throttled and bool(getattr(request, "axes_locked_out", False))
        # The person is the target, not the actor: anyone may type their username. An unknown
        # username is not recorded, because people sometimes type their password there.
        details = {"changes": {"known_account": account is not None, "locked": locked}}
        target_agency = account.agency if account else None
        audit.record(None, "auth.sign_in_failed", account, target_agency=target_agency, **details)
        if locked and not was_locked:
            audit.record(None, "auth.locked_out", account, target_agency=target_agency, **details)
            if account is not None:
                _tell_of_lock(account)


def _address_throttled(request) -> bool:
    """Whether the request's address failed LOCKOUT_ADDRESS_LIMIT times within the window."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return False
    failures = AccessFailureLog.objects.filter(
        ip_address=address, attempt_time__gt=_window_start(None)
    )
    return failures.count() >= settings.LOCKOUT_ADDRESS_LIMIT


def _tell_of_lock(account: User) -> None:
    """The person (by email: they cannot sign in) and their agency's supervisors (in the app and
    by email) hear of the lock at once: a lock they did not cause is someone trying their name."""
    lifts = settings.AXES_COOLOFF_TIME  # LOCKOUT_MINUTES; None: until released
    until = (
        f"It opens again by itself at {timezone.localtime() + lifts:%H:%M}"
        if lifts
        else "It stays locked until a supervisor releases it"
    )
    if account.email:
        send_mail(
            "Your Task Force Caseload account was locked",
            f"Five sign-ins with a wrong password were made for your account ({account.username})"
            f" within 15 minutes. {until}. If these were not you, tell your supervisor.",
            None,
            [account.email],
        )
    membership = access.acting_membership(account)
    if membership is None:
        return
    supervisors = [s for s in agency_supervisors(membership.agency_id) if s.pk != account.pk]
    title = f"{account.display_name()}'s account was locked after five failed sign-ins"
    Notification.objects.bulk_create(
        [Notification(user=s, title=title, url=reverse("lockouts")) for s in supervisors]
    )
    emails = [s.email for s in supervisors if s.email]
    if emails:
        send_mail(title, f"{title}. {until}. Release it early on the Locked accounts page.", None,
                  emails)  # fmt: skip


def _window_start(account: User | None) -> datetime:
    start = timezone.now() - timedelta(seconds=settings.AXES_FAILURE_WINDOW_SECONDS)
    if account is not None and account.last_login and account.last_login > start:
        start = account.last_login
    return start


def _forget_failures_outside_window(username: str, account: User | None) -> None:
    since = _window_start(account)
    for attempt in AccessAttempt.objects.filter(username=username):
        recent = AccessFailureLog.objects.filter(
            username=username,
            ip_address=attempt.ip_address,
            user_agent=attempt.user_agent,
            attempt_time__gt=since,
        ).count()
        if recent:
            AccessAttempt.objects.filter(pk=attempt.pk).update(failures_since_start=recent)
        else:
            attempt.delete()


def _current_attempts():
    """Attempts that still lock: all of them, or those whose last failure is within the lock."""
    lifts = settings.AXES_COOLOFF_TIME  # LOCKOUT_MINUTES; None: until released
    attempts = AccessAttempt.objects.all()
    return attempts.filter(attempt_time__gt=timezone.now() - lifts) if lifts else attempts


def is_locked(username: str) -> bool:
    failures = (
        _current_attempts()
        .filter(username=username)
        .aggregate(total=Sum("failures_since_start"))["total"]
    )
    return (failures or 0) >= settings.AXES_FAILURE_LIMIT


@dataclass(frozen=True)
class LockedAccount:
    account: User
    failures: int
    last_failure_at: datetime


def locked_accounts_for(actor: User) -> list[LockedAccount]:
    """Locked accounts the actor may release, most recently locked first."""
    counts = {
        row["username"]: row
        for row in _current_attempts()
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    }
    accounts = access.accounts_managed_by(actor).filter(username__in=counts)
    rows = [
        LockedAccount(
            account=account,
            failures=counts[account.username]["failures"],
            last_failure_at=counts[account.username]["last"],
        )
        for account in accounts.prefetch_related("memberships__agency")
    ]
    return sorted(rows, key=lambda row: row.last_failure_at, reverse=True)


@transaction.atomic
def lockout_release(*, actor: User, username: str, reason: str) -> User:
    """Unlock an account after checking with its owner; audited with the reason."""
    account = access.account_for(actor, username)
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say how you checked it was them, e.g. 'called her desk'."}
        )
    if not is_locked(account.username):
        raise ValidationError("This account is not locked (any more).")
    reset(username=account.username)
    # The failures that locked it must not count again towards the next lock; the audit trail
    # keeps each of them (auth.sign_in_failed).
    AccessFailureLog.objects.filter(
        username=account.username, attempt_time__gt=_window_start(None)
    ).delete()
    account_event("auth.lockout_released", account, actor=actor, reason=reason.strip())
    return account
