"""Victims and referrals over the API: the same fields per consent scope as the pages, and
every read audited."""

import datetime as dt

import pytest
from django.utils import timezone

from referrals.models import Referral
from referrals.services import referral_transition
from taskforce.models import AuditEvent
from victims.services import advocate_note_add, consent_record, service_record, victim_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

# The same groups as tests/referrals/test_field_matrix.py checks on the page, by API field.
GROUPS = {
    "status": {"referrals"},
    "name": {"person"},
    "contact": {"address", "phone", "contact_method", "safe_times", "language"},
    "services": {"services"},
    "record": {"safety_concerns", "screening_tool", "identified_on", "guardian_note"},
    "own": {"consents", "contacts", "notes", "version"},
}
EXPECTED = {
    "status": {"status"},
    "contact": {"status", "name", "contact"},
    "summary": {"status", "name", "contact", "services"},
    "full": {"status", "name", "contact", "services", "record"},
    "own agency": {"status", "name", "contact", "services", "record", "own"},
}


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    victim = victim_create(
        actor=advocate, person=referral.person, identified_how="sting", guardian_note="Mother",
        contact_method="Text", safe_times="Texts after 6 pm",
        safety_concerns="Trafficker knows her school",
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    service_record(actor=advocate, victim=victim, kind="shelter", status="completed",
                   offered_on=TODAY(), outcome="Placed in a host home")  # fmt: skip
    advocate_note_add(actor=advocate, victim=victim, body="Disclosed the trafficker's name")
    return victim


def consent(advocate, victim, agency, scope):
    return consent_record(
        actor=advocate, victim=victim, to_agency=agency, scope=scope, purpose="Court",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=30), signed_by_minor=True,
        guardian_name="Ruth", guardian_relationship="Mother",
    )  # fmt: skip


@pytest.mark.parametrize("scope", list(EXPECTED))
def test_each_scope_shows_exactly_the_pages_fields(api, victim, advocate, wash_cao,
                                                   wash_prosecutor, scope):  # fmt: skip
    viewer = advocate if scope == "own agency" else wash_prosecutor
    if scope != "own agency":
        consent(advocate, victim, wash_cao, scope)
    body = api(viewer).get(f"/api/victims/{victim.public_id}/").json()
    shown = {group for group, fields in GROUPS.items() if fields & set(body)}
    assert shown == EXPECTED[scope]
    text = str(body)
    assert ("Disclosed the trafficker" in text) == (scope == "own agency")
    assert ("Placed in a host home" in text) == (scope == "own agency")
    listed = api(viewer).get("/api/victims/").json()["results"]
    assert listed == [body]


def test_without_consent_the_victim_is_404_and_not_listed(api, victim, wash_prosecutor):
    client = api(wash_prosecutor)
    assert client.get(f"/api/victims/{victim.public_id}/").status_code == 404
    assert client.get("/api/victims/").json()["results"] == []


def test_withdrawn_consent_ends_api_access_at_once(api, victim, advocate, wash_cao,
                                                   wash_prosecutor):  # fmt: skip
    from victims.services import consent_revoke

    given = consent(advocate, victim, wash_cao, "full")
    client = api(wash_prosecutor)
    assert client.get(f"/api/victims/{victim.public_id}/").status_code == 200
    consent_revoke(actor=advocate, consent=given, reason="Asked to stop")
    assert client.get(f"/api/victims/{victim.public_id}/").status_code == 404


def test_every_victim_read_is_audited_lists_included(api, victim, advocate):
    client = api(advocate)
    client.get(f"/api/victims/{victim.public_id}/")
    client.get("/api/victims/")
    assert AuditEvent.objects.filter(action="victim.viewed", target_id=victim.pk).count() == 2


def test_coordinator_sees_no_victims_or_referrals(api, victim, coordinator, referral):
    client = api(coordinator)
    assert client.get(f"/api/victims/{victim.public_id}/").status_code == 404
    assert client.get(f"/api/referrals/{referral.public_id}/").status_code == 404
    assert client.get("/api/victims/").json()["results"] == []
    assert client.get("/api/referrals/").json()["results"] == []


def test_sender_sees_the_referral_received_and_no_further_without_consent(
    api, referral, advocate, sheriff_liaison
):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    sender = api(sheriff_liaison).get(f"/api/referrals/{referral.public_id}/").json()
    assert sender["status"] == "received" and sender["status_capped"] is True
    assert "history" not in sender and "version" not in sender
    receiver = api(advocate).get(f"/api/referrals/{referral.public_id}/").json()
    assert receiver["status"] == "accepted" and len(receiver["history"]) == 3
    # Filtering by the true status would tell the sender what consent withholds.
    filtered = api(sheriff_liaison).get("/api/referrals/", {"status": "accepted"}).json()
    assert filtered["results"] == []
    assert api(sheriff_liaison).get("/api/referrals/", {"side": "sent"}).json()["results"]


def test_referral_reads_are_audited_and_others_get_404(api, referral, sheriff_liaison,
                                                       woodbury_liaison):  # fmt: skip
    api(sheriff_liaison).get(f"/api/referrals/{referral.public_id}/")
    api(sheriff_liaison).get("/api/referrals/")
    assert AuditEvent.objects.filter(action="referral.viewed", target_id=referral.pk).count() == 2
    other = api(woodbury_liaison)
    assert other.get(f"/api/referrals/{referral.public_id}/").status_code == 404
    assert other.get("/api/referrals/").json()["results"] == []
