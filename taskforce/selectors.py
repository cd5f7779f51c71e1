"""Reads of agencies and memberships (not protected records: those go through the access policy)."""

from django.db.models import Exists, OuterRef, QuerySet

from taskforce.models import Agency, Membership, Role, User


def agency_team(agency: Agency) -> QuerySet[Membership]:
    """The agency's current, active members, for its supervisor."""
    return (
        Membership.objects.filter(agency=agency, ended_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def agency_supervisors(agency_id: int) -> list[User]:
    """The agency's current, active supervisors: whom its records' escalations, redirected
    reminders, lockouts and access requests are told to."""
    memberships = Membership.objects.filter(
        agency_id=agency_id, role=Role.SUPERVISOR, ended_at__isnull=True, user__is_active=True
    ).select_related("user")
    return [membership.user for membership in memberships]


def active_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).order_by("kind", "name")


def accounts_awaiting_approval() -> QuerySet[User]:
    """Accounts a first single sign-on made, inactive and in no agency, that no administrator has
    placed in one yet (what `User.is_awaiting_approval` says of one), oldest first."""
    return (
        User.objects.filter(oidc_subject__isnull=False, is_active=False)
        .exclude(oidc_subject="")
        .exclude(Exists(Membership.objects.filter(user=OuterRef("pk"))))
        .order_by("date_joined", "pk")
    )
