"""An advocate keeps a victim's record current, one section a page: versioned, audited as changed
without content, seen changed by the owning agency's supervisors, and no one else's to edit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models.people import age_group_on
from referrals.models import Referral
from referrals.services import referral_transition
from taskforce.audit import REDACTED
from taskforce.models import AgencyKind, AuditEvent, Role
from tests.factories import AgencyFactory, member, verified_login
from victims.models import Victim
from victims.services import consent_record, victim_create, victim_update

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = victim_create(
        actor=advocate, person=referral.person, identified_how="sting",
        guardian_note="Mother has custody", address="Old shelter", phone="651-555-0100",
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    return victim


def url(section, victim):
    return reverse(f"victims:edit_{section}", args=[victim.public_id])


CONTACT = {
    "address": "Harbor House, room 4",
    "phone": "651-555-0199",
    "contact_method": "Text first",
    "safe_times": "Weekdays after 3pm",
    "safety_concerns": "Trafficker knows the old shelter",
    "language": "Spanish",
    "interpreter_needed": "on",
}


def changes_of(victim):
    return [
        e.changes for e in AuditEvent.objects.filter(action="victim.changed", target_id=victim.pk)
    ]


def test_the_advocate_edits_contact_and_safety(client, victim, advocate):
    verified_login(client, advocate)
    form = client.get(url("contact", victim))
    assert form.status_code == 200
    assert form.context["form"].initial["address"] == "Old shelter"  # prefilled
    assert AuditEvent.objects.filter(action="victim.viewed", actor=advocate).exists()
    response = client.post(url("contact", victim), {**CONTACT, "version": victim.version})
    assert response["Location"] == reverse("victims:detail", args=[victim.public_id])
    victim.refresh_from_db()
    assert (victim.address, victim.phone, victim.safety_concerns, victim.interpreter_needed) == (
        "Harbor House, room 4", "651-555-0199", "Trafficker knows the old shelter", True
    )  # fmt: skip
    assert victim.version == 2
    [changes] = changes_of(victim)
    for name in ("address", "phone", "contact_method", "safe_times", "safety_concerns"):
        assert changes[name] == REDACTED
    assert changes["interpreter_needed"] == [False, True]
    assert "Harbor" not in str(changes) and "555" not in str(changes)
    page = client.get(reverse("victims:detail", args=[victim.public_id]))
    assert "Contact and safety saved." in page.content.decode()


def test_the_advocate_edits_custody_and_a_minor_keeps_a_note(client, victim, advocate):
    verified_login(client, advocate)
    empty = client.post(url("guardian", victim), {"guardian_note": " ", "version": 1})
    assert "guardian_note" in empty.context["form"].errors
    client.post(url("guardian", victim), {"guardian_note": "Aunt has custody now", "version": 1})
    victim.refresh_from_db()
    assert victim.guardian_note == "Aunt has custody now"
    assert changes_of(victim) == [{"guardian_note": REDACTED}]


def test_the_advocate_edits_screening_and_an_override_needs_a_reason(client, victim, advocate):
    verified_login(client, advocate)
    screening = {"screening_tool": "MYTEI", "screening_version": "2", "screening_score": "High",
                 "screener": "J. Olson", "screened_on": TODAY(), "version": 1}  # fmt: skip
    refused = client.post(url("screening", victim), {**screening, "safe_harbor_override": "false"})
    assert "override_reason" in refused.context["form"].errors
    assert Victim.objects.get(pk=victim.pk).version == 1
    client.post(url("screening", victim), {**screening, "safe_harbor_override": "false",
                                           "override_reason": "Aged out in March"})  # fmt: skip
    victim.refresh_from_db()
    assert (victim.screening_tool, victim.safe_harbor_override) == ("MYTEI", False)
    assert victim.override_reason == "Aged out in March"
    [changes] = changes_of(victim)
    assert changes["override_reason"] == REDACTED and "Aged out" not in str(changes)
    # What the screening found stays out of the trail too; which tool was used is recorded.
    assert changes["screening_score"] == REDACTED and changes["screening_tool"][1] == "MYTEI"


def test_a_stale_edit_is_refused_with_both_versions_and_nothing_saved(
    client, victim, advocate, advocacy_center
):
    colleague = member(advocacy_center, Role.ADVOCATE, username="scv_colleague")
    victim_update(actor=colleague, victim=victim, expected_version=1, section="contact",
                  data={"address": "Colleague's address"})  # fmt: skip
    verified_login(client, advocate)
    response = client.post(url("contact", victim), {**CONTACT, "version": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "after you opened it" in html and "Nothing of yours was saved" in html
    assert "Colleague&#x27;s address" in html and "Harbor House, room 4" in html  # theirs, yours
    assert response.context["conflict"]
    victim.refresh_from_db()
    assert (victim.address, victim.version) == ("Colleague's address", 2)
    assert response.context["form"].data["version"] == 2  # saving again is a knowing choice


def test_another_agency_gets_404_and_nothing_changes(client, victim, advocate, wash_prosecutor,
                                                     wash_cao):  # fmt: skip
    # The prosecutor sees the full record under consent, and still may not edit it.
    consent_record(
        actor=advocate, victim=victim, to_agency=wash_cao, scope="full", purpose="Prosecution",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=90), signed_by_minor=True,
        guardian_name="Ruth Strand", guardian_relationship="Mother",
    )  # fmt: skip
    other_center = AgencyFactory(name="Other Advocacy", kind=AgencyKind.VICTIM_SERVICES)
    other_advocate = member(other_center, Role.ADVOCATE, username="other_advocate")
    for outsider in (wash_prosecutor, other_advocate):
        verified_login(client, outsider)
        for section in ("contact", "guardian", "screening"):
            assert client.get(url(section, victim)).status_code == 404
            posted = client.post(url(section, victim), {**CONTACT, "guardian_note": "x",
                                                        "version": 1})  # fmt: skip
            assert posted.status_code == 404
    victim.refresh_from_db()
    assert (victim.address, victim.version) == ("Old shelter", 1)
    assert not changes_of(victim)


def test_edit_is_offered_only_to_those_who_may_change(
    client, victim, advocate, advocate_supervisor, wash_prosecutor, wash_cao
):
    consent_record(
        actor=advocate, victim=victim, to_agency=wash_cao, scope="full", purpose="Prosecution",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=90), signed_by_minor=True,
        guardian_name="Ruth Strand", guardian_relationship="Mother",
    )  # fmt: skip
    detail = reverse("victims:detail", args=[victim.public_id])
    edit_links = [url(s, victim) for s in ("contact", "guardian", "screening")]
    for person in (advocate, advocate_supervisor):
        verified_login(client, person)
        html = client.get(detail).content.decode()
        assert all(link in html for link in edit_links), person
    verified_login(client, wash_prosecutor)
    html = client.get(detail).content.decode()
    assert "Mother has custody" in html  # the full record, under consent
    assert not any(link in html for link in edit_links)


def test_supervisors_see_the_change_by_field_name_only(client, victim, advocate,
                                                       advocate_supervisor):  # fmt: skip
    victim_update(actor=advocate, victim=victim, expected_version=1, section="contact",
                  data={"address": "Harbor House", "phone": "651-555-0199"})  # fmt: skip
    verified_login(client, advocate_supervisor)
    html = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    history = html[html.index('id="access-history"') :]
    assert "victim.changed (address, phone)" in history
    assert "Harbor House" not in history and "555-0199" not in history


def test_the_advocate_corrects_when_and_how_the_person_was_identified(client, victim, advocate):
    verified_login(client, advocate)
    page = client.get(url("identification", victim))
    assert page.status_code == 200
    future = client.post(url("identification", victim), {
        "identified_on": (TODAY() + dt.timedelta(days=2)).isoformat(),
        "identified_how": "hotel", "version": victim.version,
    })  # fmt: skip
    assert future.context["form"].errors["identified_on"] == ["This date is in the future."]
    # Identified years ago, the youth (born 16 years back) was a minor then as now; a date
    # before they were born would not matter here, so move it two years back.
    earlier = TODAY() - dt.timedelta(days=730)
    saved = client.post(url("identification", victim), {
        "identified_on": earlier.isoformat(), "identified_how": "hotel",
        "version": victim.version,
    })  # fmt: skip
    assert saved.status_code == 302
    victim.refresh_from_db()
    assert (victim.identified_on, victim.identified_how) == (earlier, "hotel")
    assert victim.age_group == age_group_on(victim.person.date_of_birth, earlier)
    assert changes_of(victim)[-1].keys() >= {"identified_on", "identified_how"}
