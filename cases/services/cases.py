"""Every write to cases: one transaction each, through the access policy, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import CASE_TRANSITIONS, Case, CaseDefendant, CaseStatus, CaseStatusChange
from cases.services.notices import plan_disposition_notice
from cases.services.outcomes import case_outcome_refresh
from deadlines.services import deadlines_follow_assignee
from taskforce import access, audit, records
from taskforce.models import ShareLevel, User


def _check_assignee(owner_agency_id: int, assignee: User | None) -> None:
    if assignee is not None and not access.may_be_assigned(assignee, Case, owner_agency_id):
        raise ValidationError(
            {"assigned_prosecutor": "Choose a prosecutor of the agency that owns the case."}
        )


def _check_investigator(investigator: User | None, agency_id: int | None = None) -> None:
    if investigator is None or access.may_lead_investigation(investigator, agency_id):
        return
    if agency_id is not None:
        raise ValidationError({"lead_investigator": "Choose an investigator of your agency."})
    raise ValidationError({"lead_investigator": "Choose an investigator of a police agency."})


def _grant_investigator(actor: User, case: Case) -> None:
    """The lead investigator works the case with the prosecutor: they may view it."""
    if case.lead_investigator is not None:
        access.assign(actor=actor, obj=case, person=case.lead_investigator, level=ShareLevel.VIEW)


def _status_step(actor: User, case: Case, from_status: str, to_status: str, reason="") -> None:
    CaseStatusChange.objects.create(
        case=case, from_status=from_status, to_status=to_status, by=actor, reason=reason
    )


@transaction.atomic
def case_create(
    *,
    actor: User,
    number: str,
    title: str = "",
    kind: str = "other",
    county=None,
    court_file_number: str = "",
    assigned_prosecutor: User | None = None,
    other_prosecutors=(),
    lead_investigator: User | None = None,
    is_juvenile: bool = False,
) -> Case:
    membership = actor.membership
    _check_assignee(membership.agency_id if membership else 0, assigned_prosecutor)
    for colleague in other_prosecutors:
        _check_assignee(membership.agency_id if membership else 0, colleague)
    _check_investigator(lead_investigator)
    case = records.record_create(
        actor=actor,
        model=Case,
        number=number,
        title=title,
        kind=kind,
        county=county,
        court_file_number=court_file_number,
        assigned_prosecutor=assigned_prosecutor,
        lead_investigator=lead_investigator,
        is_juvenile=is_juvenile,
    )
    case.other_prosecutors.set(other_prosecutors)
    case_opened(actor=actor, case=case)
    _grant_investigator(actor, case)
    return case


def case_opened(*, actor: User, case: Case) -> None:
    """The first line of a new case's status history (however the case was opened)."""
    _status_step(actor, case, "", case.status)


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int, data: dict) -> Case:
    data = dict(data)
    colleagues = data.pop("other_prosecutors", None)
    for colleague in colleagues or ():
        _check_assignee(case.owner_agency_id, colleague)
    if "assigned_prosecutor" in data:
        _check_assignee(case.owner_agency_id, data["assigned_prosecutor"])
    if "lead_investigator" in data:
        _check_investigator(data["lead_investigator"])
    # From the stored row, locked: a bound ModelForm has already put the new investigator on
    # `case`, and the grant to take back is the one the stored investigator holds.
    stored = Case.objects.select_for_update().get(pk=case.pk)
    before, prosecutor_before = stored.lead_investigator, stored.assigned_prosecutor
    case = records.record_update(
        actor=actor, obj=case, expected_version=expected_version, data=data
    )
    if colleagues is not None and set(colleagues) != set(case.other_prosecutors.all()):
        case.other_prosecutors.set(colleagues)
        audit.record(actor, "case.changed", case, changes={
            "other_prosecutors": sorted(c.get_username() for c in colleagues)})  # fmt: skip
    if case.lead_investigator != before:
        _investigator_changed(actor, case, before)
    if case.assigned_prosecutor != prosecutor_before:
        # The hearings' reminders and the deadlines the prosecutor answered for follow the case.
        deadlines_follow_assignee(record=case, old=prosecutor_before, new=case.assigned_prosecutor)
    return case


