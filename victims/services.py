"""Writes to victims' records and consents: one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import PurePath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Person
from cases.models.people import age_group_on
from cases.services.notes import check_upload
from deadlines.services import deadline_close, deadline_schedule, deadlines_follow_assignee
from taskforce import access, audit, records
from taskforce.models import AgencyKind, Deadline, DeadlineStatus, Share, ShareLevel, User
from victims.models import AdvocateNote, Consent, Contact, Service, ServiceStatus, Victim


def _victim_fields(actor: User, person: Person, fields: dict) -> dict:
    """The checks of opening a record, and the fields it is opened with."""
    membership = access.acting_membership(actor)
    if membership is None or membership.agency.kind != AgencyKind.VICTIM_SERVICES:
        raise access.Forbidden
    access.require(actor, access.Action.VIEW, person)
    if fields.get("safe_harbor_override") is not None and not fields.get("override_reason"):
        raise ValidationError({"override_reason": "Say why eligibility is overridden."})
    draft = Victim(person=person)
    if draft.is_juvenile and not fields.get("guardian_note", "").strip():
        raise ValidationError(
            {"guardian_note": "For a minor, note who has custody (and any no-contact orders)."}
        )
    if fields.get("assigned_advocate") is None and access.may_be_assigned(
        actor, Victim, membership.agency_id
    ):
        fields = {**fields, "assigned_advocate": actor}
    return {"person": person, **fields}


@transaction.atomic
def victim_create(*, actor: User, person: Person, identified_how: str, **fields) -> Victim:
    """Open the agency's record of a person it serves (the person may come from a referral)."""
    fields = _victim_fields(actor, person, {"identified_how": identified_how, **fields})
    return records.record_create(actor=actor, model=Victim, **fields)


@transaction.atomic
def victim_create_many(*, actor: User, records_of: list[tuple[Person, dict]]) -> list[Victim]:
    """victim_create for a file's rows at once: the same checks on each, one INSERT per batch."""
    rows = [_victim_fields(actor, person, fields) for person, fields in records_of]
    return records.record_create_many(actor=actor, model=Victim, rows=rows)


# The parts of a victim's record an advocate keeps current after opening it, one page each.
SECTIONS: dict[str, tuple[str, ...]] = {
    "contact": (
        "address",
        "phone",
        "contact_method",
        "safe_times",
        "safety_concerns",
        "language",
        "interpreter_needed",
    ),
    "guardian": ("guardian_note",),
    # When and how the person came to the agency: the age band reports count follows the date.
    "identification": ("identified_on", "identified_how"),
    "screening": (
        "safe_harbor_override",
        "override_reason",
        "screening_tool",
        "screening_version",
        "screened_on",
        "screening_score",
        "screener",
    ),
}


@transaction.atomic
def victim_update(
    *, actor: User, victim: Victim, expected_version: int, section: str, data: dict
) -> Victim:
    """Change one section of the record if nobody saved since `expected_version` (else
    StaleVersion); audited as `victim.changed`, protected fields named but never shown."""
    names = SECTIONS[section]
    unknown = set(data) - set(names)
    if unknown:
        raise ValueError(f"Not in the {section} section: {sorted(unknown)}")
    data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
    errors: dict[str, str] = {}
    if section == "screening":
        if data.get("safe_harbor_override") is not None and not data.get("override_reason"):
            errors["override_reason"] = "Say why eligibility is overridden."
        if data.get("safe_harbor_override") is None and "safe_harbor_override" in data:
            data["override_reason"] = ""  # a reason for an override no longer in force
        if data.get("screened_on") and data["screened_on"] > timezone.localdate():
            errors["screened_on"] = "This date is in the future."
    if section == "identification":
        if data.get("identified_on") and data["identified_on"] > timezone.localdate():
            errors["identified_on"] = "This date is in the future."
        elif data.get("identified_on"):
            data["age_group"] = age_group_on(victim.person.date_of_birth, data["identified_on"])
    if section == "guardian" and victim.is_juvenile and not data.get("guardian_note"):
        errors["guardian_note"] = "For a minor, note who has custody (and any no-contact orders)."
    if errors:
        raise ValidationError(errors)
    return records.record_update(
        actor=actor, obj=victim, expected_version=expected_version, data=data
    )


@transaction.atomic
def victim_assign(
    *, actor: User, victim: Victim, advocate: User | None, expected_version: int | None = None
) -> Victim:
    """Give the record to one of the agency's advocates or supervisors (or to no one); the
    deadlines the old advocate answered for, and their reminders, follow."""
    access.require(actor, access.Action.CHANGE, victim)
    if advocate is not None and not access.may_be_assigned(advocate, Victim,
                                                           victim.owner_agency_id):  # fmt: skip
        raise ValidationError({"advocate": "Choose an advocate of your agency."})
    before = victim.assigned_advocate
    victim = records.record_update(
        actor=actor, obj=victim,
        expected_version=victim.version if expected_version is None else expected_version,
        data={"assigned_advocate": advocate},
    )  # fmt: skip
    if before != advocate:
        deadlines_follow_assignee(record=victim, old=before, new=advocate)
    return victim


