"""Reminders: planned with their deadline, sent once each, to people who may still see it."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from deadlines.reminders import send_due_reminders
from taskforce.models import Deadline, Notification, Reminder
from tests.deadlines.conftest import local

pytestmark = pytest.mark.django_db


def test_each_deadline_plans_a_reminder_per_lead_time_and_person(arrest, sheriff_liaison):
    first = Deadline.objects.get(rule="first_appearance")
    planned = sorted(first.reminders.values_list("recipient__username", "send_at"))
    # Due Tuesday at noon: reminded 12 hours and 2 hours before.
    assert planned == [
        ("wcso_liaison", local(2026, 3, 10, 0, 0)),
        ("wcso_liaison", local(2026, 3, 10, 10, 0)),
    ]


def test_reminders_go_out_once_with_a_link_and_no_names(arrest, sheriff_liaison):
    with time_machine.travel(local(2026, 3, 10, 10, 30)):
        sent = send_due_reminders()
        again = send_due_reminders()  # beat fired twice: nothing more
    assert again == 0
    assert sent == Reminder.objects.filter(status="sent").count() == Notification.objects.count()
    assert sent == 4  # both clocks, both lead times, all due by Tuesday 10:30
    assert len(mail.outbox) == 4
    message = mail.outbox[0]
    assert message.extra_headers["Message-ID"].startswith("<reminder-")
    assert arrest.arrestee.last_name not in message.subject + message.body
    assert f"/arrests/{arrest.public_id}/" in message.body


def test_reminders_not_yet_due_wait(arrest):
    with time_machine.travel(local(2026, 3, 9, 9, 0)):
        assert send_due_reminders() == 0
    assert Reminder.objects.filter(status="pending").count() == 4


def test_a_met_deadline_sends_nothing_more(arrest, sheriff_liaison):
    from deadlines.services import deadline_close

    deadline_close(actor=sheriff_liaison, obj=arrest, rule="first_appearance", status="met")
    with time_machine.travel(local(2026, 3, 10, 11, 0)):
        send_due_reminders()
    titles = set(Notification.objects.values_list("title", flat=True))
    assert titles and all(title.startswith("Judicial probable-cause") for title in titles)


def test_a_person_who_left_the_agency_is_not_reminded_nor_is_the_reminder_dropped(
    arrest, sheriff_liaison
):
    from taskforce.models import AuditEvent
    from taskforce.services import membership_end

    membership_end(membership=sheriff_liaison.membership)
    with time_machine.travel(local(2026, 3, 10, 11, 0)):
        assert send_due_reminders() == 0
    # No supervisor at the sheriff's office either: each one is on the trail as undeliverable.
    assert Reminder.objects.filter(status="undeliverable").count() == 4
    assert AuditEvent.objects.filter(action="reminder.undeliverable").count() == 4


def test_a_moved_deadline_moves_its_pending_reminders(arrest, sheriff_liaison):
    from cases.services.arrests import arrest_update

    arrest_update(actor=sheriff_liaison, arrest=arrest, expected_version=1,
                  data={"arrested_at": local(2026, 3, 6, 22, 0)})  # fmt: skip
    first = Deadline.objects.get(rule="first_appearance")
    assert sorted(first.reminders.values_list("send_at", flat=True)) == [
        first.due_at - dt.timedelta(hours=12),
        first.due_at - dt.timedelta(hours=2),
    ]


def test_a_missed_deadline_reaches_the_supervisor_once_after_the_grace(arrest, sheriff):
    from deadlines.reminders import escalate_missed_deadlines
    from tests.factories import member

    supervisor = member(sheriff, "supervisor", username="wcso_supervisor_t", email="sup@x.invalid")
    # Probable cause was due Tuesday 00:30 (48 real hours across the spring clock change);
    # with an hour's grace nothing is escalated at 01:15.
    with time_machine.travel(local(2026, 3, 10, 1, 15)):
        assert escalate_missed_deadlines() == 0
    with time_machine.travel(local(2026, 3, 10, 1, 45)):
        assert escalate_missed_deadlines() == 1
        assert escalate_missed_deadlines() == 0  # once
    [note] = Notification.objects.filter(user=supervisor)
    assert note.title.startswith("Missed: Judicial probable-cause determination")
    assert [m.to for m in mail.outbox] == [["sup@x.invalid"]]


def test_a_met_deadline_is_never_escalated(arrest, sheriff_liaison, sheriff):
    from deadlines.reminders import escalate_missed_deadlines
    from deadlines.services import deadline_close
    from tests.factories import member

    member(sheriff, "supervisor", username="wcso_supervisor_u")
    for rule in ("first_appearance", "probable_cause"):
        deadline_close(actor=sheriff_liaison, obj=arrest, rule=rule, status="met")
    with time_machine.travel(local(2026, 3, 12, 9, 0)):
        assert escalate_missed_deadlines() == 0
    assert not Notification.objects.filter(title__startswith="Missed").exists()
