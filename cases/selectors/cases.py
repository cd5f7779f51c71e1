"""Every read of cases for views and exports, starting from the access policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from cases.models import (
    Arrest,
    Case,
    CaseDefendant,
    CaseDocument,
    CaseNote,
    CaseStatusChange,
    CaseVictim,
    Charge,
    ChargingDecision,
    CourtEvent,
    CourtEventStatus,
    HandOff,
    JuvenileDetention,
    Person,
    VictimNotice,
)
from cases.selectors.notes import readable_in_agency_q
from cases.selectors.people import people_named
from cases.selectors.victims import (
    case_victims_visible,
    count_victims_visible,
    victim_columns_of,
    visible_victims_q,
)
from deadlines.records import deadlines_seen_of, deadlines_through
from taskforce import access, folded
from taskforce.dates import start_of_day
from taskforce.models import County, Deadline, DeadlineStatus, User
from taskforce.web.columns import CountOf
from taskforce.web.pagination import Page, count_parts, keyset_page

ORDER = ("-updated_at", "-id")
# The sorts a list offers, each a (field, id) order the keyset pages can follow.
SORTS = {
    "": ("-updated_at", "-id"),
    "number": ("number", "id"),
    "opened": ("-created_at", "-id"),
}


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    county: County | None = None
    # "" = everything I may see; "mine" = assigned to me; "agency" = my agency's; "shared" = others'
    scope: str = ""
    sort: str = ""


def _text_search(queryset: QuerySet, text: str) -> QuerySet:
    """Number, title and defendants' names; PostgreSQL full-text on the title where available."""
    defendants = CaseDefendant.objects.filter(person__in=people_named(text)).values("case_id")
    matches = Q(number__icontains=text) | Q(pk__in=defendants)
    if connection.vendor == "postgresql":
        # The title's words are kept on the row (cases 0040's trigger), not worked out per row.
        matches |= Q(title_vector=SearchQuery(text, config="english", search_type="websearch"))
        matches |= Q(title__icontains=text)
    else:
        matches |= Q(title__icontains=text)
    return queryset.filter(matches)


def _filtered(queryset: QuerySet, actor: User, filters: CaseFilters) -> QuerySet:
    if filters.q:
        queryset = _text_search(queryset, filters.q)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.county is not None:
        queryset = queryset.filter(county=filters.county)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    agency_id = actor.membership.agency_id if actor.membership else None
    if filters.scope == "mine":
        co_counsel = Case.other_prosecutors.through.objects.filter(user=actor).values("case_id")
        # One IN over both id sets: with an OR, PostgreSQL walked every case of the agency by
        # date testing each (5,000 on the bench, 30-70 ms for a supervisor assigned none);
        # with the ids first it reads a few rows by key (2 ms; issue #22).
        assigned = Case.objects.filter(assigned_prosecutor=actor).values("pk")
        queryset = queryset.filter(pk__in=assigned.union(co_counsel, all=True))
    elif filters.scope == "agency":
        queryset = queryset.filter(owner_agency_id=agency_id)
    elif filters.scope == "shared":
        queryset = queryset.exclude(owner_agency_id=agency_id)
    return queryset


def _parts(actor: User, filters: CaseFilters) -> list[QuerySet]:
    """The policy's parts (`access.visible_parts`) the scope can reach, each filtered.

    "Shared" asks for other agencies' cases, which the owned part (the first) never holds;
    "agency" for the agency's own, which the parts from elsewhere never hold. Leaving the other
    parts out spares PostgreSQL walking them (all the agency's ~5,000 cases on the bench
    database, to keep none of them: issue #22).
    """
    owned, *elsewhere = access.visible_parts(actor, Case)
    if filters.scope == "shared":
        parts = elsewhere or [Case.objects.none()]  # only owned cases, or none at all
    elif filters.scope == "agency":
        parts = [owned]
    else:
        parts = [owned, *elsewhere]
    return [_filtered(part, actor, filters) for part in parts]


