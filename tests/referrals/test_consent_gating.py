"""What law enforcement and prosecution see of a victim: exactly what consent allows, when."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.models import Referral
from referrals.selectors import status_shown
from referrals.services import referral_transition
from taskforce import access
from taskforce.models import AuditEvent
from victims.models import Consent, Victim
from victims.services import consent_record, consent_revoke, victim_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def served(referral, advocate):
    """The advocate receives and accepts the referral and opens the victim's record."""
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = victim_create(
        actor=advocate, person=referral.person, identified_how="sting",
        guardian_note="Mother has custody; no contact with the uncle",
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    referral.refresh_from_db()
    return referral, victim


def consent_to(advocate, victim, agency, scope="status", days=90, **extra):
    return consent_record(
        actor=advocate, victim=victim, to_agency=agency, scope=scope,
        purpose="Keep the county attorney informed", signed_on=TODAY(),
        expires_on=TODAY() + dt.timedelta(days=days), signed_by_minor=True,
        guardian_name="Ruth Strand", guardian_relationship="Mother", **extra,
    )  # fmt: skip


def test_the_sender_sees_the_referral_but_only_received_without_consent(
    served, sheriff_liaison, advocate
):
    referral, _ = served
    assert access.can(sheriff_liaison, access.Action.VIEW, referral)
    assert not access.can(sheriff_liaison, access.Action.CHANGE, referral)
    assert referral.status == "accepted"
    assert status_shown(sheriff_liaison, referral) == "received"
    assert status_shown(advocate, referral) == "accepted"


def test_the_victim_record_is_the_advocacy_agencys_alone(
    served, sheriff_liaison, wash_prosecutor, coordinator
):
    _, victim = served
    for outsider in (sheriff_liaison, wash_prosecutor, coordinator):
        assert not access.visible(outsider, Victim).exists()
        with pytest.raises(access.NotFound):
            access.require(outsider, access.Action.VIEW, victim)
        assert access.consent_scope(outsider, victim) is None


def test_consent_opens_exactly_its_scope_to_exactly_its_agency_until_it_expires(
    served, advocate, wash_cao, wash_prosecutor, ramsey_prosecutor, sheriff_liaison
):
    referral, victim = served
    consent = consent_to(advocate, victim, wash_cao, scope="status", days=90)
    assert access.can(wash_prosecutor, access.Action.VIEW, victim)
    assert access.consent_scope(wash_prosecutor, victim) == "status"
    assert access.consent_scope(ramsey_prosecutor, victim) is None  # another office: nothing
    assert status_shown(sheriff_liaison, referral) == "received"  # consent was not to police

    ends = consent.ends_at()
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        assert access.consent_scope(wash_prosecutor, victim) == "status"
        assert access.visible(wash_prosecutor, Victim).exists()
    with time_machine.travel(ends + dt.timedelta(minutes=1)):
        # Refused from the moment of expiry, before the sweeper has removed the grant.
        assert access.consent_scope(wash_prosecutor, victim) is None
        assert not access.visible(wash_prosecutor, Victim).exists()
        assert access.expire_lapsed_grants() == 1
        assert AuditEvent.objects.filter(action="share.expired").exists()


def test_consent_to_the_sender_shows_it_the_real_status(served, advocate, sheriff, sheriff_liaison):
    referral, victim = served
    consent_to(advocate, victim, sheriff)
    assert status_shown(sheriff_liaison, referral) == "accepted"


def test_revoking_consent_ends_access_at_once(served, advocate, wash_cao, wash_prosecutor):
    _, victim = served
    consent = consent_to(advocate, victim, wash_cao, scope="full")
    consent_revoke(actor=advocate, consent=consent, reason="Victim withdrew consent")
    assert access.consent_scope(wash_prosecutor, victim) is None
    assert not access.can(wash_prosecutor, access.Action.VIEW, victim)
    assert AuditEvent.objects.filter(action="consent.revoked").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"guardian_is_alleged_abuser": True}, "guardian_is_alleged_abuser"),
        ({"guardian_name": ""}, "guardian_name"),
        ({"signed_by_minor": False}, "signed_by_minor"),
        ({"days": 0}, "expires_on"),
    ],
)
def test_a_minors_consent_needs_a_non_abusive_guardian_and_a_real_term(
    served, advocate, wash_cao, changes, field
):
    _, victim = served
    days = changes.pop("days", 90)
    kwargs = dict(
        actor=advocate, victim=victim, to_agency=wash_cao, scope="status", purpose="x",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=days), signed_by_minor=True,
        guardian_name="Ruth Strand", guardian_relationship="Mother",
    ) | changes  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        consent_record(**kwargs)
    assert field in raised.value.message_dict
    assert not Consent.objects.exists()


def test_a_minors_record_needs_a_custody_note(referral, advocate):
    with pytest.raises(ValidationError) as raised:
        victim_create(actor=advocate, person=referral.person, identified_how="sting")
    assert "guardian_note" in raised.value.message_dict
    assert not Victim.objects.exists()


def test_only_victim_service_agencies_receive_referrals(sheriff_liaison, youth, wash_cao):
    from referrals.services import referral_send

    with pytest.raises(ValidationError, match="victim-service"):
        referral_send(actor=sheriff_liaison, person=youth, to_agency=wash_cao, source="police",
                      reason="x")  # fmt: skip


def test_the_lifecycle_is_enforced_and_closure_needs_a_reason(served, advocate):
    referral, _ = served
    with pytest.raises(ValidationError, match="can go to"):
        referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="engaged")
    with pytest.raises(ValidationError) as raised:
        referral_transition(actor=advocate, referral=referral, to_status="closed")
    assert "closure_reason" in raised.value.message_dict
    referral_transition(actor=advocate, referral=referral, to_status="closed",
                        closure_reason="goals_met")  # fmt: skip
    steps = list(referral.status_changes.values_list("to_status", flat=True))
    assert steps == ["sent", "received", "accepted", "engaged", "closed"]
