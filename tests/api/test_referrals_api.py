"""Referrals over the API: police send one, the advocacy agency moves it along (versioned),
assigns it and opens the victim's record; everyone else gets 404."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Person
from referrals.models import Referral
from taskforce.models import Deadline, Role
from tests.api.test_stings import import_row
from tests.factories import member

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
NOT_FOUND = {"code": "not_found", "message": "Not found.", "fields": {}}


def send(api, actor, agency, **overrides):
    body = {
        "first_name": "Kaya",
        "last_name": "Strand",
        "date_of_birth": (timezone.localdate() - dt.timedelta(days=16 * 365)).isoformat(),
        "to_agency": str(agency.public_id),
        "source": "police",
        "urgency": "urgent",
        "reason": "Recovered in the sting; 16, no safe place to stay",
    }
    return api(actor).post("/api/referrals/", body | overrides)


def test_police_send_and_the_advocacy_agency_works_the_referral(
    api, sheriff_liaison, advocacy_center, advocate
):
    sent = send(api, sheriff_liaison, advocacy_center)
    assert sent.status_code == 201, sent.json()
    assert sent.json()["status"] == "sent" and "version" not in sent.json()
    referral = Referral.objects.get(public_id=sent.json()["public_id"])
    assert referral.owner_agency == advocacy_center
    assert referral.referring_agency == sheriff_liaison.membership.agency
    assert referral.person.last_name == "Strand" and referral.urgency == "urgent"
    assert Deadline.objects.filter(rule="first_contact", object_id=referral.pk).exists()

    client = api(advocate)
    path = f"/api/referrals/{referral.public_id}/"
    received = client.post(path + "transition/", {"version": 1, "to_status": "received"})
    assert received.status_code == 200 and received.json()["version"] == 2
    accepted = client.post(path + "transition/", {"version": 2, "to_status": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assigned = client.post(path + "assign/", {"version": 3, "advocate": advocate.username})
    assert assigned.status_code == 200 and assigned.json()["assigned_advocate"] == "scv_advocate"
    referral.refresh_from_db()
    assert (referral.status, referral.assigned_advocate, referral.version) == (
        "accepted",
        advocate,
        4,
    )
    assert [step["to_status"] for step in assigned.json()["history"]] == [
        "sent",
        "received",
        "accepted",
    ]

    opened = client.post(
        path + "victim/",
        {"identified_how": "sting", "guardian_note": "Mother has custody", "phone": "651-555-0100"},
    )
    assert opened.status_code == 201, opened.json()
    referral.refresh_from_db()
    assert str(referral.victim.public_id) == opened.json()["public_id"]
    assert referral.victim.phone == "651-555-0100" and referral.victim.person == referral.person
    assert opened.json()["scope"] == "own"


def test_a_stale_version_is_409_and_nothing_moves(api, referral, advocate):
    client = api(advocate)
    path = f"/api/referrals/{referral.public_id}/"
    moved = client.post(path + "transition/", {"version": 1, "to_status": "received"})
    assert moved.status_code == 200
    stale = client.post(path + "transition/", {"version": 1, "to_status": "accepted"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version" and "version 2" in str(stale.json()["fields"])
    stale_assign = client.post(path + "assign/", {"version": 1, "advocate": advocate.username})
    assert stale_assign.status_code == 409
    referral.refresh_from_db()
    assert (referral.status, referral.assigned_advocate, referral.version) == ("received", None, 2)


def test_bad_referral_input_names_the_field(
    api, sheriff_liaison, advocacy_center, woodbury_pd, referral, advocate, wash_prosecutor
):
    assert "reason" in send(api, sheriff_liaison, advocacy_center, reason="").json()["fields"]
    police = send(api, sheriff_liaison, woodbury_pd)
    assert police.status_code == 400 and "to_agency" in police.json()["fields"]
    nameless = send(api, sheriff_liaison, advocacy_center, first_name=" ")
    assert nameless.status_code == 400 and "first_name" in nameless.json()["fields"]
    both = send(api, sheriff_liaison, advocacy_center, person=str(referral.person.public_id))
    assert both.status_code == 400 and "first_name" in both.json()["fields"]
    born = send(api, sheriff_liaison, advocacy_center, date_of_birth="2999-01-01")
    assert born.status_code == 400 and "date_of_birth" in born.json()["fields"]
    assert Referral.objects.count() == 1 and Person.objects.count() == 1

    client = api(advocate)
    path = f"/api/referrals/{referral.public_id}/"
    skip = client.post(path + "transition/", {"version": 1, "to_status": "engaged"})
    assert skip.status_code == 400 and "to_status" in skip.json()["fields"]
    assert client.post(path + "transition/", {"to_status": "received"}).status_code == 400
    client.post(path + "transition/", {"version": 1, "to_status": "received"})
    decline = client.post(path + "transition/", {"version": 2, "to_status": "declined"})
    assert decline.status_code == 400 and "reason" in decline.json()["fields"]
    early = client.post(path + "victim/", {"identified_how": "sting", "guardian_note": "Aunt"})
    assert early.status_code == 400 and early.json()["fields"]["non_field_errors"]
    client.post(path + "transition/", {"version": 2, "to_status": "accepted"})
    minor = client.post(path + "victim/", {"identified_how": "sting"})
    assert minor.status_code == 400 and "guardian_note" in minor.json()["fields"]
    # Someone of another agency, a colleague who left and a name nobody has: one answer.
    gone = member(advocate.membership.agency, Role.ADVOCATE, username="gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    for name in (wash_prosecutor.username, gone.username, "nobody-at-all"):
        wrong = client.post(path + "assign/", {"version": 3, "advocate": name})
        assert wrong.status_code == 400
        assert wrong.json()["fields"] == {"advocate": ["Choose an advocate of your agency."]}
    referral.refresh_from_db()
    assert (referral.status, referral.assigned_advocate, referral.victim) == (
        "accepted",
        None,
        None,
    )


def test_others_get_404_on_referral_writes_and_the_sender_403(
    api, referral, sheriff_liaison, woodbury_liaison, advocacy_center
):
    steps = [
        ("transition/", {"version": 1, "to_status": "received"}),
        ("assign/", {"version": 1, "advocate": None}),
        ("victim/", {"identified_how": "sting", "guardian_note": "Mother"}),
    ]
    other = api(woodbury_liaison)
    for step, body in steps:
        hidden = other.post(f"/api/referrals/{referral.public_id}/{step}", body)
        absent = other.post(f"/api/referrals/{MISSING}/{step}", body)
        assert hidden.status_code == absent.status_code == 404, step
        assert hidden.json() == absent.json() == NOT_FOUND
        # The sender keeps sight of its referral but works nothing on it.
        sender = api(sheriff_liaison).post(f"/api/referrals/{referral.public_id}/{step}", body)
        assert sender.status_code == 403, step
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.version == 1
    # Referring someone seen only in another agency's arrest: 404, and nothing is written.
    arrest = api(sheriff_liaison).post("/api/arrests/import/", {"rows": [import_row(1)]}).json()[0]
    base = {"to_agency": str(advocacy_center.public_id), "source": "police", "reason": "Seen"}
    for extra in (
        {"first_name": "Pat", "last_name": "Doe", "arrest": arrest["public_id"]},
        {"person": arrest["arrestee"]["public_id"]},
    ):
        answer = api(woodbury_liaison).post("/api/referrals/", base | extra)
        assert answer.status_code == 404 and answer.json() == NOT_FOUND
    assert Referral.objects.count() == 1
