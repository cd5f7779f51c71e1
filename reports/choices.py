"""The choices a report's form offers: the counties and agencies a viewer may narrow it to."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from referrals.models import Region
from taskforce import access
from taskforce.models import Agency, County, User


def report_counties(actor: User | None) -> QuerySet[County]:
    """The counties a person may break reports down by: the coordinator every one; a supervisor
    those of their agency's jurisdiction (its county, and the counties of regions it navigates),
    or every one for an agency without a county (a statewide bureau)."""
    if not access.may_view_reports(actor):
        return County.objects.none()
    agency = access.acting_membership(actor).agency
    if access.reports_task_force_wide(actor) or not agency.county:
        return County.objects.all()
    navigated = Region.objects.filter(navigator=agency).values("counties")
    return County.objects.filter(Q(name__iexact=agency.county) | Q(pk__in=navigated))


def report_agencies(actor: User | None) -> QuerySet[Agency]:
    """The agencies a report may be narrowed to: any for the coordinator, one's own otherwise."""
    if not access.may_view_reports(actor):
        return Agency.objects.none()
    if access.reports_task_force_wide(actor):
        return Agency.objects.filter(is_active=True)
    return Agency.objects.filter(pk=access.acting_membership(actor).agency_id)
