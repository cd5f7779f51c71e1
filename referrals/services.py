"""Writes to Safe Harbor referrals: sending one, and each step of its life, dated and audited."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Person
from deadlines.services import (
    deadline_close,
    deadline_schedule,
    deadlines_closed_at_once,
    deadlines_follow_assignee,
)
from referrals.models import (
    REFERRAL_TRANSITIONS,
    ClosureReason,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from taskforce import access, audit, records
from taskforce.models import Agency, AgencyKind, DeadlineStatus, StaleVersion, User
from victims.services import victim_create


def _sender(actor: User, person: Person, to_agency: Agency, reason: str, linked=()):
    """The checks of referring a person: the sender's membership, once they pass."""
    membership = access.acting_membership(actor)
    if membership is None:
        raise access.Forbidden
    access.require(actor, access.Action.VIEW, person)
    for record in linked:
        if record is not None:
            access.require(actor, access.Action.VIEW, record)
    if to_agency.kind != AgencyKind.VICTIM_SERVICES or not to_agency.is_active:
        raise ValidationError({"to_agency": "Refer to an active victim-service agency."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why this person is referred."})
    return membership


def _status_fields(to_status: str, reason: str, closure_reason: str) -> dict:
    """A status and what it needs: why a referral is declined, or why it is closed."""
    data = {"status": to_status}
    if to_status == ReferralStatus.DECLINED:
        if not reason.strip():
            raise ValidationError({"reason": "Say why the referral is declined."})
        data["decline_reason"] = reason.strip()
    if to_status == ReferralStatus.CLOSED:
        if closure_reason not in ClosureReason.values:
            raise ValidationError({"closure_reason": "Choose why the referral is closed."})
        data["closure_reason"] = closure_reason
    return data


@transaction.atomic
def referral_send(
    *,
    actor: User,
    person: Person,
    to_agency: Agency,
    source: str,
    reason: str,
    urgency: str = "routine",
    region=None,
    arrest=None,
    case=None,
    sent_at: datetime | None = None,
) -> Referral:
    """Refer a person to a victim-service agency, which owns the referral from now on.

    `sent_at` dates a referral the agency kept before it used this system (the import)."""
    membership = _sender(actor, person, to_agency, reason, linked=(arrest, case))
    referral = records.record_create_for(
        actor=actor,
        model=Referral,
        owner_agency=to_agency,
        person=person,
        referring_agency=membership.agency,
        source=source,
        reason=reason.strip(),
        urgency=urgency,
        region=region,
        arrest=arrest,
        case=case,
        **({"created_at": sent_at} if sent_at else {}),
    )
    ReferralStatusChange.objects.create(
        referral=referral, from_status="", to_status=ReferralStatus.SENT, by=actor,
        at=referral.created_at,
    )  # fmt: skip
    deadline_schedule(obj=referral, rule="first_contact", event_at=referral.created_at,
                      responsible_agency=to_agency, actor=actor)  # fmt: skip
    return referral


# The status steps by which a referral reached each status, after being sent.
STEPS_TO = {
    ReferralStatus.SENT: [],
    ReferralStatus.RECEIVED: [ReferralStatus.RECEIVED],
    ReferralStatus.ACCEPTED: [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED],
    ReferralStatus.DECLINED: [ReferralStatus.RECEIVED, ReferralStatus.DECLINED],
    ReferralStatus.ENGAGED: [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED,
                             ReferralStatus.ENGAGED],
    ReferralStatus.CLOSED: [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED,
                            ReferralStatus.CLOSED],
}  # fmt: skip
STILL_OWED = {ReferralStatus.SENT, ReferralStatus.RECEIVED}


@transaction.atomic
def referrals_received_before(*, actor: User, items: list[dict]) -> list[Referral]:
    """Referrals the actor's agency received before it used this system (an import), each at
    the status it reached: what referral_send and the status steps would leave, written in
    bulk. Each item: person, sent_at, source, reason, urgency, region, status, decline_reason,
    closure_reason.

    The same checks as those services on every item; the status steps are recorded; the first
    contact is still owed on a sent or received referral (scheduled, with its reminders), and
    was waived on the others (contacted before, or the referral declined or closed)."""
    membership = access.acting_membership(actor)
    if membership is None:
        raise access.Forbidden
    agency = membership.agency
    rows = []
    for item in items:
        _sender(actor, item["person"], agency, item["reason"])
        rows.append({
            "person": item["person"], "referring_agency": agency, "source": item["source"],
            "reason": item["reason"].strip(), "urgency": item["urgency"],
            "region": item["region"], "created_at": item["sent_at"],
            **_status_fields(item["status"], item["decline_reason"], item["closure_reason"]),
        })  # fmt: skip
    referrals = records.record_create_many(actor=actor, model=Referral, rows=rows)
    now, steps = timezone.now(), []
    for referral in referrals:
        steps.append(ReferralStatusChange(referral=referral, to_status=ReferralStatus.SENT,
                                          by=actor, at=referral.created_at))  # fmt: skip
        before = ReferralStatus.SENT
        for step in STEPS_TO[referral.status]:
            reason = referral.decline_reason if step == ReferralStatus.DECLINED else ""
            steps.append(
                ReferralStatusChange(
                    referral=referral,
                    from_status=before,
                    to_status=step,
                    by=actor,
                    at=now,
                    reason=reason,
                )
            )
            before = step
    ReferralStatusChange.objects.bulk_create(steps, batch_size=500)
    moved = [r for r in referrals if r.status != ReferralStatus.SENT]
    audit.record_many(actor, "referral.status", moved, [{"to": r.status} for r in moved])
    for referral in referrals:
        if referral.status in STILL_OWED:
            deadline_schedule(obj=referral, rule="first_contact", event_at=referral.created_at,
                              responsible_agency=agency, actor=actor)  # fmt: skip
    waived = [
        (r, r.created_at, f"Referral {r.status}"
         if r.status in {ReferralStatus.DECLINED, ReferralStatus.CLOSED}
         else "Imported: contacted before")
        for r in referrals if r.status not in STILL_OWED
    ]  # fmt: skip
    if waived:
        deadlines_closed_at_once(
            actor=actor,
            records=waived,
            rule="first_contact",
            status=DeadlineStatus.WAIVED,
            responsible_agency=agency,
        )
    return referrals


def _locked(referral: Referral, expected_version: int | None) -> Referral:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion
    return current


@transaction.atomic
def referral_transition(
    *,
    actor: User,
    referral: Referral,
    to_status: str,
    reason: str = "",
    closure_reason: str = "",
    expected_version: int | None = None,
) -> Referral:
    """Move a referral along sent → received → accepted/declined → engaged → closed.

    With `expected_version` (the API's optimistic lock), a referral saved since is StaleVersion.
    """
    access.require(actor, access.Action.CHANGE, referral)
    referral = _locked(referral, expected_version)
    if to_status not in REFERRAL_TRANSITIONS[referral.status]:
        allowed = ", ".join(
            ReferralStatus(s).label.lower() for s in sorted(REFERRAL_TRANSITIONS[referral.status])
        )
        raise ValidationError(
            {"to_status": f"A {referral.get_status_display().lower()} referral can go to: "
                          f"{allowed or 'nothing (it is finished)'}."}
        )  # fmt: skip
    data = _status_fields(to_status, reason, closure_reason)
    ReferralStatusChange.objects.create(
        referral=referral, from_status=referral.status, to_status=to_status, by=actor,
        reason=reason.strip(),
    )  # fmt: skip
    referral = records.record_update(
        actor=actor, obj=referral, expected_version=referral.version, data=data
    )
    if to_status in {ReferralStatus.DECLINED, ReferralStatus.CLOSED}:
        for rule in ("first_contact", "follow_up"):
            deadline_close(actor=actor, obj=referral, rule=rule, status=DeadlineStatus.WAIVED,
                           reason=f"Referral {to_status}")  # fmt: skip
    audit.record(actor, "referral.status", referral, changes={"to": to_status})
    return referral


@transaction.atomic
def referral_open_victim(*, actor: User, referral: Referral, **fields):
    """Open the agency's record of the person an accepted referral brought, once."""
    access.require(actor, access.Action.CHANGE, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in {ReferralStatus.ACCEPTED, ReferralStatus.ENGAGED}:
        raise ValidationError("Accept the referral before opening a victim record.")
    if referral.victim_id is not None:
        raise ValidationError("This referral already has a victim record.")
    if referral.assigned_advocate is not None:
        fields.setdefault("assigned_advocate", referral.assigned_advocate)
    victim = victim_create(actor=actor, person=referral.person, **fields)
    records.record_update(
        actor=actor, obj=referral, expected_version=referral.version, data={"victim": victim}
    )
    return victim


@transaction.atomic
def referral_assign(
    *, actor: User, referral: Referral, advocate: User | None, expected_version: int | None = None
) -> Referral:
    """Give the referral to one of the agency's advocates or supervisors (or to no one)."""
    access.require(actor, access.Action.CHANGE, referral)
    if advocate is not None and not access.may_be_assigned(
        advocate, Referral, referral.owner_agency_id
    ):
        raise ValidationError({"advocate": "Choose an advocate of your agency."})
    referral = _locked(referral, expected_version)
    before = referral.assigned_advocate
    referral = records.record_update(
        actor=actor, obj=referral, expected_version=referral.version,
        data={"assigned_advocate": advocate},
    )  # fmt: skip
    if before != advocate:
        # Its follow-ups, and the hearings of its case, remind the new advocate from now on.
        deadlines_follow_assignee(record=referral, old=before, new=advocate)
        if referral.case_id is not None:
            deadlines_follow_assignee(record=referral.case, old=None, new=None)
    return referral