def list_defendants(cases: list[Case]) -> None:
    """Each case's defendants for `Case.defendants_shown`, the page's in one query kept
    compiled: the prefetch of `defendants` (compiled for each page, a related manager made for
    each row) was a third of the caseload's Python (issue #22)."""
    if not cases:
        return
    links = folded.kept_rows(
        lambda case_ids: (
            CaseDefendant.objects.filter(folded.ids_in("case_id", case_ids))
            .select_related("person")
            .order_by("pk")
        ),
        key=("listed defendants",),
        case_ids=[case.pk for case in cases],
    )
    people: dict[int, list[Person]] = {case.pk: [] for case in cases}
    for link in links:
        people[link.case_id].append(link.person)
    for case in cases:
        case.list_defendants(people[case.pk])


def list_prosecutors(cases: list[Case]) -> None:
    """Each case's assigned prosecutor (their names), the page's in one query kept compiled."""
    wanted = sorted({case.assigned_prosecutor_id for case in cases} - {None})
    people = {
        person.pk: person
        for person in folded.kept_rows(
            lambda ids: User.objects.filter(folded.ids_in("pk", ids)).only(
                "id", "username", "first_name", "last_name"
            ),
            key=("listed prosecutors",),
            ids=wanted,
        )
    } if wanted else {}  # fmt: skip
    field = Case._meta.get_field("assigned_prosecutor")
    for case in cases:
        field.set_cached_value(case, people.get(case.assigned_prosecutor_id))


def case_list(
    *,
    actor: User,
    filters: CaseFilters,
    after: Case | None = None,
    size: int = 50,
    with_total: bool = True,
    with_columns: bool = True,
) -> Page[Case]:
    """One page of the cases the actor may see, newest change first, continuing after `after`;
    without the caseload's columns (`with_columns=False`) for a panel that shows a case's number,
    caption and status only."""
    # A list without values to filter by (a scope and a sort only: the home's "my cases", the
    # caseload's first page) is the same SQL at each use: kept compiled (`keyset_page`).
    plain = not (filters.q or filters.status or filters.kind or filters.county)
    page = keyset_page(
        lambda: _parts(actor, filters),
        model=Case,
        kept=("case_list", access.policy_key(actor), filters.scope, filters.sort)
        if plain
        else None,
        order=SORTS.get(filters.sort, ORDER),
        after=after,
        size=size,
        # The assigned prosecutors are read apart (`list_people`): joined, PostgreSQL's kept
        # plan hashed every account for the page's 50 rows (1.3 ms at 5,000 accounts).
        select_related=("owner_agency", "county") if with_columns else (),
        annotate=page_columns(actor) if with_columns else None,
        with_total=with_total,
    )
    list_defendants(page.rows)
    if with_columns:
        list_prosecutors(page.rows)
    if with_columns:
        count_victims_visible(actor, page.rows)  # for the page's rows only: see its docstring
    return page


def page_columns(actor: User) -> dict:
    """The caseload page's columns (`caseload_columns` without victims, `page_victim_columns`),
    compiled once per process for everyone (`folded.kept_annotations`): building and compiling
    their seven subqueries was the costliest part of the page's queries in Python (#22)."""
    membership = access.acting_membership(actor)
    sees_people = membership is not None and membership.role in access.rules_for(Person).view

    def build(now, agency_id) -> dict:
        return caseload_columns(actor, victims=False, now=now) | victim_columns_of(agency_id)

    return folded.kept_annotations(
        Case, build, key=("caseload_page", sees_people),
        now=timezone.now(), agency_id=membership.agency_id if sees_people else None,
    )  # fmt: skip