CONSENT_LONGEST = dt.timedelta(days=366)


@transaction.atomic
def consent_record(
    *,
    actor: User,
    victim: Victim,
    to_agency,
    scope: str,
    purpose: str,
    signed_on: date,
    expires_on: date,
    signed_by_minor: bool = False,
    guardian_name: str = "",
    guardian_relationship: str = "",
    guardian_is_alleged_abuser: bool = False,
    signed_form=None,
) -> Consent:
    """Record a signed release; access for `to_agency` starts now and ends at expiry."""
    access.require(actor, access.Action.SHARE, victim)
    errors: dict[str, str] = {}
    if signed_on > timezone.localdate():
        errors["signed_on"] = "Consent cannot be signed in the future."
    if expires_on <= signed_on:
        errors["expires_on"] = "Consent must expire after it is signed."
    elif expires_on < timezone.localdate():
        errors["expires_on"] = "This consent has already expired."
    elif expires_on > signed_on + CONSENT_LONGEST:
        # VAWA/FVPSA/VOCA: a release is "reasonably time-limited"; a new consent renews it.
        errors["expires_on"] = (
            "A release lasts at most a year from signing; record a new consent to renew it."
        )
    if to_agency.pk == victim.owner_agency_id:
        errors["to_agency"] = "Your agency needs no consent to see its own record."
    if victim.is_juvenile:
        if guardian_is_alleged_abuser:
            errors["guardian_is_alleged_abuser"] = (
                "An alleged abuser can never consent for a minor."
            )
        if not (guardian_name.strip() and guardian_relationship.strip()):
            errors["guardian_name"] = (
                "For a minor, record the non-abusive parent or guardian who also consented."
            )
        if not signed_by_minor:
            errors["signed_by_minor"] = "A minor signs their own consent too."
    if errors:
        raise ValidationError(errors)
    consent = Consent(
        victim=victim,
        to_agency=to_agency,
        scope=scope,
        purpose=purpose.strip(),
        signed_on=signed_on,
        expires_on=expires_on,
        signed_by_minor=signed_by_minor,
        guardian_name=guardian_name.strip(),
        guardian_relationship=guardian_relationship.strip(),
        guardian_is_alleged_abuser=guardian_is_alleged_abuser,
        recorded_by=actor,
    )
    if signed_form:
        check_upload(signed_form, field="signed_form", allowed={".pdf", ".png", ".jpg", ".jpeg"})
        suffix = PurePath(signed_form.name).suffix.lower()
        consent.signed_form.save(f"signed{suffix}", signed_form, save=False)
    consent.full_clean(exclude=["share", "signed_form"])
    consent.save()
    _sync_consent_share(actor, victim, to_agency)
    _plan_consent_expiry(actor, consent)
    audit.record(
        actor,
        "consent.recorded",
        victim,
        changes={"to_agency": to_agency.name, "scope": scope, "expires_on": str(expires_on)},
    )
    consent.refresh_from_db()
    return consent


def _plan_consent_expiry(actor: User, consent: Consent) -> None:
    """Remind the victim's agency before the release runs out; an earlier release to the same
    agency that this one outlasts needs no reminder any more."""
    for earlier in consent.victim.consents.filter(
        to_agency=consent.to_agency, revoked_on=None, expires_on__lt=consent.expires_on
    ).exclude(pk=consent.pk):
        deadline_close(actor=actor, obj=earlier, rule="consent_expiry", status=DeadlineStatus.MET)
    deadline_schedule(
        obj=consent, rule="consent_expiry", event_at=consent.ends_at(),
        responsible_agency=consent.victim.owner_agency,
    )  # fmt: skip


