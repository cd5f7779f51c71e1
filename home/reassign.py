"""A supervisor's Reassign page: everything one person (leaving, moved, on leave) is assigned on
the agency's records, with the open deadlines and pending reminders that follow them, handed to
one or several colleagues in one transaction; and the supervisors' home panel of work whose
assignee has left the agency."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, F, Q, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import Case, CaseStatus
from cases.services.cases import case_investigator_hand_over, case_update
from deadlines.records import guard_records
from deadlines.services import deadlines_of
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_assign
from taskforce import access, audit, folded
from taskforce.models import (
    AgencyKind,
    Deadline,
    DeadlineStatus,
    Membership,
    Reminder,
    ReminderStatus,
    Role,
    StaleVersion,
    User,
)
from victims.models import Victim
from victims.services import victim_assign

FINISHED_CASES = {CaseStatus.DECLINED, CaseStatus.CLOSED}
FINISHED_REFERRALS = {ReferralStatus.DECLINED, ReferralStatus.CLOSED}


KIND_LABELS = {
    "prosecutor": "Assigned prosecutor",
    "investigator": "Lead investigator",
    "advocate": "Advocate",
    "victim": "Advocate",
}


@dataclass
class Assignment:
    key: str  # "<kind>:<public id>:<version>", what the form posts back
    kind: str  # prosecutor, investigator, advocate
    record: Case | Referral | Victim
    deadlines: list[Deadline] = field(default_factory=list)  # open, the person answers for them
    reminders: int = 0  # pending reminders to the person on this record's deadlines
    takers: list[User] = field(default_factory=list)  # whom its row offers, when not colleagues

    @property
    def label(self) -> str:
        """The record as its own agency's supervisor knows it (a case by its number)."""
        return str(self.record)

    @property
    def row(self) -> str:
        """The form's name for this row, without the version."""
        return self.key.rpartition(":")[0]

    @property
    def role(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def url(self) -> str:
        return access.detail_url(type(self.record), self.record.public_id)


def _people(agency_id: int):
    """Whoever is or was a member of the agency, and the lead investigators (of police
    agencies) of its open cases."""
    investigators = (
        Case.objects.filter(owner_agency_id=agency_id, lead_investigator__isnull=False)
        .exclude(status__in=FINISHED_CASES)
        .values("lead_investigator")
    )
    return (
        User.objects.filter(Q(memberships__agency_id=agency_id) | Q(pk__in=investigators))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _investigators():
    """Whom a case's owning agency may make its lead investigator: active police investigators."""
    return (
        User.objects.filter(
            memberships__agency__kind=AgencyKind.LAW_ENFORCEMENT,
            memberships__role=Role.POLICE_LIAISON,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
        .annotate(agency_name=F("memberships__agency__name"))
        .order_by("last_name", "first_name", "username")
    )


def _colleagues(agency_id: int):
    return _people(agency_id).filter(
        memberships__agency_id=agency_id, memberships__ended_at__isnull=True, is_active=True
    )


def _assignments(actor: User, agency_id: int, person: User) -> list[Assignment]:
    found = []
    # A police supervisor's investigator leads cases other agencies own: those the supervisor
    # may see (`access.investigated_for`), and only the lead investigator's role on them.
    investigated = (
        access.investigated_for(actor, Case)
        .filter(lead_investigator=person)
        .exclude(status__in=FINISHED_CASES)
        .order_by("number")
    )
    for case in investigated:
        key = f"investigator:{case.public_id}:{case.version}"
        found.append(Assignment(key, "investigator", case))
    cases = (
        Case.objects.filter(owner_agency_id=agency_id)
        .filter(Q(assigned_prosecutor=person) | Q(lead_investigator=person))
        .exclude(status__in=FINISHED_CASES)
        .order_by("number")
    )
    for case in cases:
        for kind, field_name in (
            ("prosecutor", "assigned_prosecutor"),
            ("investigator", "lead_investigator"),
        ):
            if getattr(case, f"{field_name}_id") == person.pk:
                found.append(Assignment(f"{kind}:{case.public_id}:{case.version}", kind, case))
    referrals = (
        Referral.objects.filter(owner_agency_id=agency_id, assigned_advocate=person)
        .exclude(status__in=FINISHED_REFERRALS)
        .order_by("created_at")
    )
    for referral in referrals:
        found.append(
            Assignment(f"advocate:{referral.public_id}:{referral.version}", "advocate", referral)
        )
    victims = Victim.objects.filter(
        owner_agency_id=agency_id, assigned_advocate=person, sealed_at__isnull=True
    ).order_by("identified_on")
    for victim in victims:
        found.append(Assignment(f"victim:{victim.public_id}:{victim.version}", "victim", victim))
    return found


def _open_deadlines(agency_id: int, person: User, found: list[Assignment]) -> list[Deadline]:
    """The agency's open deadlines the person answers for or is to be reminded of, and those on
    the other agencies' records listed (a case their investigator leads), each with its pending
    reminders to the person and the record it belongs to (`guard_records`: a hearing's deadline
    is its case's, a consent's its victim record's)."""
    pending = Reminder.objects.filter(recipient=person, status=ReminderStatus.PENDING)
    theirs = Q(responsible_agency_id=agency_id)
    for assignment in found:
        if assignment.record.owner_agency_id != agency_id:
            theirs |= Q(pk__in=deadlines_of(assignment.record).values("pk"))
    deadlines = list(
        Deadline.objects.filter(theirs, status=DeadlineStatus.OPEN)
        .filter(Q(responsible_user=person) | Q(pk__in=pending.values("deadline_id")))
        .order_by("due_at")[:500]
    )
    counts = Counter(
        pending.filter(deadline__in=[d.pk for d in deadlines]).values_list("deadline_id", flat=True)
    )
    guards = guard_records(deadlines)
    for deadline in deadlines:
        deadline.pending_reminders = counts[deadline.pk]
        guard = guards.get(deadline.pk)
        deadline.record_key = (type(guard), guard.pk) if guard is not None else None
    return deadlines


def _attach_deadlines(
    found: list[Assignment], deadlines: list[Deadline], person: User
) -> list[Deadline]:
    """Give each record its open deadlines the person answers for and their pending reminders
    (what moves with the record when it changes hands); return the rest, on records not listed
    (a finished case's last deadline, say), so nothing they were reminded of goes unseen."""
    by_record = {(type(a.record), a.record.pk): a for a in found}
    rest = []
    for deadline in deadlines:
        assignment = by_record.get(deadline.record_key)
        if assignment is None:
            if deadline.responsible_user_id == person.pk:
                rest.append(deadline)
            continue
        if deadline.responsible_user_id == person.pk:
            assignment.deadlines.append(deadline)
        assignment.reminders += deadline.pending_reminders
    return rest


def _may_take(colleague: User, assignment: Assignment, agency_id: int) -> bool:
    if assignment.kind == "investigator":
        # The owning agency picks any police investigator; a police supervisor, one of theirs.
        owned = assignment.record.owner_agency_id == agency_id
        return access.may_lead_investigation(colleague, None if owned else agency_id)
    return access.may_be_assigned(colleague, type(assignment.record), agency_id)


def _refusal(colleague: User, assignment: Assignment, agency_id: int) -> str:
    if assignment.kind != "investigator":
        return f"{colleague.display_name()} may not be given {assignment.label}."
    if assignment.record.owner_agency_id == agency_id:
        why = "a lead investigator works for a police agency"
    else:
        why = "choose an investigator of your agency"
    return f"{colleague.display_name()} may not lead {assignment.label}: {why}."


@transaction.atomic
def reassign(
    *,
    actor: User,
    agency_id: int,
    person: User,
    chosen: list[tuple[Assignment, User]],
    posted: dict,
) -> None:
    """Hand each chosen assignment to its colleague through its own service (which audits it and
    moves grants, deadlines and reminders), at the version the supervisor saw; any one stale or
    refused, nothing is saved."""
    given: dict[User, list[str]] = defaultdict(list)
    for assignment, to in chosen:
        record, version = assignment.record, posted[assignment.key]
        if not _may_take(to, assignment, agency_id):
            raise ValidationError(_refusal(to, assignment, agency_id))
        if assignment.kind == "advocate":
            referral_assign(actor=actor, referral=record, advocate=to, expected_version=version)
        elif assignment.kind == "victim":
            victim_assign(actor=actor, victim=record, advocate=to, expected_version=version)
        elif assignment.kind == "investigator" and record.owner_agency_id != agency_id:
            case_investigator_hand_over(actor=actor, case=record, investigator=to,
                                        expected_version=version)  # fmt: skip
        else:
            field_name = (
                "assigned_prosecutor" if assignment.kind == "prosecutor" else "lead_investigator"
            )
            case_update(actor=actor, case=record, expected_version=version,
                        data={field_name: to})  # fmt: skip
        given[to].append(f"{assignment.kind}:{record.public_id}")
    for to, records in given.items():
        audit.record(actor, "assignments.reassigned", person,
                     changes={"from": person.get_username(), "to": to.get_username(),
                              "records": records})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def reassign_page(request: HttpRequest) -> HttpResponse:
    agency_id = access.supervised_agency(request.user)
    people = _people(agency_id)
    person = None
    if request.GET.get("person"):
        # Someone who never was theirs is answered as if missing.
        person = people.filter(username=request.GET["person"]).first()
        if person is None:
            raise access.NotFound
    assignments = _assignments(request.user, agency_id, person) if person else []
    other_deadlines = (
        _attach_deadlines(assignments, _open_deadlines(agency_id, person, assignments), person)
        if person
        else []
    )
    colleagues = list(_colleagues(agency_id).exclude(pk=person.pk)) if person else []
    investigators = []
    if any(a.kind == "investigator" and a.record.owner_agency_id == agency_id for a in assignments):
        investigators = list(_investigators().exclude(pk=person.pk))
    for assignment in assignments:
        if assignment.kind == "investigator":
            owned = assignment.record.owner_agency_id == agency_id
            assignment.takers = investigators if owned else [
                c for c in colleagues if _may_take(c, assignment, agency_id)
            ]  # fmt: skip
    if request.method == "POST" and person is not None:
        # The posted keys carry the version each record had when the page was shown.
        posted = {}
        for key in request.POST.getlist("assignment"):
            kind, _, rest = key.partition(":")
            public_id, _, version = rest.partition(":")
            posted[key] = (kind, public_id, version)
        current = {a.row: a for a in assignments}
        by_name = {c.username: c for c in colleagues}
        default = by_name.get(request.POST.get("to", ""))
        # A row's own choice may also be an investigator it offers; `_may_take` decides.
        by_name.update({t.username: t for a in assignments for t in a.takers})
        chosen, versions, error = [], {}, ""
        for kind, public_id, version in posted.values():
            assignment = current.get(f"{kind}:{public_id}")
            if assignment is None or not version.isdigit():
                error = "Something on this list changed hands since you opened it; look again."
                break
            to = by_name.get(request.POST.get(f"to-{assignment.row}", "")) or default
            if to is None:
                error = f"Choose who takes {assignment.label}, or one colleague for all."
                break
            chosen.append((assignment, to))
            versions[assignment.key] = int(version)
        if not error and not chosen:
            error = "Choose at least one record."
        if not error:
            try:
                reassign(actor=request.user, agency_id=agency_id, person=person,
                         chosen=chosen, posted=versions)  # fmt: skip
            except StaleVersion:
                error = (
                    "Someone saved one of these records since you opened the page; nothing was "
                    "reassigned. Look again and repeat."
                )
            except ValidationError as refused:
                error = " ".join(refused.messages) + " Nothing was reassigned."
        if error:
            messages.error(request, error)
        else:
            names = sorted({to.display_name() for _, to in chosen})
            messages.success(
                request, f"{len(chosen)} reassigned from {person.display_name()} to "
                f"{' and '.join(names)}."
            )  # fmt: skip
        return redirect(f"{reverse('reassign')}?person={person.username}")
    return render(
        request,
        "taskforce/reassign.html",
        {"page_title": "Reassign", "people": people, "person": person,
         "assignments": assignments, "colleagues": colleagues,
         "other_deadlines": other_deadlines},
    )  # fmt: skip


def _summary(counts: dict[str, int]) -> str:
    """ "2 cases, 1 victim record": what someone left behind, in words."""
    words = {"cases": ("case", "cases"), "referrals": ("referral", "referrals"),
             "victims": ("victim record", "victim records")}  # fmt: skip
    return ", ".join(
        f"{counts[key]} {one if counts[key] == 1 else many}"
        for key, (one, many) in words.items()
        if counts.get(key)
    )


def _assignments_left(agency_id: int, actor: User | None) -> list:
    """`left_behind`'s five parts: (what is counted, the person holding it) of each open
    assignment whose holder is no longer there."""
    here = Membership.objects.filter(
        agency_id=agency_id, ended_at__isnull=True, user__is_active=True
    ).values("user_id")
    # A lead investigator works for a police agency: still there while a member of one.
    police = Membership.objects.filter(
        agency__kind=AgencyKind.LAW_ENFORCEMENT, ended_at__isnull=True, user__is_active=True
    ).values("user_id")
    cases = Case.objects.filter(owner_agency_id=agency_id).exclude(status__in=FINISHED_CASES)
    led = access.investigated_for(actor, Case).exclude(status__in=FINISHED_CASES)
    referrals = Referral.objects.filter(
        owner_agency_id=agency_id, assigned_advocate__isnull=False
    ).exclude(status__in=FINISHED_REFERRALS)
    victims = Victim.objects.filter(
        owner_agency_id=agency_id, assigned_advocate__isnull=False, sealed_at__isnull=True
    )
    # (what is counted, the records, the field naming the person, who counts as still there)
    assignments = [
        ("cases", cases.filter(assigned_prosecutor__isnull=False), "assigned_prosecutor", here),
        ("cases", cases.filter(lead_investigator__isnull=False), "lead_investigator", police),
        ("cases", led, "lead_investigator", here),
        ("referrals", referrals, "assigned_advocate", here),
        ("victims", victims, "assigned_advocate", here),
    ]
    parts = [
        records.exclude(**{f"{name}__in": still_there})
        .order_by()
        .annotate(counted=Value(kind, output_field=CharField()))
        .values_list("counted", name)
        for kind, records, name, still_there in assignments
    ]
    return parts


def left_behind(agency_id: int, actor: User | None = None) -> list[dict]:
    """For the supervisors' home: people who hold open assignments on the agency's records but
    are no longer an active member of it (membership ended or moved, account disabled). Their
    work is unassigned in effect until someone is given it. For a police agency's supervisor
    (`actor`), also the cases of other agencies they may see whose lead investigator answered
    to their agency and is no longer in it (their Reassign page's rows)."""
    if connection.vendor == "postgresql":
        # One query for the five (a supervisor's home asked five times, issue #22), its SQL
        # compiled once per process: for a police supervisor, whose part from other agencies is
        # the policy's, once per person.
        police = access.police_supervisor_agency(actor) is not None
        kept = folded.kept_sql(
            lambda agency_id: (parts := _assignments_left(agency_id, actor))[0].union(
                *parts[1:], all=True
            ),
            key=("left_behind", access.policy_key(actor) if police else None),
            agency_id=agency_id,
        )
        rows = []
        if kept is not None:
            with connection.cursor() as cursor:
                # Django's own compiled SQL, its values passed apart as parameters.
                cursor.execute(*kept)
                rows = cursor.fetchall()
    else:  # SQLite (the embedded demo) asks one by one, as pagination.count_parts does
        rows = [row for part in _assignments_left(agency_id, actor) for row in part]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, user_id in rows:
        counts[user_id][kind] += 1
    people = User.objects.in_bulk(counts.keys())
    return [
        {"person": people[user_id], "summary": _summary(c)}
        for user_id, c in sorted(counts.items(), key=lambda kv: people[kv[0]].get_username())
    ]
