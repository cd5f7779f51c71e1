"""A supervisor's Reassign page: everything one person (leaving, moved, on leave) is assigned on
the agency's records, handed to one colleague in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.models import Case, CaseStatus
from cases.services.cases import case_update
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_assign
from taskforce import access, audit
from taskforce.models import Role, StaleVersion, User

FINISHED_CASES = {CaseStatus.DECLINED, CaseStatus.CLOSED}
FINISHED_REFERRALS = {ReferralStatus.DECLINED, ReferralStatus.CLOSED}


@dataclass
class Assignment:
    key: str  # "<kind>:<public id>:<version>", what the form posts back
    kind: str  # prosecutor, investigator, advocate
    record: Case | Referral

    @property
    def label(self) -> str:
        return audit.label_for(self.record)


def _agency_id(actor: User) -> int:
    membership = access.acting_membership(actor)
    if membership is None or membership.role != Role.SUPERVISOR:
        raise access.NotFound
    return membership.agency_id


def _people(agency_id: int):
    """Whoever is or was a member of the agency."""
    return (
        User.objects.filter(memberships__agency_id=agency_id)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _colleagues(agency_id: int):
    return _people(agency_id).filter(
        memberships__agency_id=agency_id, memberships__ended_at__isnull=True, is_active=True
    )


def _assignments(agency_id: int, person: User) -> list[Assignment]:
    found = []
    cases = (
        Case.objects.filter(owner_agency_id=agency_id)
        .filter(Q(assigned_prosecutor=person) | Q(lead_investigator=person))
        .exclude(status__in=FINISHED_CASES)
        .order_by("number")
    )
    for case in cases:
        for kind, field in (
            ("prosecutor", "assigned_prosecutor"),
            ("investigator", "lead_investigator"),
        ):
            if getattr(case, f"{field}_id") == person.pk:
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
    return found


def _may_take(colleague: User, assignment: Assignment, agency_id: int) -> bool:
    if assignment.kind == "investigator":
        membership = colleague.membership
        return membership is not None and membership.agency.kind == "law_enforcement"
    return access.may_be_assigned(colleague, type(assignment.record), agency_id)


@transaction.atomic
def reassign(
    *, actor: User, agency_id: int, person: User, to: User, chosen: list[Assignment], posted: dict
) -> None:
    """Hand each chosen assignment to `to` through its own service (which audits it and moves
    grants and reminders), at the version the supervisor saw; any one stale, nothing is saved."""
    for assignment in chosen:
        record, version = assignment.record, posted[assignment.key]
        if not _may_take(to, assignment, agency_id):
            raise ValidationError(f"{to.display_name()} may not be given {assignment.label}.")
        if assignment.kind == "advocate":
            referral_assign(actor=actor, referral=record, advocate=to, expected_version=version)
        else:
            field = (
                "assigned_prosecutor" if assignment.kind == "prosecutor" else "lead_investigator"
            )
            case_update(actor=actor, case=record, expected_version=version, data={field: to})
    audit.record(
        actor, "assignments.reassigned", person,
        changes={"from": person.get_username(), "to": to.get_username(),
                 "records": [f"{a.kind}:{a.record.public_id}" for a in chosen]},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def reassign_page(request: HttpRequest) -> HttpResponse:
    agency_id = _agency_id(request.user)
    people = _people(agency_id)
    person = people.filter(username=request.GET.get("person", "")).first()
    assignments = _assignments(agency_id, person) if person else []
    colleagues = _colleagues(agency_id).exclude(pk=person.pk) if person else User.objects.none()
    if request.method == "POST" and person is not None:
        # The posted keys carry the version each record had when the page was shown.
        posted = {}
        for key in request.POST.getlist("assignment"):
            kind, _, rest = key.partition(":")
            public_id, _, version = rest.partition(":")
            posted[key] = (kind, public_id, version)
        current = {f"{a.kind}:{a.record.public_id}": a for a in assignments}
        to = colleagues.filter(username=request.POST.get("to", "")).first()
        chosen, versions, error = [], {}, ""
        for kind, public_id, version in posted.values():
            assignment = current.get(f"{kind}:{public_id}")
            if assignment is None or not version.isdigit():
                error = "Something on this list changed hands since you opened it; look again."
                break
            chosen.append(assignment)
            versions[assignment.key] = int(version)
        if not error and to is None:
            error = "Choose the colleague to give them to."
        elif not error and not chosen:
            error = "Choose at least one record."
        if not error:
            try:
                reassign(actor=request.user, agency_id=agency_id, person=person, to=to,
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
            messages.success(
                request, f"{len(chosen)} reassigned from {person.display_name()} to "
                f"{to.display_name()}."
            )  # fmt: skip
        return redirect(f"{reverse('reassign')}?person={person.username}")
    return render(
        request,
        "taskforce/reassign.html",
        {"page_title": "Reassign", "people": people, "person": person,
         "assignments": assignments, "colleagues": colleagues},
    )  # fmt: skip
