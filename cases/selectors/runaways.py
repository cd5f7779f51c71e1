"""Reads of runaway reports: the review queue (reports whose youth turns up elsewhere) and why
each report matched, both only through records the reviewer may see.

The queue is decided in SQL: EXISTS on the same person in a visible arrest, case or referral, on
the youth's phone or handle among the identifiers of people arrested in visible stings (the
indexed `normalised` column), and on the youth's address among visible sting arrests' addresses
and meeting places (the indexed `address_key` and `meeting_place_key` columns). All three are
keyed hashes of normal forms: the values themselves are encrypted and never compared in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AdResponse,
    Arrest,
    Case,
    CaseDefendant,
    CaseVictim,
    IdentifierKind,
    Operation,
    PersonIdentifier,
    RunawayReport,
)
from taskforce import access
from taskforce.models import User
from taskforce.web.pagination import Page, keyset_page

ORDER = ("-reported_at", "-id")
MATCHED_KINDS = (IdentifierKind.PHONE, IdentifierKind.HANDLE)


@dataclass(frozen=True)
class Reason:
    """Why a report is in the queue: what was found, where, and the page of that record."""

    what: str
    where: str
    url: str


@dataclass(frozen=True)
class PersonSource:
    """Records of an app built on cases that name a person (a Safe Harbor referral), registered
    in that app's AppConfig.ready() so the review matches them without cases importing it."""

    records: Callable[[User], QuerySet]  # what the actor may see of them, each with person_id
    reason: Callable[[Any], Reason]  # why a record of them matched
    related: tuple[str, ...] = ()  # what `reason` reads


PERSON_SOURCES: list[PersonSource] = []


def _sting_arrests(actor: User) -> QuerySet[Arrest]:
    return access.visible(actor, Arrest).filter(operation__isnull=False)


def _people_seen_elsewhere(actor: User) -> QuerySet:
    """Ids of the people who turn up in what the actor may see: arrested, defendant or victim in
    a case, referred, or sharing a phone or handle with someone arrested in a sting or with an
    ad response recorded in an operation.

    One uncorrelated set (a UNION of id lists): PostgreSQL builds it once and probes it for each
    report, where a correlated EXISTS per report re-ran the policy's subqueries row after row
    (bench/bench_runaway.py). Someone arrested in a sting is their own match, through the arrest.
    """
    cases = access.visible(actor, Case).values("pk")
    stung_people = _sting_arrests(actor).values("arrestee_id")
    people = [
        access.visible(actor, Arrest).values_list("arrestee_id", flat=True),
        CaseDefendant.objects.filter(case_id__in=cases).values_list("person_id", flat=True),
        CaseVictim.objects.filter(case_id__in=cases).values_list("person_id", flat=True),
        *(source.records(actor).values_list("person_id", flat=True) for source in PERSON_SOURCES),
    ]
    operations = access.visible(actor, Operation).values("pk")
    for kind in MATCHED_KINDS:
        seen = PersonIdentifier.objects.filter(kind=kind, person_id__in=stung_people)
        people.append(
            PersonIdentifier.objects.filter(kind=kind, normalised__in=seen.values("normalised"))
            .values_list("person_id", flat=True)
        )  # fmt: skip
        answered = AdResponse.objects.filter(kind=kind, operation_id__in=operations)
        people.append(
            PersonIdentifier.objects.filter(kind=kind, normalised__in=answered.values("normalised"))
            .values_list("person_id", flat=True)
        )  # fmt: skip
    people = [part.order_by() for part in people]
    return people[0].union(*people[1:], all=True)


def _addresses_seen_in_stings(actor: User) -> QuerySet:
    """The address keys of visible sting arrests: where they happened and where they met."""
    arrests = _sting_arrests(actor).order_by()
    return (
        arrests.exclude(address_key="")
        .values_list("address_key", flat=True)
        .union(
            arrests.exclude(meeting_place_key="").values_list("meeting_place_key", flat=True),
            all=True,
        )
    )


def _matched(actor: User) -> Q:
    """The reports whose youth, or whose address, turns up in what the actor may see."""
    return Q(youth_id__in=_people_seen_elsewhere(actor)) | (
        ~Q(address_key="") & Q(address_key__in=_addresses_seen_in_stings(actor))
    )


def _queue_part(actor: User, part: QuerySet, outcome: str) -> QuerySet:
    if outcome:
        part = part.filter(review_outcome=outcome)
    return part.filter(_matched(actor))


def runaway_queue(
    *, actor: User, outcome: str = "", after: RunawayReport | None = None, size: int = 25
) -> Page[RunawayReport]:
    """Reports the actor may see whose youth turns up elsewhere, newest report first."""
    if not access.may_review_runaways(actor):
        raise access.Forbidden
    return keyset_page(
        [_queue_part(actor, part, outcome) for part in access.visible_parts(actor, RunawayReport)],
        order=ORDER,
        after=after,
        size=size,
        select_related=("youth", "owner_agency", "linked_case"),
    )


def runaway_queue_rows(*, actor: User, outcome: str = "") -> QuerySet[RunawayReport]:
    """The queue as one queryset (for the API's cursor pages): the same matches as the page."""
    if not access.may_review_runaways(actor):
        raise access.NotFound
    parts = [
        _queue_part(actor, part, outcome).values("pk")
        for part in access.visible_parts(actor, RunawayReport)
    ]
    return RunawayReport.objects.filter(pk__in=parts[0].union(*parts[1:], all=True))


