"""An advocate ends a service on the victim's page (completed or declined, with its outcome), as
the API can: errors next to the fields, nothing saved on a bad date, and no one else's to end."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from referrals.services import referral_transition
from taskforce.models import AgencyKind, AuditEvent, Role
from tests.factories import AgencyFactory, member, verified_login
from victims.models import ServiceStatus
from victims.services import consent_record, service_record, victim_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = victim_create(actor=advocate, person=referral.person, identified_how="sting",
                           guardian_note="Mother has custody")  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(victim=victim)
    return victim


@pytest.fixture
def service(victim, advocate):
    return service_record(
        actor=advocate, victim=victim, kind="housing", provider="Harbor House",
        status=ServiceStatus.DELIVERING, offered_on=TODAY() - dt.timedelta(days=20),
        started_on=TODAY() - dt.timedelta(days=18),
    )  # fmt: skip


def end_url(victim, service):
    return reverse("victims:service_end", args=[victim.public_id, service.public_id])


def test_the_advocate_ends_a_service_from_the_victim_page(client, victim, service, advocate):
    verified_login(client, advocate)
    detail = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert end_url(victim, service) in detail
    page = client.get(end_url(victim, service))
    assert page.status_code == 200 and "Harbor House" in page.content.decode()
    done = client.post(
        end_url(victim, service),
        {"ended_on": TODAY().isoformat(), "status": "completed", "outcome": "Moved to own flat"},
        follow=True,
    )
    assert "Housing service ended: completed." in done.content.decode()
    service.refresh_from_db()
    assert (service.status, service.ended_on, service.outcome) == (
        "completed",
        TODAY(),
        "Moved to own flat",
    )
    event = AuditEvent.objects.get(action="victim.service_ended", target_id=victim.pk)
    assert event.actor == advocate and "Moved" not in str(event.changes)
    # An ended service offers no second ending, and a second POST is refused on the page.
    detail = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert end_url(victim, service) not in detail
    again = client.post(end_url(victim, service), {"ended_on": TODAY().isoformat(),
                                                   "status": "declined"})  # fmt: skip
    assert again.status_code == 200 and "already ended" in again.content.decode()
    service.refresh_from_db()
    assert service.status == "completed"


def test_bad_dates_are_shown_next_to_the_field_and_nothing_is_saved(
    client, victim, service, advocate
):
    verified_login(client, advocate)
    for ended_on, message in (
        (TODAY() + dt.timedelta(days=1), "This date is in the future."),
        (TODAY() - dt.timedelta(days=19), "The service ends before it starts."),
    ):
        page = client.post(end_url(victim, service), {"ended_on": ended_on.isoformat(),
                                                      "status": "completed"})  # fmt: skip
        assert page.status_code == 200
        assert page.context["form"].errors["ended_on"] == [message]
    missing = client.post(end_url(victim, service), {"ended_on": TODAY().isoformat()})
    assert "status" in missing.context["form"].errors
    service.refresh_from_db()
    assert (service.status, service.ended_on) == (ServiceStatus.DELIVERING, None)


def test_no_one_else_may_end_it_and_gets_404(
    client, victim, service, advocate, wash_prosecutor, wash_cao
):
    consent_record(
        actor=advocate, victim=victim, to_agency=wash_cao, scope="full", purpose="Prosecution",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=90), signed_by_minor=True,
        guardian_name="Ruth Strand", guardian_relationship="Mother",
    )  # fmt: skip
    other_center = AgencyFactory(name="Other Advocacy", kind=AgencyKind.VICTIM_SERVICES)
    other_advocate = member(other_center, Role.ADVOCATE, username="other_advocate")
    for outsider in (wash_prosecutor, other_advocate):
        verified_login(client, outsider)
        assert client.get(end_url(victim, service)).status_code == 404
        posted = client.post(end_url(victim, service), {"ended_on": TODAY().isoformat(),
                                                        "status": "declined"})  # fmt: skip
        assert posted.status_code == 404
        detail = client.get(reverse("victims:detail", args=[victim.public_id]))
        assert end_url(victim, service) not in detail.content.decode()
    # An id that is not one of this victim's services is 404 too, for the owner as well.
    verified_login(client, advocate)
    stray = reverse("victims:service_end", args=[victim.public_id, uuid.uuid4()])
    assert client.get(stray).status_code == 404
    service.refresh_from_db()
    assert service.status == ServiceStatus.DELIVERING
