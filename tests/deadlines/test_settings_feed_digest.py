"""A person's own reminder lead times, email switch, daily digest and calendar feed."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar as ICalendar

from cases.services.court import court_event_schedule
from cases.services.handoffs import handoff_create
from deadlines.digests import send_daily_digests
from deadlines.preferences import (
    calendar_feed_rotate,
    format_leads,
    parse_leads,
    reminder_settings_update,
)
from deadlines.reminders import send_due_reminders
from taskforce.models import AuditEvent, Deadline, Digest, Notification, ReminderSettings
from tests.deadlines.conftest import days_ahead, local
from tests.factories import verified_login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_lead_times_are_read_and_written_in_days_hours_and_minutes():
    assert parse_leads("7d, 1d 2h") == [7 * 1440, 1440, 120]
    assert parse_leads("") is None and parse_leads("none") == []
    assert format_leads([7 * 1440, 1440, 90]) == "7d, 1d, 90m"
    for bad in ("soon", "0h", "61d", "1w", "1d,2d,3d,4d,5d,6d"):
        with pytest.raises(Exception):  # noqa: B017 - ValidationError, checked by message below
            parse_leads(bad)


def test_a_person_moves_their_own_reminders_and_no_one_elses(arrest, sheriff_liaison, sheriff):
    from tests.factories import member

    other = member(sheriff, "police_liaison", username="wcso_liaison_2")
    from deadlines.reminders import reminders_plan

    for deadline in Deadline.objects.all():
        reminders_plan(deadline)  # the second liaison joins the recipients
    reminder_settings_update(actor=sheriff_liaison, lead_minutes={"first_appearance": [1440]},
                             email_reminders=True, digest_hour=None)  # fmt: skip
    first = Deadline.objects.get(rule="first_appearance")
    pending = set(
        first.reminders.filter(status="pending").values_list("recipient__username", "lead_minutes")
    )
    assert pending == {("wcso_liaison", 1440), (other.username, 720), (other.username, 120)}
    assert first.reminders.filter(recipient=sheriff_liaison, status="skipped").count() == 2
    assert AuditEvent.objects.filter(action="reminder_settings.changed").count() == 1


def test_the_settings_page_shows_a_bad_lead_time_next_to_its_field(client, sheriff_liaison):
    verified_login(client, sheriff_liaison)
    data = {"lead_first_appearance": "tomorrow", "email_reminders": "on"}
    answer = client.post(reverse("reminder_settings"), data)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "“tomorrow” is not a lead time" in page and "field--invalid" in page
    assert not AuditEvent.objects.filter(action="reminder_settings.changed").exists()


def test_with_email_off_a_reminder_arrives_in_the_app_only(arrest, sheriff_liaison):
    sheriff_liaison.email = "liaison@x.invalid"
    sheriff_liaison.save()
    reminder_settings_update(actor=sheriff_liaison, lead_minutes={}, email_reminders=False,
                             digest_hour=None)  # fmt: skip
    with time_machine.travel(local(2026, 3, 10, 0, 30)):  # the first reminder is due
        assert send_due_reminders() >= 1
    assert Notification.objects.filter(user=sheriff_liaison).exists()
    assert mail.outbox == []


def test_the_daily_digest_comes_once_at_the_chosen_hour_without_names(
    case, wash_prosecutor, patron_13_15
):
    wash_prosecutor.email = "prosecutor@x.invalid"
    wash_prosecutor.save()
    reminder_settings_update(actor=wash_prosecutor, lead_minutes={}, email_reminders=True,
                             digest_hour=7)  # fmt: skip
    tomorrow = TODAY() + dt.timedelta(days=1)
    court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus",
                         starts_at=days_ahead(3))  # fmt: skip
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(6, 50)))):
        assert send_daily_digests() == 0
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(7, 5)))):
        assert send_daily_digests() == 1
        assert send_daily_digests() == 0  # once a day
    [message] = mail.outbox
    assert "this week" in message.subject and "Hearing" in message.body
    defendant = case.defendants.get()
    for text in (message.subject, message.body, message.alternatives[0].content):
        assert defendant.last_name not in text
    assert Digest.objects.get(user=wash_prosecutor).day == tomorrow


@pytest.fixture
def feed_client(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    answer = client.post(reverse("calendar_feed_rotate"), follow=True)
    page = answer.content.decode()
    start = page.index("http://testserver/calendar/")
    url = page[start : page.index('"', start)]
    client.logout()
    return client, url


def test_the_calendar_feed_imports_and_holds_only_what_the_person_may_see(
    feed_client, case, wash_prosecutor, ramsey_prosecutor, sheriff_liaison, operation,
    make_arrests, ramsey_cao,
):  # fmt: skip
    client, url = feed_client
    hearing = court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus",
                                   starts_at=days_ahead(5), courtroom="Room 3")  # fmt: skip
    [other_arrest] = make_arrests(sheriff_liaison, operation, 1, start=2)
    other_case = handoff_create(actor=sheriff_liaison, arrests=[other_arrest],
                                to_agency=ramsey_cao)[0].case  # fmt: skip
    court_event_schedule(actor=ramsey_prosecutor, case=other_case, kind="trial",
                         starts_at=days_ahead(6))  # fmt: skip
    answer = client.get(url.removeprefix("http://testserver"))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/calendar")
    parsed = ICalendar.from_ical(answer.content)
    events = {str(e["summary"]): e for e in parsed.walk("VEVENT")}
    assert f"Omnibus hearing: case {case.number}" in events
    assert events[f"Omnibus hearing: case {case.number}"].decoded("dtstart") == hearing.starts_at
    assert "Due: Charging decision on a handed-off arrest" in events
    assert not any(summary.startswith("Trial") for summary in events)  # the other office's
    assert case.defendants.get().last_name not in answer.content.decode()
    assert AuditEvent.objects.filter(action="calendar_feed.fetched", actor=wash_prosecutor).exists()


def test_a_rotated_or_disabled_feed_address_answers_404(feed_client, wash_prosecutor):
    client, url = feed_client
    path = url.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    calendar_feed_rotate(actor=wash_prosecutor)
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    token = calendar_feed_rotate(actor=wash_prosecutor)
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 200
    verified_login(client, wash_prosecutor)
    client.post(reverse("calendar_feed_disable"))
    client.logout()
    assert client.get(reverse("calendar_feed", args=[token])).status_code == 404
    assert not ReminderSettings.objects.get(user=wash_prosecutor).calendar_token_hash


def test_the_feed_address_is_shown_once(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    first = client.post(reverse("calendar_feed_rotate"), follow=True).content.decode()
    assert "/calendar/" in first
    again = client.get(reverse("reminder_settings")).content.decode()
    assert "http://testserver/calendar/" not in again
