"""Writes of the core: agencies and memberships (every change keeps the user's agency Group in
step), and a person's own notifications marked read."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from taskforce import access
from taskforce.models import Agency, Membership, Notification, User


def agency_group_sync(user: User) -> None:
    """Make the user's agency Groups exactly the group of their current membership's agency."""
    current = Group.objects.filter(
        agency__memberships__user=user, agency__memberships__ended_at__isnull=True
    )
    stale = user.groups.filter(agency__isnull=False).exclude(pk__in=current)
    user.groups.remove(*stale)
    user.groups.add(*current)
    user.__dict__.pop("membership", None)


@transaction.atomic
def membership_start(
    *, user: User, agency: Agency, role: str, title: str = "", at: datetime | None = None
) -> Membership:
    """Place a user in an agency with a role; a current membership elsewhere ends first (a move)."""
    at = at or timezone.now()
    for current in Membership.objects.select_for_update().filter(user=user, ended_at__isnull=True):
        if current.agency_id != agency.pk:
            # Grants to the person were for their old agency's work; they do not move with them.
            access.revoke_user_grants(user)
        current.ended_at = at
        current.save(update_fields=["ended_at"])
    membership = Membership(user=user, agency=agency, role=role, title=title, started_at=at)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, at: datetime | None = None) -> Membership:
    """End a membership: the user leaves the agency's Group at once."""
    at = at or timezone.now()
    if at < membership.started_at:
        raise ValidationError({"ended_at": "A membership cannot end before it started."})
    if membership.ended_at is None:
        membership.ended_at = at
        membership.save(update_fields=["ended_at"])
        access.revoke_user_grants(membership.user)
    return membership


# --- The bell: each person reads and marks only their own notifications ----------------------


def notification_get(*, actor: User, public_id) -> Notification:
    """One of the actor's own notifications; anyone else's, or none, is NotFound."""
    try:
        found = Notification.objects.filter(user=actor, public_id=public_id).first()
    except (ValidationError, ValueError):
        found = None
    if found is None:
        raise access.NotFound
    return found


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one read (once: the first reading time is kept)."""
    if notification.user_id != actor.pk:
        raise access.NotFound
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many were unread."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