def caseload_columns(actor: User, *, victims: bool = True, now=None) -> dict:
    """What a caseload row shows beside the case: next hearing, counts of victims and counts.

    The victims counted are those the actor may see (cases.selectors.victims): a case shared
    with the actor's agency does not tell how many victims its owner recorded. A page leaves
    them out (`victims=False`) and counts them with `page_victim_columns` and
    `count_victims_visible`, which build the policy's query on people only when the page has
    victims another agency recorded.
    """
    upcoming = CourtEvent.objects.filter(
        case=OuterRef("pk"), status=CourtEventStatus.SCHEDULED,
        starts_at__gte=timezone.now() if now is None else now,
    ).order_by("starts_at")  # fmt: skip
    due = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id=OuterRef("pk"),
        status=DeadlineStatus.OPEN,
    ).order_by("due_at")
    columns = {
        "next_deadline": Subquery(due.values("due_at")[:1]),
        "next_deadline_title": Subquery(due.values("title")[:1]),
        "next_hearing": Subquery(upcoming.values("starts_at")[:1]),
        "next_hearing_kind": Subquery(upcoming.values("kind")[:1]),
        "active_counts": CountOf(Charge.objects.filter(case=OuterRef("pk"), status="active")),
    }
    if victims:
        columns["victim_count"] = CountOf(
            CaseVictim.objects.filter(visible_victims_q(actor, prefix=""), case=OuterRef("pk"))
        )
    return columns


def case_count(*, actor: User, filters: CaseFilters) -> int:
    return count_parts(_parts(actor, filters))


def case_export_rows(*, actor: User, filters: CaseFilters) -> QuerySet[Case]:
    """Every row of the caseload's filter, for a CSV: one query over the part the scope reaches
    when it reaches one alone (`_parts`), else over everything the actor may see."""
    parts = _parts(actor, filters)
    rows = parts[0] if len(parts) == 1 else _filtered(access.visible(actor, Case), actor, filters)
    return (
        rows.select_related("owner_agency", "assigned_prosecutor", "county")
        .prefetch_related("defendants")
        .annotate(**caseload_columns(actor))
        .order_by(*SORTS.get(filters.sort, ORDER))
    )


def case_get(*, actor: User, public_id, action: access.Action = access.Action.VIEW) -> Case:
    return access.get_for(actor, Case, public_id, action)


def page_sections(agency_id: int | None) -> tuple[Prefetch, ...]:
    """The lists a case's page shows beside the case to a person of the agency (the case page,
    its timeline and its notices read each once: they asked for the charges four times, the
    hearings three). The agency's id is only a value of the notes' and documents' filter
    (`readable_in_agency_q`), so the SQL is compiled once for every agency (`fold_built`)."""
    return (
        Prefetch("defendants", queryset=Person.objects.all()),
        Prefetch("charges", queryset=Charge.objects.select_related(
            "statute", "defendant", "amended_to__statute", "amended_from", "sentence__recorded_by",
            "created_by",
        )),
        Prefetch("court_events", queryset=CourtEvent.objects.select_related(
            "continued_to", "created_by"
        )),
        Prefetch("decisions", queryset=ChargingDecision.objects.select_related(
            "decided_by", "referred_to"
        )),
        Prefetch("victim_notices", queryset=VictimNotice.objects.select_related(
            "victim__person", "given_by"
        )),
        # Every victim with their person: the page shows those `case_victims_shown` keeps.
        Prefetch("case_victims", queryset=CaseVictim.objects.select_related("person").order_by(
            "added_at", "pk"
        )),
        Prefetch("handoffs", queryset=HandOff.objects.select_related(
            "owner_agency", "created_by", "arrest__arrestee"
        )),
        Prefetch("status_changes", queryset=CaseStatusChange.objects.select_related("by")),
        Prefetch("other_prosecutors", queryset=User.objects.all()),
        Prefetch("detentions", queryset=JuvenileDetention.objects.filter(
            released_at__isnull=True
        ), to_attr="open_detentions"),
        Prefetch("notes", queryset=CaseNote.objects.filter(
            readable_in_agency_q(agency_id)
        ).select_related("author")),
        Prefetch("documents", queryset=CaseDocument.objects.filter(
            readable_in_agency_q(agency_id)
        ).select_related("uploaded_by")),
    )  # fmt: skip


