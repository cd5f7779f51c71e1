"""Referral and victim pages, as each side meets them: exactly what consent allows, else 404."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from taskforce import access
from tests.factories import search, verified_login
from victims.models import Victim

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_liaison_refers_a_victim_from_an_arrest(
    client, sheriff_liaison, operation, make_arrests, advocacy_center, advocate
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    verified_login(client, sheriff_liaison)
    form = client.get(reverse("referrals:send"), {"arrest": arrest.public_id})
    assert form.context["form"].initial["source"] == "police"
    response = client.post(
        reverse("referrals:send"),
        {"arrest": arrest.public_id, "first_name": "Kaya", "last_name": "Strand",
         "date_of_birth": (TODAY() - dt.timedelta(days=16 * 365)).isoformat(), "sex": "female",
         "to_agency": advocacy_center.pk, "urgency": "urgent", "source": "police",
         "reason": "Recovered in the sting"},
    )  # fmt: skip
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referrals:detail", args=[referral.public_id])
    assert (referral.owner_agency, referral.arrest) == (advocacy_center, arrest)
    verified_login(client, advocate)
    page = client.get(reverse("referrals:list")).content.decode()
    assert "Strand, Kaya" in page


def test_a_referral_to_police_is_refused_beside_the_field(client, sheriff_liaison, wash_cao):
    verified_login(client, sheriff_liaison)
    response = client.post(
        reverse("referrals:send"),
        {"first_name": "A", "last_name": "B", "sex": "unknown", "to_agency": wash_cao.pk,
         "urgency": "routine", "source": "police", "reason": "x"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "to_agency" in response.context["form"].errors
    assert not Referral.objects.exists()


def test_the_advocate_works_the_referral_and_the_sender_sees_received(
    client, referral, advocate, sheriff_liaison
):
    verified_login(client, advocate)
    url = reverse("referrals:step", args=[referral.public_id])
    client.post(url, {"to_status": "received"})
    client.post(url, {"to_status": "accepted"})
    opened = client.post(
        reverse("victim_open", args=[referral.public_id]),
        {"identified_how": "sting", "guardian_note": "Mother has custody"},
    )
    victim = Victim.objects.get()
    assert opened["Location"] == reverse("victims:detail", args=[victim.public_id])
    verified_login(client, sheriff_liaison)
    page = client.get(reverse("referrals:detail", args=[referral.public_id])).content.decode()
    assert "Received" in page and "Accepted" not in page
    assert "Next step" not in page and "History" not in page


def test_declining_without_a_reason_is_refused_with_a_message(client, referral, advocate):
    verified_login(client, advocate)
    url = reverse("referrals:step", args=[referral.public_id])
    client.post(url, {"to_status": "received"})
    page = client.post(url, {"to_status": "declined"}, follow=True).content.decode()
    assert "Say why the referral is declined." in page
    referral.refresh_from_db()
    assert referral.status == "received"


def test_the_victim_page_shows_only_the_consented_scope(
    client, referral, advocate, wash_cao, wash_prosecutor, ramsey_prosecutor, coordinator
):
    from victims.services import victim_create

    victim = victim_create(
        actor=advocate,
        person=referral.person,
        identified_how="sting",
        guardian_note="Mother",
        safety_concerns="Trafficker knows the school",
    )
    url = reverse("victims:detail", args=[victim.public_id])
    for outsider in (wash_prosecutor, ramsey_prosecutor, coordinator):
        verified_login(client, outsider)
        assert client.get(url).status_code == 404

    verified_login(client, advocate)
    response = client.post(
        reverse("victims:consent_new", args=[victim.public_id]),
        {"to_agency": wash_cao.pk, "scope": "contact", "purpose": "Court notices",
         "signed_on": TODAY().isoformat(),
         "expires_on": (TODAY() + dt.timedelta(days=90)).isoformat(),
         "signed_by_minor": "on", "guardian_name": "Ruth Strand",
         "guardian_relationship": "Mother"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    verified_login(client, wash_prosecutor)
    page = client.get(url).content.decode()
    assert "Strand, Kaya" in page  # contact scope: name and how to reach them
    assert "Trafficker knows the school" not in page  # but not the record
    verified_login(client, ramsey_prosecutor)
    assert client.get(url).status_code == 404

    # An expired-looking consent form is refused beside its field.
    verified_login(client, advocate)
    refused = client.post(
        reverse("victims:consent_new", args=[victim.public_id]),
        {"to_agency": wash_cao.pk, "scope": "full", "purpose": "x",
         "signed_on": TODAY().isoformat(), "expires_on": TODAY().isoformat(),
         "signed_by_minor": "on", "guardian_name": "R", "guardian_relationship": "Mother"},
    )  # fmt: skip
    assert "expire after it is signed" in str(refused.context["form"].errors["expires_on"])


def test_a_victim_record_cannot_be_shared_without_consent(referral, advocate, wash_cao):
    from victims.services import victim_create

    victim = victim_create(actor=advocate, person=referral.person, identified_how="sting",
                           guardian_note="Mother")  # fmt: skip
    with pytest.raises(ValidationError, match="only under the victim's recorded consent"):
        access.share(actor=advocate, obj=victim, to_agency=wash_cao, reason="Asked nicely")


def test_a_status_consent_shows_the_referrals_progress_and_nothing_else(
    client, referral, advocate, wash_cao, wash_prosecutor
):
    from referrals.services import referral_transition
    from victims.services import consent_record, victim_create

    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = victim_create(actor=advocate, person=referral.person, identified_how="sting",
                           guardian_note="Mother")  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    consent_record(
        actor=advocate,
        victim=victim,
        to_agency=wash_cao,
        scope="status",
        purpose="Court",
        signed_on=TODAY(),
        expires_on=TODAY() + dt.timedelta(days=90),
        signed_by_minor=True,
        guardian_name="Ruth",
        guardian_relationship="Mother",
    )
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert "<strong>Accepted</strong>" in page
    assert "Strand" not in page and "Kaya" not in page  # no identity under a status consent


def test_referrals_are_searched_and_exported_as_each_side_may_see_them(
    client, referral, advocate, sheriff_liaison
):
    from referrals.services import referral_transition

    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    verified_login(client, advocate)
    assert search(client, reverse("referrals:list"), "strand").context["received"]
    assert not search(client, reverse("referrals:list"), "nobody").context["received"]
    body = b"".join(client.get(reverse("referrals:export")).streaming_content).decode()
    assert "received,Strand,Kaya" in body and ",Accepted," in body
    verified_login(client, sheriff_liaison)
    body = b"".join(client.get(reverse("referrals:export")).streaming_content).decode()
    assert "sent,Strand,Kaya" in body
    assert ",Received," in body and "Accepted" not in body


def test_a_referral_is_404_to_everyone_but_its_two_agencies(
    client, referral, advocate, sheriff_liaison, wash_prosecutor, coordinator, woodbury_liaison
):
    detail = reverse("referrals:detail", args=[referral.public_id])
    step = reverse("referrals:step", args=[referral.public_id])
    for outsider in (wash_prosecutor, coordinator, woodbury_liaison):
        verified_login(client, outsider)
        assert client.get(detail).status_code == 404
        assert client.post(step, {"to_status": "received"}).status_code == 404
        assert (
            "Strand"
            not in b"".join(client.get(reverse("referrals:export")).streaming_content).decode()
        )
    verified_login(client, sheriff_liaison)
    assert client.get(detail).status_code == 200
    assert client.post(step, {"to_status": "received"}).status_code == 403  # sees, cannot work it
    verified_login(client, advocate)
    assert client.get(detail).status_code == 200


def test_a_signed_release_is_kept_and_opened_only_by_the_victims_agency(
    client, referral, advocate, wash_cao, wash_prosecutor
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from victims.models import Consent
    from victims.services import victim_create

    victim = victim_create(actor=advocate, person=referral.person, identified_how="sting",
                           guardian_note="Mother", address="Lakes Youth Shelter")  # fmt: skip
    verified_login(client, advocate)
    data = {
        "to_agency": wash_cao.pk,
        "scope": "contact",
        "purpose": "Court",
        "signed_on": TODAY().isoformat(),
        "expires_on": (TODAY() + dt.timedelta(days=90)).isoformat(),
        "signed_by_minor": "on",
        "guardian_name": "Ruth",
        "guardian_relationship": "Mother",
    }
    url = reverse("victims:consent_new", args=[victim.public_id])
    fake = client.post(url, data | {"signed_form": SimpleUploadedFile("form.pdf", b"<html>")})
    assert "not a PDF" in str(fake.context["form"].errors["signed_form"])
    assert not Consent.objects.exists()
    pdf = SimpleUploadedFile("release.pdf", b"%PDF-1.7 signed")
    assert client.post(url, data | {"signed_form": pdf}).status_code == 302
    consent = Consent.objects.get()
    form_url = reverse("victims:consent_form", args=[victim.public_id, consent.public_id])
    assert b"".join(client.get(form_url).streaming_content) == b"%PDF-1.7 signed"
    verified_login(client, wash_prosecutor)
    assert client.get(form_url).status_code == 403  # the release names the person: agency only
    page = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert "Lakes Youth Shelter" in page  # the contact scope includes where they stay


def test_a_referral_is_assigned_to_an_advocate_who_finds_it_as_theirs(
    client, referral, advocate, advocate_supervisor, wash_prosecutor
):
    verified_login(client, advocate_supervisor)
    url = reverse("referrals:assign", args=[referral.public_id])
    client.post(url, {"advocate": wash_prosecutor.pk})  # not of this agency: refused
    referral.refresh_from_db()
    assert referral.assigned_advocate is None
    client.post(url, {"advocate": advocate.pk})
    referral.refresh_from_db()
    assert referral.assigned_advocate == advocate
    verified_login(client, advocate)
    assert [r.pk for r in client.get(reverse("home")).context["mine"]] == [referral.pk]
    assert client.get(reverse("referrals:list"), {"mine": "on"}).context["received"]


def test_both_lists_page_through_every_referral_new_first_and_the_export_has_them_all(
    client, monkeypatch, sheriff_liaison, advocacy_center, advocate
):
    """Ordered in SQL over every referral, then paged: the oldest referral nobody has received
    yet leads the receiving agency's list, and the CSV carries every row, not a page's."""
    from cases.services.people import PersonData, person_create
    from referrals import views
    from referrals.services import referral_send

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    sent = []
    for n, first in enumerate(("Ana", "Bea", "Cai", "Dee", "Eli", "Fay", "Gus")):
        born = dt.date(2010, 5, 1 + n)
        person = person_create(actor=sheriff_liaison, data=PersonData(
            first_name=first, last_name="Strand", date_of_birth=born))  # fmt: skip
        sent.append(referral_send(
            actor=sheriff_liaison, person=person, to_agency=advocacy_center, source="police",
            reason="Recovered in the buyer sting", urgency="routine",
        ))  # fmt: skip
    # All but the oldest taken up already (set directly: the steps are tested elsewhere).
    Referral.objects.exclude(pk=sent[0].pk).update(status="accepted")

    verified_login(client, advocate)
    first = client.get(reverse("referrals:list"))
    rows = list(first.context["received"])
    assert [r.pk for r in rows] == [sent[0].pk, sent[6].pk, sent[5].pk]  # new first, then newest
    page = first.content.decode()
    assert "Page 1 of 3, 7 in all" in page and 'rel="next"' in page
    third = client.get(reverse("referrals:list"), {"page": 3})
    assert [r.pk for r in third.context["received"]] == [sent[1].pk]
    assert client.get(reverse("referrals:list"), {"page": "nine"}).status_code == 200
    body = b"".join(client.get(reverse("referrals:export")).streaming_content).decode()
    assert body.count("\nreceived,") == 7

    verified_login(client, sheriff_liaison)
    second = client.get(reverse("referrals:list"), {"sent_page": 2})
    assert [r.pk for r, _ in second.context["sent_rows"]] == [s.pk for s in sent[3:0:-1]]
    assert {label for _, label in second.context["sent_rows"]} == {"Received"}  # no consent
    body = b"".join(client.get(reverse("referrals:export")).streaming_content).decode()
    assert body.count("\nsent,") == 7 and "Strand" in body