def _sync_consent_share(actor: User, victim: Victim, agency) -> None:
    """One grant per agency, lasting exactly as long as the latest consent in force to it;
    none when no consent is in force. Which fields it shows is `access.consent_scope`'s."""
    active = [c for c in victim.consents.filter(to_agency=agency, revoked_on=None) if c.is_active()]
    current = Share.objects.filter(
        content_type=ContentType.objects.get_for_model(Victim),
        object_id=victim.pk,
        to_agency=agency,
        revoked_at__isnull=True,
    ).first()
    if not active:
        if current is not None:
            access.unshare(actor=actor, share_row=current, reason="No consent in force")
        return
    latest = max(active, key=lambda c: c.ends_at())
    if current is not None and current.expires_at == latest.ends_at():
        share_row = current
    else:
        share_row = access.share(
            actor=actor,
            obj=victim,
            to_agency=agency,
            level=ShareLevel.VIEW,
            reason=f"Victim's consent: {latest.purpose}",
            expires_at=latest.ends_at(),
            under_consent=True,
        )
    Consent.objects.filter(pk__in=[c.pk for c in active]).update(share=share_row)


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent, reason: str = "") -> Consent:
    """The victim withdrew consent: the other agency loses access at once."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    access.require(actor, access.Action.SHARE, consent.victim)
    if consent.revoked_on is not None:
        return consent
    consent.revoked_on = timezone.now()
    consent.revoked_by = actor
    consent.save(update_fields=["revoked_on", "revoked_by"])
    deadline_close(actor=actor, obj=consent, rule="consent_expiry", status=DeadlineStatus.WAIVED,
                   reason="The victim withdrew consent.")  # fmt: skip
    # Another consent in force to the same agency keeps its access; otherwise it ends now.
    _sync_consent_share(actor, consent.victim, consent.to_agency)
    audit.record(actor, "consent.revoked", consent.victim, reason=reason,
                 changes={"to_agency": consent.to_agency.name})  # fmt: skip
    return consent


def _check_own(actor: User, victim: Victim) -> None:
    """Services, contacts and notes are written by the victim's own agency only."""
    access.require(actor, access.Action.CHANGE, victim)
    if access.acting_membership(actor).agency_id != victim.owner_agency_id:
        raise access.Forbidden


@transaction.atomic
def service_record(*, actor: User, victim: Victim, **fields) -> Service:
    _check_own(actor, victim)
    started, ended = fields.get("started_on"), fields.get("ended_on")
    if started and ended and ended < started:
        raise ValidationError({"ended_on": "The service ends before it starts."})
    for name in ("offered_on", "started_on", "ended_on"):
        if fields.get(name) and fields[name] > timezone.localdate():
            raise ValidationError({name: "This date is in the future."})
    service = Service.objects.create(victim=victim, recorded_by=actor, **fields)
    audit.record(actor, "victim.service", victim, changes={"kind": service.kind,
                                                           "status": service.status})  # fmt: skip
    return service


@transaction.atomic
def contact_record(*, actor: User, victim: Victim, **fields) -> Contact:
    _check_own(actor, victim)
    if fields["at"] > timezone.now():
        raise ValidationError({"at": "A contact cannot be in the future."})
    contact = Contact.objects.create(victim=victim, by=actor, **fields)
    for referral in victim.referrals.all():
        # Reaching the person, or trying to, is the contact the referral's clocks await; while
        # the person is in services, the next follow-up falls due an interval after it.
        deadline_close(actor=actor, obj=referral, rule="first_contact", status=DeadlineStatus.MET)
        deadline_close(actor=actor, obj=referral, rule="follow_up", status=DeadlineStatus.MET)
        if referral.status in {"accepted", "engaged"}:
            done = Deadline.objects.filter(
                content_type=ContentType.objects.get_for_model(referral),
                object_id=referral.pk,
                rule="follow_up",
            ).count()
            deadline_schedule(obj=referral, rule="follow_up", event_at=contact.at,
                              responsible_agency=referral.owner_agency, actor=actor,
                              responsible_user=referral.assigned_advocate,
                              sequence=done + 1)  # fmt: skip
    audit.record(actor, "victim.contact", victim, changes={"reached": contact.reached})
    return contact


@transaction.atomic
def advocate_note_add(*, actor: User, victim: Victim, body: str) -> AdvocateNote:
    _check_own(actor, victim)
    if not body.strip():
        raise ValidationError({"body": "The note is empty."})
    note = AdvocateNote.objects.create(victim=victim, body=body.strip(), by=actor)
    # The audit says a note was written, never what it says.
    audit.record(actor, "victim.note_added", victim)
    return note


ENDED = {ServiceStatus.COMPLETED, ServiceStatus.DECLINED}


@transaction.atomic
def service_end(
    *, actor: User, service: Service, ended_on: date, status: str, outcome: str = ""
) -> Service:
    """A service comes to its end: completed, or declined by the person; the outcome stays with
    the advocacy agency."""
    _check_own(actor, service.victim)
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.ended_on is not None or service.status in ENDED:
        raise ValidationError("This service has already ended.")
    if status not in ENDED:
        raise ValidationError({"status": "A service ends completed or declined."})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "This date is in the future."})
    if ended_on < (service.started_on or service.offered_on):
        raise ValidationError({"ended_on": "The service ends before it starts."})
    service.ended_on, service.status = ended_on, status
    if outcome.strip():
        service.outcome = outcome.strip()
    service.save(update_fields=["ended_on", "status", "outcome"])
    audit.record(actor, "victim.service_ended", service.victim,
                 changes={"kind": service.kind, "status": status})  # fmt: skip
    return service