def _investigator_changed(actor: User, case: Case, before: User | None) -> None:
    """The old investigator's grant ends and the new one's begins; the open deadlines the old
    one answered for, and the reminders they were to get, follow the case to the new one."""
    access.investigation_hand_over(actor=actor, obj=case, old=before, new=case.lead_investigator)
    deadlines_follow_assignee(record=case, old=before, new=case.lead_investigator)


@transaction.atomic
def case_investigator_hand_over(
    *, actor: User, case: Case, investigator: User, expected_version: int
) -> Case:
    """A police supervisor hands the lead-investigator role their investigator (current or
    former) holds on a case they may see, owned by another agency, to a colleague of their own
    agency: the one change they may make to it (never the prosecutor). Audited; grants and the
    deadlines the investigator answered for follow."""
    stored = Case.objects.select_for_update().get(pk=case.pk)
    access.require(actor, access.Action.VIEW, stored)
    if not access.may_hand_over_investigation(actor, stored):
        raise access.Forbidden
    _check_investigator(investigator, access.police_supervisor_agency(actor))
    before = stored.lead_investigator
    case = records.record_investigator_hand_over(
        actor=actor, obj=stored, expected_version=expected_version, investigator=investigator
    )
    if case.lead_investigator != before:
        _investigator_changed(actor, case, before)
    return case


@transaction.atomic
def case_transition(*, actor: User, case: Case, to_status: str, reason: str = "") -> Case:
    """Move a case along its state machine; an impossible step is refused with the choices."""
    access.require(actor, access.Action.CHANGE, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    allowed = CASE_TRANSITIONS[case.status]
    if to_status not in allowed:
        names = ", ".join(CaseStatus(s).label.lower() for s in case.next_statuses()) or "nothing"
        raise ValidationError(
            {"to_status": f"A case that is {case.get_status_display().lower()} can go to: {names}."}
        )
    if to_status == CaseStatus.DECLINED and not reason.strip():
        raise ValidationError({"reason": "Record why the case is declined."})
    _status_step(actor, case, case.status, to_status, reason.strip())
    case = records.record_update(
        actor=actor, obj=case, expected_version=case.version, data={"status": to_status}
    )
    case_outcome_refresh(case.pk)
    if (
        to_status in {CaseStatus.SENTENCED, CaseStatus.CLOSED}
        and case.charges.exclude(disposition="").exists()
    ):
        plan_disposition_notice(case)
    return case


@transaction.atomic
def case_final_disposition_record(*, actor: User, case: Case, disposed_on: date) -> Case:
    """The prosecutor records the final disposition's date (often some time after it): the
    victims' 611A.039 notice falls due 15 working days after it, however late it is entered."""
    access.require(actor, access.Action.CHANGE, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if disposed_on > timezone.localdate():
        raise ValidationError({"final_disposition_on": "This date is in the future."})
    if case.charged_on and disposed_on < case.charged_on:
        raise ValidationError(
            {"final_disposition_on": f"The case was charged on {case.charged_on:%b %-d, %Y}."}
        )
    if not case.charges.exclude(disposition="").exists():
        raise ValidationError({"final_disposition_on": "Record the counts' dispositions first."})
    case = records.record_update(
        actor=actor, obj=case, expected_version=case.version,
        data={"final_disposition_on": disposed_on},
    )  # fmt: skip
    plan_disposition_notice(case)
    return case


def case_defendant_add(*, case: Case, person) -> CaseDefendant:
    defendant, _ = CaseDefendant.objects.get_or_create(case=case, person=person)
    return defendant


@transaction.atomic
def case_delete(*, actor: User, case: Case, reason: str) -> None:
    """Delete a case opened in error. A case that came from police, or has charges, is declined
    or closed instead: its history belongs to the record."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is deleted; the audit keeps it."})
    if case.handoffs.exists() or case.charges.exists():
        raise ValidationError(
            {"reason": "This case has a hand-off or charges; decline or close it instead."}
        )
    records.record_delete(actor=actor, obj=case, reason=reason.strip())
