"""A due reminder is never dropped: when its person can no longer see the record, the owning
agency's supervisors receive it and are told why (issue #19 §2)."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail

from cases.services.court import court_event_schedule
from deadlines.reminders import send_due_reminders
from taskforce.models import AuditEvent, Deadline, Notification, Reminder, Role
from taskforce.services import membership_end, membership_start
from tests.deadlines.conftest import days_ahead

pytestmark = pytest.mark.django_db
DAY = 24 * 60


@pytest.fixture
def hearing(case, wash_prosecutor):
    """An omnibus hearing ten days out on the case assigned to wash_prosecutor."""
    court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus",
                         starts_at=days_ahead(10))  # fmt: skip
    return Deadline.objects.get(rule="court_event")


def _hearing_notes(user):
    return Notification.objects.filter(user=user, title__startswith="Hearing")


def test_the_moved_prosecutors_hearing_reminder_reaches_the_supervisor_once(
    hearing, wash_prosecutor, wash_supervisor, sheriff
):
    week_before = hearing.reminders.get(lead_minutes=7 * DAY)
    day_before = hearing.reminders.get(lead_minutes=DAY)
    with time_machine.travel(week_before.send_at + dt.timedelta(minutes=5), tick=False):
        send_due_reminders()  # still at the office: the week's reminder is hers
    assert _hearing_notes(wash_prosecutor).count() == 1
    mail.outbox.clear()

    # A day and an hour before the hearing she moves to the sheriff's office.
    with time_machine.travel(day_before.send_at - dt.timedelta(hours=1), tick=False):
        membership_start(user=wash_prosecutor, agency=sheriff, role=Role.POLICE_LIAISON)
    with time_machine.travel(day_before.send_at + dt.timedelta(minutes=1), tick=False):
        first = send_due_reminders()
        again = send_due_reminders()  # beat fired twice
    assert (first, again) == (1, 0)

    assert _hearing_notes(wash_prosecutor).count() == 1  # nothing more to her
    [note] = _hearing_notes(wash_supervisor)
    assert note.redirected_from == day_before
    assert note.body == (
        f"{wash_prosecutor.display_name()} can no longer see this case (moved to another "
        "agency); you are receiving it as supervisor."
    )
    assert note.url.startswith("/")  # the link into the app, as her reminder had
    day_before.refresh_from_db()
    assert day_before.status == "redirected" and day_before.sent_at is not None
    [message] = mail.outbox
    assert message.to == [wash_supervisor.email]
    assert "you are receiving it as supervisor" in message.body
    assert message.extra_headers["Message-ID"] == (
        f"<reminder-{day_before.pk}-via-{wash_supervisor.pk}@taskforce-caseload>"
    )
    [event] = AuditEvent.objects.filter(action="reminder.redirected")
    assert event.reason == "moved to another agency"
    assert event.changes["supervisors"] == ["wash_supervisor"]
    assert hearing.reminders.get(lead_minutes=120).status == "pending"


def test_a_prosecutor_who_left_is_named_as_having_left(hearing, wash_prosecutor, wash_supervisor):
    day_before = hearing.reminders.get(lead_minutes=DAY)
    with time_machine.travel(day_before.send_at - dt.timedelta(hours=1), tick=False):
        membership_end(membership=wash_prosecutor.membership)
    with time_machine.travel(day_before.send_at + dt.timedelta(minutes=1), tick=False):
        send_due_reminders()
    assert not _hearing_notes(wash_prosecutor).exists()
    notes = _hearing_notes(wash_supervisor)
    # The week's reminder, due long before but never sent, goes too: both to the supervisor.
    assert notes.count() == 2
    assert all("(left the agency)" in note.body for note in notes)
    assert set(hearing.reminders.values_list("lead_minutes", "status")) == {
        (7 * DAY, "redirected"), (DAY, "redirected"), (120, "pending"),
    }  # fmt: skip


def test_with_no_supervisor_who_may_see_it_the_reminder_is_undeliverable_and_audited(
    hearing, wash_prosecutor, sheriff, caplog
):
    day_before = hearing.reminders.get(lead_minutes=DAY)
    with time_machine.travel(day_before.send_at - dt.timedelta(hours=1), tick=False):
        membership_start(user=wash_prosecutor, agency=sheriff, role=Role.POLICE_LIAISON)
    with (
        time_machine.travel(day_before.send_at + dt.timedelta(minutes=1), tick=False),
        caplog.at_level(logging.WARNING, logger="deadlines.reminders"),
    ):
        send_due_reminders()  # the arrest's own deadlines still reach the sheriff's liaison
        assert send_due_reminders() == 0
    assert not Notification.objects.filter(title__startswith="Hearing").exists()
    assert set(Reminder.objects.filter(deadline=hearing).values_list("lead_minutes", "status")) == {
        (7 * DAY, "undeliverable"),
        (DAY, "undeliverable"),
        (120, "pending"),
    }
    events = AuditEvent.objects.filter(action="reminder.undeliverable")
    assert events.count() == 2
    assert {e.changes["recipient"] for e in events} == {"wash_prosecutor"}
    warnings = [r for r in caplog.records if "undeliverable" in r.getMessage()]
    assert len(warnings) == 2 and all(r.levelno == logging.WARNING for r in warnings)


def test_a_closed_hearing_still_sends_nothing(hearing, wash_prosecutor, wash_supervisor):
    from cases.models import CourtEvent
    from deadlines.services import deadline_close

    day_before = hearing.reminders.get(lead_minutes=DAY)
    membership_end(membership=wash_prosecutor.membership)
    event = CourtEvent.objects.get(pk=hearing.object_id)
    deadline_close(actor=None, obj=event, rule="court_event", status="met")
    with time_machine.travel(day_before.send_at + dt.timedelta(minutes=1), tick=False):
        send_due_reminders()
    assert not Notification.objects.filter(title__startswith="Hearing").exists()
    assert not hearing.reminders.filter(status__in=["redirected", "undeliverable"]).exists()