def runaway_get(*, actor: User, public_id, action=access.Action.VIEW) -> RunawayReport:
    return access.get_for(actor, RunawayReport, public_id, action)


def case_to_link(*, actor: User, number: str) -> Case:
    """The one case with this number the actor may see, for linking a report to it."""
    found = list(access.visible(actor, Case).filter(number__iexact=number.strip())[:2])
    if not found:
        raise ValidationError({"case_number": f"No case you can open has the number {number}."})
    if len(found) > 1:
        raise ValidationError(
            {"case_number": f"Several agencies' cases have the number {number}; open the case "
                            "and ask its prosecutor to link it."}
        )  # fmt: skip
    return found[0]


def on_day(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}"


def match_reasons(*, actor: User, reports: list[RunawayReport]) -> dict[int, list[Reason]]:
    """Why each report matched, naming only records the actor may see: a few queries for a
    whole page of reports, whatever its size."""
    reasons: dict[int, list[Reason]] = {report.pk: [] for report in reports}
    by_youth: dict[int, list[RunawayReport]] = {}
    for report in reports:
        by_youth.setdefault(report.youth_id, []).append(report)

    def add(person_id: int, reason: Reason) -> None:
        for report in by_youth.get(person_id, []):
            reasons[report.pk].append(reason)

    youth_ids = list(by_youth)
    arrests = access.visible(actor, Arrest).filter(arrestee_id__in=youth_ids)
    for arrest in arrests.select_related("operation").order_by("arrested_at"):
        where = f" in {arrest.operation}" if arrest.operation else ""
        add(arrest.arrestee_id, Reason(
            "Same person", f"arrested {on_day(arrest.arrested_at)}{where}",
            reverse("cases:arrest_detail", args=[arrest.public_id]),
        ))  # fmt: skip
    cases = access.visible(actor, Case).values("pk")
    for model, role in ((CaseDefendant, "defendant"), (CaseVictim, "victim")):
        links = model.objects.filter(person_id__in=youth_ids, case_id__in=cases)
        for link in links.select_related("case"):
            add(link.person_id, Reason(
                "Same person", f"{role} in case {link.case.number}",
                reverse("cases:detail", args=[link.case.public_id]),
            ))  # fmt: skip
    for source in PERSON_SOURCES:
        for record in (
            source.records(actor).filter(person_id__in=youth_ids).select_related(*source.related)
        ):
            add(record.person_id, source.reason(record))
    _identifier_reasons(actor, youth_ids, add)
    _address_reasons(actor, reports, reasons)
    return reasons


def _identifier_reasons(actor: User, youth_ids: list[int], add) -> None:
    youth_identifiers = list(
        PersonIdentifier.objects.filter(person_id__in=youth_ids, kind__in=MATCHED_KINDS)
    )
    if not youth_identifiers:
        return
    keys = {(identifier.kind, identifier.normalised) for identifier in youth_identifiers}
    answered = AdResponse.objects.filter(
        operation__in=access.visible(actor, Operation),
        normalised__in={key for _, key in keys},
    ).select_related("operation")
    for response in answered.order_by("seen_on"):
        for identifier in youth_identifiers:
            if (identifier.kind, identifier.normalised) == (response.kind, response.normalised):
                add(identifier.person_id, Reason(
                    f"{identifier.get_kind_display()} {identifier.value}",
                    f"seen in {response.operation} on {response.seen_on:%Y-%m-%d}",
                    reverse("cases:operation_detail", args=[response.operation.public_id]),
                ))  # fmt: skip
    stung = (
        _sting_arrests(actor)
        .filter(arrestee__identifiers__normalised__in={key for _, key in keys})
        .select_related("operation")
        .values_list(
            "public_id", "arrestee_id", "operation__name", "arrestee__identifiers__kind",
            "arrestee__identifiers__normalised",
        )
    )  # fmt: skip
    for public_id, arrestee_id, operation, kind, key in stung:
        for identifier in youth_identifiers:
            same = (identifier.kind, identifier.normalised) == (kind, key)
            if same and identifier.person_id != arrestee_id:
                add(identifier.person_id, Reason(
                    f"{identifier.get_kind_display()} {identifier.value}",
                    f"also recorded for someone arrested in {operation}",
                    reverse("cases:arrest_detail", args=[public_id]),
                ))  # fmt: skip


def _address_reasons(actor: User, reports, reasons: dict[int, list[Reason]]) -> None:
    with_address = [report for report in reports if report.address_key]
    if not with_address:
        return
    keys = {report.pk: report.address_key for report in with_address}
    arrests = _sting_arrests(actor)
    for field, label in (("address_key", "arrest address"), ("meeting_place_key", "meeting place")):
        found = arrests.filter(**{f"{field}__in": set(keys.values())}).values_list(
            "public_id", "operation__name", field
        )
        for public_id, operation, key in found:
            for report in with_address:
                if keys[report.pk] == key:
                    reasons[report.pk].append(Reason(
                        f"Address {report.address}", f"the {label} of an arrest in {operation}",
                        reverse("cases:arrest_detail", args=[public_id]),
                    ))  # fmt: skip
