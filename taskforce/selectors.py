"""Reads of agencies and memberships (not protected records: those go through the access policy)."""

from django.db.models import QuerySet

from taskforce.models import Agency, Membership


def agency_team(agency: Agency) -> QuerySet[Membership]:
    """The agency's current, active members, for its supervisor."""
    return (
        Membership.objects.filter(agency=agency, ended_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("kind", "name")
