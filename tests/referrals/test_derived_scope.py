"""A referral's deadlines are its progress: its sender sees them only as the referral's own page
would show its status (no further than "received" without the victim's consent), on every
channel: the API, the deadlines page, the calendar feed, the report, reminders. A victim's
consent deadlines stay with the victim's agency, as its consents do."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar as ICalendar

from deadlines.preferences import calendar_feed_rotate
from deadlines.records import deadlines_visible
from deadlines.reminders import send_due_reminders
from referrals.selectors import status_capped, status_shown
from referrals.services import referral_open_victim, referral_transition
from taskforce.models import Deadline, Notification, Reminder, Role
from tests.api.conftest import ApiClient, token_for
from tests.factories import member, verified_login
from victims.services import consent_record, contact_record

pytestmark = pytest.mark.django_db
FIRST_CONTACT = "First contact with the person referred"
FOLLOW_UP = "Follow-up with the person served"
CONSENT_EXPIRY = "Victim's consent to share expires"
REFERRAL_RULES = {FIRST_CONTACT, FOLLOW_UP}
NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0))  # a Tuesday morning


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def served(referral, advocate):
    """Received, accepted and the victim's record opened; a first contact an hour ago met the
    first-contact clock and started the follow-up one."""
    for status in ("received", "accepted"):
        referral = referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Mother"
    )
    contact_record(actor=advocate, victim=victim, at=timezone.now() - dt.timedelta(hours=1),
                   method="phone", reached=True)  # fmt: skip
    referral.refresh_from_db()
    assert set(Deadline.objects.values_list("title", flat=True)) >= REFERRAL_RULES
    return referral, victim


def consent_to(advocate, victim, agency):
    return consent_record(
        actor=advocate, victim=victim, to_agency=agency, scope="status", purpose="Updates",
        signed_on=timezone.localdate(), expires_on=timezone.localdate() + dt.timedelta(days=90),
        signed_by_minor=True, guardian_name="Ruth Strand", guardian_relationship="Mother",
    )  # fmt: skip


def api_titles(user) -> set[str]:
    answer = ApiClient(token_for(user)).get("/api/deadlines/", {"page_size": 200})
    assert answer.status_code == 200, answer.content
    return {row["title"] for row in answer.json()["results"]}


def page_text(client, user) -> str:
    verified_login(client, user)
    answer = client.get(reverse("deadlines"))
    assert answer.status_code == 200
    client.logout()
    return answer.content.decode()


def feed_summaries(client, user) -> set[str]:
    token = calendar_feed_rotate(actor=user)
    answer = client.get(reverse("calendar_feed", args=[token]))
    assert answer.status_code == 200
    return {str(event["summary"]) for event in ICalendar.from_ical(answer.content).walk("VEVENT")}


def report_rules(client, user) -> set[str]:
    verified_login(client, user)
    end = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    answer = client.get(reverse("report", args=["deadlines"]), {"end": end})
    assert answer.status_code == 200
    client.logout()
    [people] = [t for t, _ in answer.context["tables"] if t.key == "deadlines-people"]
    return {label for label, _ in people.body}


def test_the_sender_without_consent_sees_no_deadline_of_the_referral_over_the_api(
    served, sheriff_liaison, advocate
):
    referral, _ = served
    assert status_shown(sheriff_liaison, referral) == "received"  # what its page shows
    assert not api_titles(sheriff_liaison) & REFERRAL_RULES
    assert api_titles(advocate) >= REFERRAL_RULES
    deadline = Deadline.objects.get(rule="follow_up")
    one = ApiClient(token_for(sheriff_liaison)).get(f"/api/deadlines/{deadline.public_id}/")
    assert one.status_code == 404


def test_the_victims_consent_to_the_sender_shows_it_the_referrals_deadlines(
    served, sheriff_liaison, sheriff, advocate
):
    referral, victim = served
    consent_to(advocate, victim, sheriff)
    assert status_shown(sheriff_liaison, referral) == "accepted"
    assert not status_capped(sheriff_liaison, referral)
    assert api_titles(sheriff_liaison) >= REFERRAL_RULES
    # A consent to the sender is the victim agency's own business: its deadline is not shown.
    assert CONSENT_EXPIRY not in api_titles(sheriff_liaison)
    assert CONSENT_EXPIRY in api_titles(advocate)


def test_a_consent_to_another_agency_shows_the_sender_nothing_more(
    served, sheriff_liaison, advocate, wash_cao, wash_prosecutor
):
    referral, victim = served
    consent_to(advocate, victim, wash_cao)
    assert status_capped(sheriff_liaison, referral)
    assert not api_titles(sheriff_liaison) & REFERRAL_RULES
    # The prosecutor the consent names sees the victim, not its consents' deadlines.
    assert CONSENT_EXPIRY not in api_titles(wash_prosecutor)


def test_the_deadlines_page_and_calendar_feed_show_the_sender_no_first_contact(
    client, referral, sheriff_liaison, advocate
):
    # Just sent: the first contact is due within the week at the receiving agency.
    due = timezone.localtime(Deadline.objects.get(rule="first_contact").due_at)
    assert due - timezone.now() < dt.timedelta(days=7)
    assert FIRST_CONTACT in page_text(client, advocate)
    assert FIRST_CONTACT not in page_text(client, sheriff_liaison)
    assert f"Due: {FIRST_CONTACT}" in feed_summaries(client, advocate)
    assert not {s for s in feed_summaries(client, sheriff_liaison) if FIRST_CONTACT in s}
    assert not deadlines_visible(sheriff_liaison).filter(rule="first_contact").exists()


def test_the_senders_report_counts_the_referrals_deadlines_only_under_consent(
    client, served, sheriff, advocate, advocate_supervisor
):
    _, victim = served
    sheriff_supervisor = member(sheriff, Role.SUPERVISOR, username="wcso_supervisor")
    assert not report_rules(client, sheriff_supervisor) & REFERRAL_RULES
    assert report_rules(client, advocate_supervisor) >= REFERRAL_RULES
    consent_to(advocate, victim, sheriff)
    assert report_rules(client, sheriff_supervisor) >= REFERRAL_RULES
    assert CONSENT_EXPIRY not in report_rules(client, sheriff_supervisor)


def test_a_reminder_of_the_referral_never_reaches_the_sender_without_consent(
    served, sheriff_liaison, sheriff, advocate
):
    from deadlines.records import may_hear_of  # the sweep's question (new: here to fail alone)

    referral, victim = served
    follow_up = Deadline.objects.get(rule="follow_up")
    Reminder.objects.create(deadline=follow_up, recipient=sheriff_liaison, lead_minutes=60,
                            send_at=timezone.now() - dt.timedelta(minutes=1))  # fmt: skip
    assert may_hear_of([(advocate, referral)]) == {(advocate.pk, type(referral), referral.pk)}
    assert may_hear_of([(sheriff_liaison, referral)]) == set()
    send_due_reminders()
    assert not Notification.objects.filter(user=sheriff_liaison).exists()
    consent_to(advocate, victim, sheriff)
    assert may_hear_of([(sheriff_liaison, referral)]) == {
        (sheriff_liaison.pk, type(referral), referral.pk)
    }


def test_the_senders_list_shows_each_status_as_its_page_would_in_a_fixed_few_queries(
    served, sheriff_liaison, sheriff, advocate, django_assert_max_num_queries
):
    """The sender's list asks whose progress it sees once for all its referrals
    (`access.progress_shown_each`), with the answer each referral's page gives."""
    from cases.services.people import PersonData, person_create
    from referrals.selectors import referrals_sent
    from referrals.services import referral_send

    referral, victim = served
    others = []
    for first in ("Ana", "Bea", "Cai"):
        person = person_create(actor=sheriff_liaison, data=PersonData(
            first_name=first, last_name="Strand", date_of_birth=dt.date(2010, 5, 1)))  # fmt: skip
        others.append(referral_send(
            actor=sheriff_liaison, person=person, to_agency=advocate.agency, source="police",
            reason="Recovered in the buyer sting", urgency="routine",
        ))  # fmt: skip
    sent = {other.pk: "Sent" for other in others}
    sheriff_liaison.membership  # noqa: B018 - loaded once per request, as a page does

    def listed() -> dict:
        # The ids in their order, those rows, whose progress is shown: however many referrals.
        with django_assert_max_num_queries(3):
            return {r.pk: label for r, label in referrals_sent(actor=sheriff_liaison)}

    assert listed() == {referral.pk: "Received"} | sent  # capped: no consent
    assert status_shown(sheriff_liaison, referral) == "received"
    consent_to(advocate, victim, sheriff)
    assert listed() == {referral.pk: "Accepted"} | sent
    assert status_shown(sheriff_liaison, referral) == "accepted"
