"""Protected fields of a victim's record, scope by scope: what another agency's page shows.

Written out by hand per consent scope; the advocacy agency itself sees everything, and nobody
else ever sees the advocate's notes.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests.factories import verified_login
from victims.services import (
    advocate_note_add,
    consent_record,
    service_record,
    victim_create,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

MARKERS = {
    "status": "<strong>Received</strong>",  # the referral's progress
    "name": "Strand, Kaya",  # identifying: name, birth date, how to reach
    "contact": "Texts after 6 pm",
    "services": "Emergency shelter",
    "record": "Trafficker knows her school",  # screening, safety, custody: the full record
    "outcome": "Placed in a host home",  # service outcomes stay with the agency
    "note": "Disclosed the trafficker",  # advocate notes: never
}
EXPECTED = {
    None: set(),
    "status": {"status"},
    "contact": {"status", "name", "contact"},
    "summary": {"status", "name", "contact", "services"},
    "full": {"status", "name", "contact", "services", "record"},
    "own agency": {"status", "name", "contact", "services", "record", "outcome", "note"},
}


@pytest.fixture
def victim(referral, advocate):
    from referrals.services import referral_transition

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


@pytest.mark.parametrize("scope", list(EXPECTED))
def test_each_scope_shows_exactly_its_fields(client, victim, advocate, wash_cao, wash_prosecutor,
                                             scope):  # fmt: skip
    viewer = advocate if scope == "own agency" else wash_prosecutor
    if scope not in (None, "own agency"):
        consent_record(
            actor=advocate, victim=victim, to_agency=wash_cao, scope=scope, purpose="Court",
            signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=30), signed_by_minor=True,
            guardian_name="Ruth", guardian_relationship="Mother",
        )  # fmt: skip
    verified_login(client, viewer)
    response = client.get(reverse("victims:detail", args=[victim.public_id]))
    if scope is None:
        assert response.status_code == 404
        return
    page = response.content.decode().replace("&#x27;", "'")
    shown = {name for name, marker in MARKERS.items() if marker in page}
    assert shown == EXPECTED[scope]