def case_for_page(*, actor: User, public_id) -> Case:
    """A case for its page, with every list of `page_sections`: on PostgreSQL all of them in the
    case's own query (`taskforce.folded`), elsewhere one query each."""
    membership = access.acting_membership(actor)
    agency_id = membership.agency_id if membership else None
    related = ("owner_agency", "county", "assigned_prosecutor", "lead_investigator",
               "speedy_demand")  # fmt: skip
    if connection.vendor != "postgresql":
        case = access.get_for(actor, Case, public_id, related=related)
    else:
        try:
            public_id = public_id if isinstance(public_id, UUID) else UUID(str(public_id))
        except ValueError:
            raise access.NotFound from None

        def build(public_id, agency_id):
            return folded.fold_built(
                Case.objects.filter(public_id=public_id).select_related(*related),
                page_sections, key=("case_page",), agency_id=agency_id,
            )  # fmt: skip

        # `access.get_for`'s read and decision, the query kept compiled: building and compiling
        # it (a case, five relations and its lists' SQL) was a tenth of the page (issue #22).
        found = folded.kept_rows(
            build, key=("case page",), public_id=public_id, agency_id=agency_id
        )
        if not found:
            raise access.NotFound
        case = access.require(actor, access.Action.VIEW, found[0])
    folded.unfold(case, *page_sections(agency_id))
    return case


def case_shares(actor: User, case: Case) -> list:
    """The case's shares in force, with whom and by whom, for its agency's members (none for
    anyone else): `access.shares_of`, its SQL kept compiled (issue #22)."""
    if not access.may_see_shares_of(actor, case):
        return []
    return folded.kept_rows(
        lambda type_id, case_id, now: access.live_shares(type_id, case_id, now).select_related(
            "created_by"
        ),
        key=("case shares",),
        type_id=ContentType.objects.get_for_model(Case).pk,
        case_id=case.pk,
        now=timezone.now(),
    )


