"""Edges of consent found in the browser walk-through: several consents, stale grants, guards."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals.services import referral_open_victim, referral_transition
from taskforce import access
from tests.factories import verified_login
from victims.models import Consent
from victims.services import consent_record, consent_revoke

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    return referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Mother"
    )


def consent(advocate, victim, agency, days, scope="status"):
    return consent_record(
        actor=advocate, victim=victim, to_agency=agency, scope=scope, purpose="Court",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=days), signed_by_minor=True,
        guardian_name="Ruth", guardian_relationship="Mother",
    )  # fmt: skip


def test_a_second_shorter_consent_does_not_cut_the_first(
    victim, advocate, wash_cao, wash_prosecutor
):
    long = consent(advocate, victim, wash_cao, 90)
    short = consent(advocate, victim, wash_cao, 10, scope="contact")
    assert access.consent_scope(wash_prosecutor, victim) == "contact"
    consent_revoke(actor=advocate, consent=short, reason="Withdrew the wider one")
    assert access.consent_scope(wash_prosecutor, victim) == "status"  # the first still holds
    assert access.can(wash_prosecutor, access.Action.VIEW, victim)
    long.refresh_from_db()
    assert long.share.expires_at == long.ends_at()
    consent_revoke(actor=advocate, consent=long)
    assert not access.can(wash_prosecutor, access.Action.VIEW, victim)


def test_a_grant_without_a_consent_in_force_shows_nothing(
    client, victim, advocate, wash_cao, wash_prosecutor
):
    consent(advocate, victim, wash_cao, 90)
    # The consent's term is corrected to have ended, the grant not yet: the page still refuses.
    Consent.objects.update(signed_on=TODAY() - dt.timedelta(days=100),
                           expires_on=TODAY() - dt.timedelta(days=1))  # fmt: skip
    verified_login(client, wash_prosecutor)
    assert client.get(reverse("victims:detail", args=[victim.public_id])).status_code == 404


def test_a_referral_opens_one_victim_record_and_only_once_accepted(referral, advocate, victim):
    with pytest.raises(ValidationError, match="already has a victim record"):
        referral_open_victim(actor=advocate, referral=referral, identified_how="sting",
                             guardian_note="Mother")  # fmt: skip


def test_opening_a_record_before_accepting_is_refused(referral, advocate):
    with pytest.raises(ValidationError, match="Accept the referral"):
        referral_open_victim(actor=advocate, referral=referral, identified_how="sting",
                             guardian_note="Mother")  # fmt: skip


def test_closing_without_a_reason_keeps_the_form_with_the_error_beside_it(
    client, victim, referral, advocate
):
    verified_login(client, advocate)
    response = client.post(
        reverse("referrals:step", args=[referral.public_id]),
        {"to_status": "closed", "reason": "All done"},
    )
    assert response.status_code == 200
    form = response.context["step_form"]
    assert "Choose why the referral is closed." in str(form.errors["closure_reason"])
    assert form.data["reason"] == "All done"
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_the_sender_is_told_its_view_is_capped_even_at_received(client, referral, advocate,
                                                                 sheriff_liaison):  # fmt: skip
    referral_transition(actor=advocate, referral=referral, to_status="received")
    verified_login(client, sheriff_liaison)
    page = client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert "sees no further than" in page


def test_a_release_longer_than_a_year_is_refused_beside_its_field(
    client, victim, advocate, wash_cao
):
    verified_login(client, advocate)
    answer = client.post(
        reverse("victims:consent_new", args=[victim.public_id]),
        {"to_agency": wash_cao.pk, "scope": "status", "purpose": "Prosecution contact",
         "signed_on": TODAY().isoformat(), "expires_on": "9999-12-31", "signed_by_minor": "on",
         "guardian_name": "Aunt", "guardian_relationship": "Aunt"},
    )  # fmt: skip
    assert answer.status_code in (200, 400)
    assert "A release lasts at most a year" in answer.content.decode()
    assert not victim.consents.exists()
