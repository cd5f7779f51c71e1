"""Services, contacts and advocate notes: the advocacy agency's own; notes never leave it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from taskforce import access
from taskforce.models import AuditEvent
from tests.factories import verified_login
from victims.models import AdvocateNote, Service
from victims.services import (
    advocate_note_add,
    consent_record,
    contact_record,
    service_record,
    victim_create,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def victim(referral, advocate):
    return victim_create(
        actor=advocate, person=referral.person, identified_how="sting", guardian_note="Mother"
    )


def test_services_contacts_and_notes_are_recorded_by_the_agency(client, victim, advocate):
    verified_login(client, advocate)
    response = client.post(
        reverse("victims:service_new", args=[victim.public_id]),
        {"kind": "shelter", "provider": "Lakes Youth Shelter", "status": "delivering",
         "offered_on": TODAY().isoformat(), "started_on": TODAY().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    contact_record(actor=advocate, victim=victim, at=timezone.now() - dt.timedelta(hours=1),
                   method="phone", reached=False, outcome="Voicemail full")  # fmt: skip
    advocate_note_add(actor=advocate, victim=victim, body="Talked about the uncle again")
    page = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert "Emergency shelter" in page and "Voicemail full" in page
    assert "Talked about the uncle again" in page
    note_audit = AuditEvent.objects.get(action="victim.note_added")
    assert "uncle" not in str(note_audit.changes) and "uncle" not in note_audit.reason


def test_a_service_that_ends_before_it_starts_is_refused_beside_the_date(client, victim, advocate):
    verified_login(client, advocate)
    response = client.post(
        reverse("victims:service_new", args=[victim.public_id]),
        {"kind": "housing", "status": "completed", "offered_on": TODAY().isoformat(),
         "started_on": TODAY().isoformat(),
         "ended_on": (TODAY() - dt.timedelta(days=3)).isoformat()},
    )  # fmt: skip
    assert "ends before it starts" in str(response.context["form"].errors["ended_on"])
    assert not Service.objects.exists()


def test_a_summary_consent_shows_services_but_never_the_notes(
    client, victim, advocate, wash_cao, wash_prosecutor
):
    service_record(actor=advocate, victim=victim, kind="counseling", status="delivering",
                   offered_on=TODAY(), outcome="Weekly sessions")  # fmt: skip
    advocate_note_add(actor=advocate, victim=victim, body="Disclosed the trafficker's name")
    consent_record(actor=advocate, victim=victim, to_agency=wash_cao, scope="full",
                   purpose="Prosecution", signed_on=TODAY(),
                   expires_on=TODAY() + dt.timedelta(days=30), signed_by_minor=True,
                   guardian_name="Ruth", guardian_relationship="Mother")  # fmt: skip
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert "Counseling" in page
    assert "Disclosed the trafficker" not in page  # not even under a full consent
    assert "Weekly sessions" not in page  # outcomes stay with the agency
    assert client.get(reverse("victims:note_new", args=[victim.public_id])).status_code == 403


def test_nobody_outside_writes_to_the_record(victim, wash_prosecutor, sheriff_liaison):
    for outsider in (wash_prosecutor, sheriff_liaison):
        with pytest.raises((access.NotFound, access.Forbidden)):
            advocate_note_add(actor=outsider, victim=victim, body="x")
    assert not AdvocateNote.objects.exists()


def test_a_contact_in_the_future_is_refused(victim, advocate):
    with pytest.raises(ValidationError) as raised:
        contact_record(actor=advocate, victim=victim, at=timezone.now() + dt.timedelta(days=1),
                       method="phone", reached=True)  # fmt: skip
    assert "at" in raised.value.message_dict