def case_arrests(actor: User, case: Case) -> list[Arrest]:
    """The arrests handed off into the case that the actor may see, with what their rows show:
    the policy's SQL for the actor, kept compiled (keyed by `access.policy_key`), each of the
    case's arrests tested as it is read (`access.visible_rows_condition`: the set of every
    arrest the state's largest prosecution agency may see took 60 to 100 ms to build)."""
    return folded.kept_rows(
        lambda case_id: (
            Arrest.objects.filter(access.visible_rows_condition(actor, Arrest))
            .filter(handoffs__case_id=case_id)
            .select_related("arrestee", "operation", "county", "arresting_agency")
        ),
        key=("case arrests", *access.policy_key(actor)),
        case_id=case.pk,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    what: str
    who: str = ""
    detail: str = ""


# What apps built on cases add to a case's timeline (referrals made from it): each registers a
# function (actor, case) → entries in its AppConfig.ready(), showing only what the actor may see.
TIMELINE_SOURCES: list[Callable[[User, Case], Iterable[TimelineEntry]]] = []


def _rows(case: Case, name: str, related: tuple[str, ...]):
    """A list of the case as `case_for_page` read it, or read now with its relations."""
    if name in getattr(case, "_prefetched_objects_cache", {}):
        return getattr(case, name).all()
    return getattr(case, name).select_related(*related)


def case_timeline(
    *, actor: User, case: Case, victims: list[CaseVictim] | None = None, shares=None
) -> list[TimelineEntry]:
    """Everything that happened to a case, oldest first: hand-offs, status, decisions, counts,
    and (for its own agency) shares. The caller has checked the actor may view the case;
    `victims` and `shares`, when given, are what it has from `case_victims_visible` and
    `access.shares_of` (with `created_by`)."""
    entries = [
        TimelineEntry(h.created_at, f"Handed off by {h.owner_agency.name}",
                      h.created_by.display_name(), str(h.arrest))
        for h in _rows(case, "handoffs", ("owner_agency", "created_by", "arrest__arrestee"))
    ]  # fmt: skip
    for change in _rows(case, "status_changes", ("by",)):
        what = (
            f"Opened in {change.get_to_status_display().lower()}"
            if not change.from_status
            else f"{change.get_from_status_display()} → {change.get_to_status_display()}"
        )
        entries.append(TimelineEntry(change.at, what, change.by.display_name(), change.reason))
    for decision in case.decisions.all():
        detail = decision.reason
        if decision.referred_to:
            detail = f"To {decision.referred_to.name}. {detail}"
        entries.append(
            TimelineEntry(decision.decided_at, f"Decision: {decision.get_decision_display()}",
                          decision.decided_by.display_name(), detail)
        )  # fmt: skip
    for charge in case.charges.all():
        replaces = getattr(charge, "amended_from", None)
        what = (f"Count {charge.count_number} amended to {charge.statute.citation}" if replaces
                else f"Count {charge.count_number} filed: {charge.statute.citation}")  # fmt: skip
        entries.append(TimelineEntry(charge.created_at, what, charge.created_by.display_name(),
                                     f"Against {charge.defendant}"))  # fmt: skip
        if charge.disposed_on:
            entries.append(TimelineEntry(
                charge.disposition_recorded_at or start_of_day(charge.disposed_on),
                f"Count {charge.count_number}: {charge.get_disposition_display()}",
                detail=f"On {charge.disposed_on:%b %-d, %Y}",
            ))  # fmt: skip
        sentence = getattr(charge, "sentence", None)
        if sentence is not None:
            entries.append(TimelineEntry(
                sentence.recorded_at, f"Count {charge.count_number} sentenced",
                sentence.recorded_by.display_name(),
                f"{sentence.custody_days} days, {sentence.probation_months} months' probation, "
                f"assessment ${sentence.assessment}",
            ))  # fmt: skip
    for event in case.court_events.all():
        entries.append(
            TimelineEntry(event.created_at, f"{event.get_kind_display()} scheduled for "
                          f"{timezone.localtime(event.starts_at):%b %-d, %Y %H:%M}",
                          event.created_by.display_name())
        )  # fmt: skip
        if event.status in {"held", "cancelled"}:
            entries.append(TimelineEntry(
                max(event.starts_at, event.created_at),
                f"{event.get_kind_display()} {event.get_status_display().lower()}",
                detail=event.outcome,
            ))  # fmt: skip
    for source in TIMELINE_SOURCES:
        entries.extend(source(actor, case))
    # Only the victims whose record the actor may see, and the notices given to them.
    if victims is None:
        victims = list(case_victims_visible(actor, case))
    for victim in victims:
        entries.append(
            TimelineEntry(victim.added_at, f"Victim recorded ({victim.get_role_display()})")
        )
    # By id: the visibility subquery nested once more overflows SQLite's parser (the demo).
    shown = {victim.pk for victim in victims}
    for notice in (n for n in case.victim_notices.all() if n.victim_id in shown):
        entries.append(
            TimelineEntry(notice.created_at, f"Victim notice: {notice.get_kind_display()}",
                          notice.given_by.display_name(), notice.get_method_display())
        )  # fmt: skip
    if case.owner_agency_id == actor.membership.agency_id:
        if shares is None:
            shares = access.shares_of(actor, case).select_related("created_by")
        for share in shares:
            entries.append(
                TimelineEntry(share.created_at, f"Shared with {share.to_agency.name}",
                              share.created_by.display_name(), share.reason)
            )  # fmt: skip
    return sorted(entries, key=lambda entry: entry.at)


def case_deadlines(actor: User, case) -> list[Deadline]:
    """A case's deadlines and its hearings', open first, for the case page: those of
    `deadlines_of_record` with every hearing of the case, read by SQL kept compiled."""
    if not deadlines_seen_of(actor, case):
        return []
    through = deadlines_through(Case, CourtEvent)
    found = folded.kept_rows(
        lambda **ids: through(**ids).select_related("responsible_user", "closed_by"),
        key=("case deadlines",),
        record_id=case.pk,
        type_id=ContentType.objects.get_for_model(Case).pk,
        through_type_id=ContentType.objects.get_for_model(CourtEvent).pk,
    )
    found.sort(key=lambda d: (d.status != DeadlineStatus.OPEN, d.due_at))
    return found
