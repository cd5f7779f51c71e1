"""The victims and referrals report: victims identified and served, referrals and services."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.lookups import GreaterThanOrEqual

from cases.models.people import AgeGroup, Sex
from referrals.models import ClosureReason, Referral, ReferralStatus, Region, SourceKind
from reports.figures.common import (
    DaysBetween,
    Scope,
    counted_table,
    counts_by,
    cross_table,
    in_name_order,
    median_days,
    round_days,
)
from reports.tables import Cell, Figure
from taskforce import access
from taskforce.models import User
from victims.models import DELIVERED, Contact, DeliveredUntil, Service, ServiceKind, Victim

AGE_GROUPS = [(g.value, g.label) for g in AgeGroup]
GENDERS = [(s.value, s.label) for s in Sex]


def being_delivered(start: dt.date, end: dt.date) -> Q:
    """A service being delivered at some time from `start` to `end` (local days, inclusive):
    delivering or completed, started by the end and not ended before the start. Not ended or
    ended by then is one range of `DeliveredUntil`, which the index service_delivered holds
    with what the reports read: a year's served victims and services read from it alone, not
    from every service's row (issue #22)."""
    return Q(GreaterThanOrEqual(DeliveredUntil(), start), status__in=DELIVERED, started_on__lte=end)


def _being_delivered(scope: Scope) -> Q:
    return being_delivered(scope.start, scope.end)


def served_between(start: dt.date, end: dt.date) -> Exists:
    """A victim (the outer row) served from `start` to `end`: a service being delivered."""
    return Exists(Service.objects.filter(being_delivered(start, end), victim=OuterRef("pk")))


def served_victims(actor: User, scope: Scope) -> QuerySet:
    """Victims with a service being delivered at some time in the period."""
    served = served_between(scope.start, scope.end)
    return access.report_rows(actor, Victim).filter(scope.where()).filter(served)


def delivered_services(actor: User, scope: Scope) -> QuerySet:
    """The services being delivered in the period to victims the viewer may count."""
    return Service.objects.filter(
        access.report_q(actor, Victim, "victim"),
        scope.where(None, "victim__owner_agency"),
        _being_delivered(scope),
    )


def _status_shown(actor: User) -> F | Case:
    """A referral's status as the viewer may see it (referrals.selectors.status_shown, in SQL):
    in the task-force-wide view the real one (counted, never shown); otherwise the real one
    where the viewer sees its progress (`access.report_progress_q`: received by its agency, or
    sent with the victim's consent to it in force); else no further than "received"."""
    progress = access.report_progress_q(actor, Referral)
    if not progress:
        return F("status")
    return Case(
        When(progress, then=F("status")),
        When(status=ReferralStatus.SENT, then=Value(ReferralStatus.SENT)),
        default=Value(ReferralStatus.RECEIVED),
        output_field=CharField(),
    )


def _received(actor: User, referrals: QuerySet) -> QuerySet:
    """The referrals the viewer's agency received (all of them task-force-wide): their contact
    logs are the receiving agency's own."""
    membership = access.acting_membership(actor)
    if access.reports_task_force_wide(actor) or membership is None:
        return referrals
    return referrals.filter(owner_agency_id=membership.agency_id)


def _referral_counts(actor: User, referrals: QuerySet) -> tuple[dict, dict, dict, dict]:
    """The referrals by source, by region (in the order of region names), by status as the
    viewer may see it, and the closed ones by outcome: four tables from one GROUP BY over the
    four columns, each count a Tally whose key is the sum of its groups' (the same key as a
    GROUP BY of its own: reports/disclosure.py), instead of four scans of the period's
    referrals (issue #22)."""
    grouped = counts_by(
        referrals.annotate(shown_status=_status_shown(actor)),
        "source", "region__name", "shown_status", "closure_reason", keyed=True,
    )  # fmt: skip
    by_source: dict = {}
    by_region: dict = {}
    by_status: dict = {}
    by_outcome: dict = {}
    for (source, region, status, reason), n in grouped.items():
        by_source[source] = by_source.get(source, 0) + n
        by_region[region] = by_region.get(region, 0) + n
        by_status[status] = by_status.get(status, 0) + n
        if status == ReferralStatus.CLOSED:
            by_outcome[reason] = by_outcome.get(reason, 0) + n
    regions = {name: by_region[name] for name in in_name_order(Region, by_region)}
    return by_source, regions, by_status, by_outcome


def victims_section(actor: User, scope: Scope) -> dict:
    victims = access.report_rows(actor, Victim).filter(scope.where())
    identified = victims.filter(scope.dates("identified_on"))
    served = served_victims(actor, scope)
    referrals = access.report_rows(actor, Referral).filter(
        scope.datetimes("created_at"), scope.where(),
        scope.in_any_county(Referral, "region__counties"),
    )  # fmt: skip
    services = delivered_services(actor, scope)
    first_contact = Subquery(
        Contact.objects.filter(victim=OuterRef("victim_id"), at__gte=OuterRef("created_at"))
        .order_by("at")
        .values("at")[:1]
    )
    to_contact, contacted = median_days(
        _received(actor, referrals).filter(victim__isnull=False),
        DaysBetween(first_contact, F("created_at")),
    )
    # Each headline is the sum of its table's counts: no second query for it.
    by_identified = counts_by(identified, "age_group", "person__sex", keyed=True)
    by_served = counts_by(served, "age_group", "person__sex", keyed=True)
    by_source, by_region, by_status, by_outcome = _referral_counts(actor, referrals)
    by_service = counts_by(services, "kind", keyed=True)
    sensitive = {"sensitive": True}
    tables = [
        cross_table(by_identified, AGE_GROUPS, GENDERS, key="identified",
               title="Victims identified, by age group and gender", row_header="Age group",
               chart="stacked", **sensitive),
        cross_table(by_served, AGE_GROUPS, GENDERS, key="served",
               title="Victims served, by age group and gender", row_header="Age group",
               chart="stacked", **sensitive),
        counted_table(by_source, SourceKind.choices, "Referrals", key="referral-source",
                title="Safe Harbor referrals, by source", row_header="Source", chart="bars",
                **sensitive),
        counted_table(by_region, [], "Referrals", key="referral-region",
                title="Safe Harbor referrals, by region", row_header="Region", chart="bars",
                **sensitive),
        counted_table(by_status, ReferralStatus.choices, "Referrals",
                key="referral-status", title="Safe Harbor referrals, by status",
                row_header="Status", **sensitive),
        counted_table(by_outcome, ClosureReason.choices, "Referrals", key="referral-outcome",
                title="Closed referrals, by outcome", row_header="Outcome", **sensitive),
        counted_table(by_service, ServiceKind.choices, "Services", key="services",
                title="Services delivered, by type", row_header="Service", chart="bars",
                **sensitive),
    ]  # fmt: skip
    figures = [
        Figure("Victims identified", Cell(sum(by_identified.values())), sensitive=True),
        Figure("Victims served", Cell(sum(by_served.values())), sensitive=True),
        Figure("Safe Harbor referrals", Cell(sum(by_source.values())), sensitive=True),
        Figure("Services delivered", Cell(sum(by_service.values())), sensitive=True),
        Figure(
            "Median days, referral to first contact",
            Cell(round_days(to_contact)),
            sensitive=True,
            basis=contacted,
            basis_unit="referrals",
        ),
    ]
    return {"figures": figures, "tables": tables}
