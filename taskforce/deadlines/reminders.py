"""Reminders of deadlines: planned as rows with the deadline, dispatched exactly once.

Not Celery ETA tasks: Redis redelivers unacknowledged ETA tasks (shared/STACK.md). A beat task
runs `send_due_reminders` every minute; each batch claims due rows with SELECT … FOR UPDATE
SKIP LOCKED, so two dispatchers never take the same row, writes the in-app notification and the
email, and marks the rows sent in the same transaction. A worker killed mid-batch rolls its
batch back, and the rows are sent by the next run. Email cannot be exactly-once across such a
crash; each message carries a Message-ID made from the reminder, so a mail system can drop a
repeat.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from taskforce import access
from taskforce.models import (
    Deadline,
    DeadlineStatus,
    Membership,
    Notification,
    Reminder,
    ReminderStatus,
    Role,
)

logger = logging.getLogger(__name__)

# Lead times by rule, in minutes before the due time.
LEAD_MINUTES: dict[str, list[int]] = {
    "first_appearance": [12 * 60, 2 * 60],
    "probable_cause": [12 * 60, 2 * 60],
    "charging_decision": [7 * 24 * 60, 24 * 60],
    "first_contact": [24 * 60, 2 * 60],
    "follow_up": [24 * 60],
    "disposition_notice": [3 * 24 * 60, 24 * 60],
}
# Who at the responsible agency hears of a deadline with no one person responsible.
RECIPIENT_ROLES = {Role.PROSECUTOR, Role.POLICE_LIAISON, Role.ADVOCATE}


def _recipients(deadline: Deadline):
    if deadline.responsible_user is not None:
        return [deadline.responsible_user]
    memberships = Membership.objects.filter(
        agency=deadline.responsible_agency,
        ended_at__isnull=True,
        role__in=RECIPIENT_ROLES,
        user__is_active=True,
    ).select_related("user")
    return [membership.user for membership in memberships]


def reminders_plan(deadline: Deadline) -> None:
    """Create (or move) the pending reminders of an open deadline; close them if it is not."""
    pending = deadline.reminders.filter(status=ReminderStatus.PENDING)
    if deadline.status != DeadlineStatus.OPEN:
        pending.update(status=ReminderStatus.SKIPPED)
        return
    for lead in LEAD_MINUTES.get(deadline.rule, []):
        send_at = deadline.due_at - dt.timedelta(minutes=lead)
        for recipient in _recipients(deadline):
            reminder, created = Reminder.objects.get_or_create(
                deadline=deadline,
                recipient=recipient,
                lead_minutes=lead,
                defaults={"send_at": send_at},
            )
            if not created and reminder.status == ReminderStatus.PENDING:
                Reminder.objects.filter(pk=reminder.pk).update(send_at=send_at)


def _still_wanted(reminder: Reminder) -> bool:
    """Re-checked at sending: the deadline is still open, the person may still see its record."""
    deadline = reminder.deadline
    if deadline.status != DeadlineStatus.OPEN:
        return False
    record = deadline.content_type.get_object_for_this_type(pk=deadline.object_id)
    return access.can(reminder.recipient, access.Action.VIEW, record)


def _deliver(reminder: Reminder, now: dt.datetime) -> None:
    from taskforce.deadlines.selectors import attach_urls

    deadline = reminder.deadline
    attach_urls([deadline])
    due = timezone.localtime(deadline.due_at)
    # No victim's or defendant's identity in the reminder: the link leads into the app.
    title = f"{deadline.title}: due {due:%a %b %-d, %H:%M}"
    Notification.objects.create(
        user=reminder.recipient, title=title, url=deadline.url, reminder=reminder
    )
    if reminder.recipient.email:
        message = EmailMultiAlternatives(
            subject=f"Reminder: {title}",
            body=(
                f"{title}\n({deadline.source})\n\n"
                f"Open it in Task Force Caseload: {settings.SITE_URL}{deadline.url}\n"
            ),
            to=[reminder.recipient.email],
            headers={"Message-ID": f"<reminder-{reminder.pk}@taskforce-caseload>"},
        )
        link = escape(f"{settings.SITE_URL}{deadline.url}")
        message.attach_alternative(
            f"<p><strong>{escape(title)}</strong><br>{escape(deadline.source)}</p>"
            f'<p><a href="{link}">Open it in Task Force Caseload</a></p>',
            "text/html",
        )
        message.send()
    logger.info("reminder %s sent to user %s for deadline %s", reminder.pk,
                reminder.recipient_id, deadline.public_id)  # fmt: skip


def send_due_reminders(now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Send every reminder due by `now`, batch by batch; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=ReminderStatus.PENDING, send_at__lte=now)
                .select_related("deadline__content_type", "recipient")
                .order_by("send_at", "id")[:batch_size]
            )
            if not batch:
                return sent
            for reminder in batch:
                if _still_wanted(reminder):
                    _deliver(reminder, now)
                    reminder.status = ReminderStatus.SENT
                    reminder.sent_at = timezone.now()
                    sent += 1
                else:
                    reminder.status = ReminderStatus.SKIPPED
            Reminder.objects.bulk_update(batch, ["status", "sent_at"])


def escalate_missed_deadlines(now: dt.datetime | None = None) -> int:
    """Tell the responsible agency's supervisors, once, of each deadline missed by more than
    the grace period (DEADLINE_GRACE_MINUTES). Returns how many deadlines were escalated."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.DEADLINE_GRACE_MINUTES)
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=DeadlineStatus.OPEN, escalated_at__isnull=True, due_at__lt=cutoff)
                .select_related("content_type", "responsible_agency")
                .order_by("due_at", "id")[:200]
            )
            if not batch:
                return escalated
            from taskforce.deadlines.selectors import attach_urls

            attach_urls(batch)
            for deadline in batch:
                record = deadline.content_type.get_object_for_this_type(pk=deadline.object_id)
                supervisors = [
                    m.user
                    for m in Membership.objects.filter(
                        agency=deadline.responsible_agency, ended_at__isnull=True,
                        role=Role.SUPERVISOR, user__is_active=True,
                    ).select_related("user")
                    if access.can(m.user, access.Action.VIEW, record)
                ]  # fmt: skip
                due = timezone.localtime(deadline.due_at)
                title = f"Missed: {deadline.title} (was due {due:%a %b %-d, %H:%M})"
                for supervisor in supervisors:
                    Notification.objects.create(user=supervisor, title=title, url=deadline.url)
                    if supervisor.email:
                        EmailMultiAlternatives(
                            subject=title,
                            body=f"{title}\n{settings.SITE_URL}{deadline.url}\n",
                            to=[supervisor.email],
                            headers={"Message-ID": f"<escalation-{deadline.pk}-{supervisor.pk}"
                                                   "@taskforce-caseload>"},
                        ).send()  # fmt: skip
                deadline.escalated_at = now
                escalated += 1
                logger.info("deadline %s escalated to %d supervisors", deadline.public_id,
                            len(supervisors))  # fmt: skip
            Deadline.objects.bulk_update(batch, ["escalated_at"])
