"""Writes to agencies and memberships: every change keeps the user's agency Group in step."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from taskforce import access
from taskforce.models import Agency, Membership, User


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
    if membership.ended_at is None:
        membership.ended_at = at or timezone.now()
        membership.save(update_fields=["ended_at"])
        access.revoke_user_grants(membership.user)
    return membership
