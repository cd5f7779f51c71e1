"""A person's reminder choices: lead times, email, the daily digest, the calendar feed secret."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deadlines.reminders import reminders_plan
from taskforce import audit
from taskforce.models import Deadline, DeadlineStatus, ReminderSettings, User

UNITS = {"m": 1, "h": 60, "d": 24 * 60}
MOST_LEADS = 5
LONGEST_LEAD = 60 * 24 * 60  # 60 days


def settings_for(user: User) -> ReminderSettings:
    return ReminderSettings.objects.get_or_create(user=user)[0]


def parse_leads(text: str) -> list[int] | None:
    """'7d, 1d, 2h' → minutes; '' → None (the rule's defaults); 'none' → [] (no reminders)."""
    text = text.strip().lower()
    if not text:
        return None
    if text == "none":
        return []
    minutes = []
    for part in re.split(r"[,\s]+", text):
        match = re.fullmatch(r"(\d{1,4})([mhd])", part)
        if not match:
            raise ValidationError(
                f"“{part}” is not a lead time: write a number and m, h or d, e.g. 7d, 1d, 2h."
            )
        lead = int(match[1]) * UNITS[match[2]]
        if not 0 < lead <= LONGEST_LEAD:
            raise ValidationError("Lead times run from 1 minute to 60 days before the deadline.")
        minutes.append(lead)
    if len(set(minutes)) > MOST_LEADS:
        raise ValidationError(f"At most {MOST_LEADS} reminders per kind of deadline.")
    return sorted(set(minutes), reverse=True)


def format_leads(minutes: list[int]) -> str:
    parts = []
    for lead in minutes:
        unit = next(u for u in ("d", "h", "m") if lead % UNITS[u] == 0)
        parts.append(f"{lead // UNITS[unit]}{unit}")
    return ", ".join(parts) if parts else "none"


@transaction.atomic
def reminder_settings_update(
    *, actor: User, lead_minutes: dict[str, list[int]], email_reminders: bool, digest_hour
) -> ReminderSettings:
    """Save the person's choices and move their pending reminders to the new lead times."""
    own = settings_for(actor)
    before = (own.lead_minutes, own.email_reminders, own.digest_hour)
    own.lead_minutes = lead_minutes
    own.email_reminders = email_reminders
    own.digest_hour = digest_hour
    own.full_clean()
    own.save()
    for deadline in Deadline.objects.filter(
        status=DeadlineStatus.OPEN, reminders__recipient=actor
    ).distinct():
        reminders_plan(deadline)
    if before != (own.lead_minutes, own.email_reminders, own.digest_hour):
        audit.record(actor, "reminder_settings.changed", changes={
            "lead_minutes": lead_minutes, "email_reminders": email_reminders,
            "digest_hour": digest_hour,
        })  # fmt: skip
    return own


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_rotate(*, actor: User) -> str:
    """A new secret feed address; the old one stops answering at once. Only a hash is kept,
    so the address is shown once."""
    token = secrets.token_urlsafe(32)
    own = settings_for(actor)
    replaced = bool(own.calendar_token_hash)
    own.calendar_token_hash = _digest(token)
    own.calendar_token_created_at = timezone.now()
    own.save(update_fields=["calendar_token_hash", "calendar_token_created_at"])
    audit.record(actor, "calendar_feed.rotated" if replaced else "calendar_feed.created")
    return token


@transaction.atomic
def calendar_feed_disable(*, actor: User) -> None:
    own = settings_for(actor)
    if own.calendar_token_hash:
        own.calendar_token_hash = ""
        own.calendar_token_created_at = None
        own.save(update_fields=["calendar_token_hash", "calendar_token_created_at"])
        audit.record(actor, "calendar_feed.disabled")


def calendar_feed_owner(token: str) -> User | None:
    """The active person whose feed this secret opens, or None."""
    if not token or len(token) > 100:
        return None
    found = (
        ReminderSettings.objects.filter(calendar_token_hash=_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None
