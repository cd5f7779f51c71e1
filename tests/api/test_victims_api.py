"""A victim's record over the API: consent recorded and revoked (access follows at once),
services added and ended, contacts and advocate notes; only the advocacy agency writes."""

import datetime as dt

import pytest
from django.utils import timezone

from referrals.models import Referral
from referrals.services import referral_transition
from taskforce.models import AuditEvent, Deadline
from victims.models import AdvocateNote, Consent, Contact, Service
from victims.services import victim_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
MISSING = "00000000-0000-4000-8000-000000000000"
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = victim_create(
        actor=advocate,
        person=referral.person,
        identified_how="sting",
        guardian_note="Mother",
        phone="651-555-0100",
    )
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    return victim


def day(n: int) -> str:
    return (TODAY() + dt.timedelta(days=n)).isoformat()


def consent_body(agency, **overrides) -> dict:
    body = {
        "to_agency": str(agency.public_id),
        "scope": "contact",
        "purpose": "Court preparation",
        "signed_on": day(0),
        "expires_on": day(30),
        "signed_by_minor": True,
        "guardian_name": "Ruth Strand",
        "guardian_relationship": "Mother",
    }
    return body | overrides


def test_consent_recorded_opens_the_record_and_revoked_closes_it(
    api, victim, advocate, wash_cao, wash_prosecutor
):
    client = api(advocate)
    path = f"/api/victims/{victim.public_id}/"
    assert api(wash_prosecutor).get(path).status_code == 404
    given = client.post(path + "consents/", consent_body(wash_cao))
    assert given.status_code == 201, given.json()
    assert given.json()["is_active"] is True and given.json()["scope"] == "contact"
    consent = Consent.objects.get(public_id=given.json()["public_id"])
    assert (consent.to_agency, consent.recorded_by, consent.share_id is not None) == (
        wash_cao,
        advocate,
        True,
    )
    seen = api(wash_prosecutor).get(path).json()
    assert seen["scope"] == "contact" and seen["phone"] == "651-555-0100"
    assert "services" not in seen and "notes" not in seen

    revoked = client.post(path + f"consents/{consent.public_id}/revoke/", {"reason": "Asked"})
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False
    consent.refresh_from_db()
    assert consent.revoked_on is not None and consent.revoked_by == advocate
    assert api(wash_prosecutor).get(path).status_code == 404
    assert AuditEvent.objects.filter(action="consent.revoked", reason="Asked").exists()
    assert client.post(path + f"consents/{MISSING}/revoke/", {}).status_code == 404


def test_bad_consent_input_names_the_field(api, victim, advocate, wash_cao):
    client = api(advocate)
    path = f"/api/victims/{victim.public_id}/consents/"
    backwards = client.post(path, consent_body(wash_cao, expires_on=day(-1)))
    assert backwards.status_code == 400 and "expires_on" in backwards.json()["fields"]
    no_guardian = client.post(path, consent_body(wash_cao, guardian_name=""))
    assert no_guardian.status_code == 400 and "guardian_name" in no_guardian.json()["fields"]
    abuser = client.post(path, consent_body(wash_cao, guardian_is_alleged_abuser=True))
    assert abuser.status_code == 400
    assert "guardian_is_alleged_abuser" in abuser.json()["fields"]
    own = client.post(path, consent_body(advocate.membership.agency))
    assert own.status_code == 400 and "to_agency" in own.json()["fields"]
    scope = client.post(path, consent_body(wash_cao, scope="everything"))
    assert scope.status_code == 400 and "scope" in scope.json()["fields"]
    assert not Consent.objects.exists()


