"""A changed rule (its version went up) or holiday table recomputes open deadlines, moves their
reminders and audits it; closed deadlines stay as they were."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.services.court import court_event_record, court_event_schedule, juvenile_detention_record
from deadlines.calendar import Calendar
from deadlines.reminders import reminders_plan
from deadlines.rules import close_of_business
from deadlines.services import deadline_schedule
from taskforce.models import AuditEvent, Deadline, Holiday, ReminderStatus
from tests.deadlines.conftest import days_ahead, local

pytestmark = pytest.mark.django_db


def _as_version_1(deadline, due_at, context=None):
    """Make a deadline look as version 1 of its rule left it (before context was kept)."""
    Deadline.objects.filter(pk=deadline.pk).update(
        rule_version=1, due_at=due_at, context=context or {}
    )
    deadline.refresh_from_db()
    reminders_plan(deadline)
    return deadline


def _pending_send_times(deadline):
    return {r.send_at for r in deadline.reminders.filter(status=ReminderStatus.PENDING)}


def test_version_1_detention_deadlines_are_recomputed_with_their_reminders_and_audited(
    case, wash_prosecutor
):
    detained = days_ahead(-12, hour=20)
    juvenile_detention_record(actor=wash_prosecutor, case=case, detained_at=detained,
                              facility="metro_adult_jail")  # fmt: skip
    hearing = Deadline.objects.get(rule="juvenile_detention_hearing")
    assert hearing.context == {"facility": "metro_adult_jail"} and hearing.rule_version == 2
    right = hearing.due_at
    # Version 1 skipped weekends and holidays in the 6 hours, and kept no context.
    calendar = Calendar.current()
    old = calendar.add_hours_skipping(detained, 6, skip=lambda d: not calendar.is_court_day(d))
    old = old + dt.timedelta(days=1) if old == right else old  # differs whatever the weekday
    hearing = _as_version_1(hearing, old)
    assert _pending_send_times(hearing) == {
        old - dt.timedelta(hours=6),
        old - dt.timedelta(hours=2),
    }

    call_command("recompute_deadlines")

    hearing.refresh_from_db()
    assert (hearing.due_at, hearing.rule_version) == (right, 2)
    assert hearing.context == {"facility": "metro_adult_jail"}  # found from the detention
    assert _pending_send_times(hearing) == {
        right - dt.timedelta(hours=6),
        right - dt.timedelta(hours=2),
    }
    event = AuditEvent.objects.filter(action="deadline.recomputed").get()
    assert event.changes["rule_version"] == [1, 2]
    assert event.changes["due_at"] == [
        timezone.localtime(old).isoformat(),
        timezone.localtime(right).isoformat(),
    ]
    assert "version 1 to 2" in event.reason


def test_a_review_counts_from_the_orders_day_after_recomputing_and_closed_ones_stay(
    case, wash_prosecutor
):
    calendar = Calendar.current()
    ordered = timezone.localdate() - dt.timedelta(days=19)
    while not calendar.is_court_day(ordered):  # an order on a court day: the two counts differ
        ordered -= dt.timedelta(days=1)
    back = (timezone.localdate() - ordered).days
    juvenile_detention_record(actor=wash_prosecutor, case=case,
                              detained_at=days_ahead(-back - 1, hour=8),
                              facility="secure_juvenile")  # fmt: skip
    held = court_event_schedule(actor=wash_prosecutor, case=case, kind="detention",
                                starts_at=days_ahead(-back))  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=held, status="held", outcome="")
    met = Deadline.objects.get(rule="juvenile_detention_hearing")
    assert met.status == "met"
    met_due = met.due_at
    Deadline.objects.filter(pk=met.pk).update(rule_version=1, due_at=met_due + dt.timedelta(1))
    review = Deadline.objects.get(rule="juvenile_detention_review")
    right = review.due_at
    old = close_of_business(calendar.add_court_days(ordered, 8))  # version 1
    review = _as_version_1(review, old)

    call_command("recompute_deadlines", rule=["juvenile_detention_review"])

    review.refresh_from_db()
    assert (review.due_at, review.rule_version) == (right, 2) and right < old
    met.refresh_from_db()
    assert met.rule_version == 1  # history is never reopened


def test_after_the_holiday_table_changed_open_deadlines_are_counted_again(case, advocacy_center):
    """Sent Thursday July 2, 2026: 2 business days was Monday July 6 while the table lacked
    Friday July 3; with it, Tuesday July 7."""
    friday = Holiday.objects.get(day=dt.date(2026, 7, 3))
    friday.delete()
    early = deadline_schedule(obj=case, rule="first_contact", event_at=local(2026, 7, 2, 10),
                              responsible_agency=advocacy_center)  # fmt: skip
    assert early.due_at == local(2026, 7, 6, 17)
    friday.save()

    call_command("recompute_deadlines")  # versions are current: nothing to do
    early.refresh_from_db()
    assert early.due_at == local(2026, 7, 6, 17)

    call_command("recompute_deadlines", holidays=True)
    early.refresh_from_db()
    assert early.due_at == local(2026, 7, 7, 17)
    event = AuditEvent.objects.get(action="deadline.recomputed")
    assert event.reason == "The holiday table changed"


def test_a_holiday_added_in_the_admin_recounts_open_deadlines(
    client, case, advocacy_center, django_capture_on_commit_callbacks
):
    """The administrator restores Friday July 3, 2026 in the admin: a recount is queued once the
    change commits, and the recount (the queued task, run here) moves the deadline."""
    from deadlines.tasks import recompute_after_holidays_changed
    from tests.factories import UserFactory, verified_login

    Holiday.objects.filter(day=dt.date(2026, 7, 3)).delete()
    early = deadline_schedule(obj=case, rule="first_contact", event_at=local(2026, 7, 2, 10),
                              responsible_agency=advocacy_center)  # fmt: skip
    assert early.due_at == local(2026, 7, 6, 17)
    admin_user = UserFactory(username="holiday_admin", is_staff=True, is_superuser=True)
    verified_login(client, admin_user)
    with django_capture_on_commit_callbacks() as queued:
        added = client.post("/admin/taskforce/holiday/add/", {
            "day": "2026-07-03", "name": "Independence Day (observed)",
            "rule": "645.44 subd. 5: falls on Saturday, observed Friday",
        })  # fmt: skip
    assert added.status_code == 302 and len(queued) == 1
    assert recompute_after_holidays_changed(admin_user.pk) == 1
    early.refresh_from_db()
    assert early.due_at == local(2026, 7, 7, 17)
    assert AuditEvent.objects.filter(action="deadline.recomputed", actor=admin_user).exists()