def test_services_contacts_and_notes_are_recorded_by_the_agency(api, victim, advocate, referral):
    client = api(advocate)
    path = f"/api/victims/{victim.public_id}/"
    added = client.post(
        path + "services/",
        {
            "kind": "shelter",
            "provider": "Host Homes",
            "status": "delivering",
            "started_on": day(-3),
        },
    )
    assert added.status_code == 201, added.json()
    service = Service.objects.get(public_id=added.json()["public_id"])
    assert (service.kind, service.status, service.recorded_by) == (
        "shelter",
        "delivering",
        advocate,
    )
    end = path + f"services/{service.public_id}/end/"
    before = client.post(end, {"ended_on": day(-5), "status": "completed"})
    assert before.status_code == 400 and "ended_on" in before.json()["fields"]
    not_an_end = client.post(end, {"ended_on": day(0), "status": "offered"})
    assert not_an_end.status_code == 400 and "status" in not_an_end.json()["fields"]
    ended = client.post(end, {"ended_on": day(0), "status": "completed", "outcome": "Placed"})
    assert ended.status_code == 200 and ended.json()["ended_on"] == day(0)
    service.refresh_from_db()
    assert (service.status, service.ended_on.isoformat(), service.outcome) == (
        "completed",
        day(0),
        "Placed",
    )
    again = client.post(end, {"ended_on": day(0), "status": "declined"})
    assert again.status_code == 400 and again.json()["fields"]["non_field_errors"]
    future = client.post(path + "services/", {"kind": "legal", "offered_on": day(2)})
    assert future.status_code == 400 and "offered_on" in future.json()["fields"]

    when = timezone.now() - dt.timedelta(hours=2)
    contact = client.post(
        path + "contacts/",
        {"at": when.isoformat(), "method": "text", "reached": True, "outcome": "Safe"},
    )
    assert contact.status_code == 201, contact.json()
    assert Contact.objects.get(victim=victim).outcome == "Safe"
    first_contact = Deadline.objects.get(rule="first_contact", object_id=referral.pk)
    assert first_contact.status == "met"
    ahead = client.post(
        path + "contacts/", {"at": "2099-01-01T00:00:00Z", "method": "text", "reached": False}
    )
    assert ahead.status_code == 400 and "at" in ahead.json()["fields"]

    note = client.post(path + "notes/", {"body": "Disclosed the trafficker's name"})
    assert note.status_code == 201
    assert AdvocateNote.objects.get(victim=victim).body == "Disclosed the trafficker's name"
    empty = client.post(path + "notes/", {"body": "   "})
    assert empty.status_code == 400 and "body" in empty.json()["fields"]
    assert AdvocateNote.objects.count() == 1 and Contact.objects.count() == 1


def test_others_get_404_on_victim_writes_and_consent_holders_403(
    api, victim, advocate, wash_cao, wash_prosecutor, ramsey_prosecutor, sheriff_liaison
):
    service = Service.objects.create(victim=victim, kind="legal", recorded_by=advocate)
    given = (
        api(advocate)
        .post(f"/api/victims/{victim.public_id}/consents/", consent_body(wash_cao, scope="full"))
        .json()
    )
    steps = [
        ("consents/", consent_body(wash_cao)),
        (f"consents/{given['public_id']}/revoke/", {"reason": "x"}),
        ("services/", {"kind": "shelter"}),
        (f"services/{service.public_id}/end/", {"ended_on": day(0), "status": "completed"}),
        ("contacts/", {"at": timezone.now().isoformat(), "method": "phone", "reached": True}),
        ("notes/", {"body": "x"}),
    ]
    for outsider in (ramsey_prosecutor, sheriff_liaison):
        other = api(outsider)
        for step, body in steps:
            hidden = other.post(f"/api/victims/{victim.public_id}/{step}", body)
            absent = other.post(f"/api/victims/{MISSING}/{step}", body)
            assert hidden.status_code == absent.status_code == 404, step
            assert hidden.json() == absent.json() == NOT_FOUND
    # The prosecutor sees the record under the consent, and may write nothing on it.
    holder = api(wash_prosecutor)
    assert holder.get(f"/api/victims/{victim.public_id}/").status_code == 200
    for step, body in steps:
        assert holder.post(f"/api/victims/{victim.public_id}/{step}", body).status_code == 403
    service.refresh_from_db()
    assert service.ended_on is None and Service.objects.count() == 1
    assert Consent.objects.get().revoked_on is None
    assert not Contact.objects.exists() and not AdvocateNote.objects.exists()


def test_a_consent_expiring_at_the_end_of_the_calendar_is_400_not_500(
    api, victim, advocate, wash_cao
):
    path = f"/api/victims/{victim.public_id}/consents/"
    answer = api(advocate).post(path, consent_body(wash_cao, expires_on="9999-12-31"))
    assert answer.status_code == 400 and "expires_on" in answer.json()["fields"]
    assert not Consent.objects.exists()
