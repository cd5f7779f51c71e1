"""Reminders of deadlines: planned as rows with the deadline, dispatched exactly once.

Not Celery ETA tasks: Redis redelivers unacknowledged ETA tasks (shared/STACK.md). A beat task
runs `send_due_reminders` every minute; each batch claims due rows with SELECT … FOR UPDATE SKIP
LOCKED, so two dispatchers never take the same row, writes the in-app notifications and the
emails, and marks the rows sent in the same transaction. A worker killed mid-batch rolls its
batch back, and the rows are sent by the next run. Email cannot be exactly-once across such a
crash; each message carries a Message-ID made from the reminder, so a mail system can drop a
repeat.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from deadlines.records import guard_records, may_hear_of
from deadlines.rules import RECIPIENTS, RULES
from deadlines.selectors import attach_urls
from taskforce import audit
from taskforce.models import (
    Deadline,
    DeadlineStatus,
    Membership,
    Notification,
    Reminder,
    ReminderSettings,
    ReminderStatus,
    Role,
    User,
)
from taskforce.selectors import agency_supervisors

logger = logging.getLogger(__name__)

# Who at the responsible agency hears of a deadline with no one person responsible.
RECIPIENT_ROLES = {Role.PROSECUTOR, Role.POLICE_LIAISON, Role.ADVOCATE}


def _recipients(deadline: Deadline) -> list[User]:
    if deadline.rule in RECIPIENTS:
        people = [person for find in RECIPIENTS[deadline.rule] for person in find(deadline)]
        if people:
            return list({person.pk: person for person in people if person.is_active}.values())
    if deadline.responsible_user is not None:
        return [deadline.responsible_user]
    memberships = Membership.objects.filter(
        agency=deadline.responsible_agency,
        ended_at__isnull=True,
        role__in=RECIPIENT_ROLES,
        user__is_active=True,
    ).select_related("user")
    return [membership.user for membership in memberships]


def lead_minutes_for(user: User, rule: str, chosen: dict | None = None) -> list[int]:
    """The person's own lead times for a rule, or the rule's defaults."""
    if chosen is None:
        chosen = (
            ReminderSettings.objects.filter(user=user)
            .values_list("lead_minutes", flat=True)
            .first()
            or {}
        )
    own = chosen.get(rule)
    return sorted(set(own), reverse=True) if own is not None else list(RULES[rule].lead_minutes)


def reminders_plan(deadline: Deadline) -> None:
    """Create, move or drop the pending reminders of a deadline so they match its due time, its
    recipients and their lead times; a deadline no longer open keeps none pending."""
    pending = deadline.reminders.filter(status=ReminderStatus.PENDING)
    if deadline.status != DeadlineStatus.OPEN:
        pending.update(status=ReminderStatus.SKIPPED)
        return
    recipients = _recipients(deadline)
    chosen = dict(
        ReminderSettings.objects.filter(user__in=recipients).values_list("user", "lead_minutes")
    )
    existing = {(r.recipient_id, r.lead_minutes): r for r in deadline.reminders.all()}
    wanted = set()
    for recipient in recipients:
        for lead in lead_minutes_for(recipient, deadline.rule, chosen.get(recipient.pk, {})):
            key = (recipient.pk, lead)
            wanted.add(key)
            send_at = deadline.due_at - dt.timedelta(minutes=lead)
            reminder = existing.get(key)
            if reminder is None:
                Reminder.objects.create(
                    deadline=deadline, recipient=recipient, lead_minutes=lead, send_at=send_at
                )
            elif reminder.status != ReminderStatus.SENT and (
                reminder.send_at != send_at or reminder.status != ReminderStatus.PENDING
            ):
                Reminder.objects.filter(pk=reminder.pk).update(
                    send_at=send_at, status=ReminderStatus.PENDING
                )
    dropped = [r.pk for key, r in existing.items() if key not in wanted]
    pending.filter(pk__in=dropped).update(status=ReminderStatus.SKIPPED)


def _wanted(batch: list[Reminder], guards: dict) -> set[int]:
    """The reminders still to send: the deadline is open and the person may still see its
    record (`guards`: deadline pk → that record), decided for the whole batch at once."""
    open_ones = [r for r in batch if r.deadline.status == DeadlineStatus.OPEN]
    pairs = [
        (reminder.recipient, guards[reminder.deadline_id])
        for reminder in open_ones
        if reminder.deadline_id in guards
    ]
    allowed = may_hear_of(pairs)
    return {
        reminder.pk
        for reminder in open_ones
        if reminder.deadline_id in guards
        and _key(reminder.recipient_id, guards[reminder.deadline_id]) in allowed
    }


def _key(user_pk: int, record) -> tuple[int, type, int]:
    return (user_pk, type(record), record.pk)


def _message(reminder: Reminder) -> tuple[Notification, EmailMultiAlternatives | None]:
    deadline = reminder.deadline
    due = timezone.localtime(deadline.due_at)
    # No victim's or defendant's identity in the reminder: the link leads into the app.
    title = f"{deadline.title}: due {due:%a %b %-d, %H:%M}"
    notification = Notification(
        user=reminder.recipient, title=title, url=deadline.url, reminder=reminder
    )
    if not reminder.recipient.email or not reminder.email_wanted:
        return notification, None
    link = f"{settings.SITE_URL}{deadline.url}"
    message = EmailMultiAlternatives(
        subject=f"Reminder: {title}",
        body=f"{title}\n({deadline.source})\n\nOpen it in Task Force Caseload: {link}\n",
        to=[reminder.recipient.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}@taskforce-caseload>"},
    )
    message.attach_alternative(
        f"<p><strong>{escape(title)}</strong><br>{escape(deadline.source)}</p>"
        f'<p><a href="{escape(link)}">Open it in Task Force Caseload</a></p>',
        "text/html",
    )
    return notification, message


# The statuses of a reminder that reached someone, and when.
_DELIVERED = {ReminderStatus.SENT, ReminderStatus.REDIRECTED}


def _why_not(person: User, agency_id: int) -> str:
    """Why a person may no longer see a record of their agency, in a few words."""
    if not person.is_active:
        return "account deactivated"
    membership = person.membership
    if membership is None:
        return "left the agency"
    if membership.agency_id != agency_id:
        return "moved to another agency"
    return "no longer has access"


def _redirect_message(
    reminder: Reminder, supervisor: User, record, email_wanted: bool
) -> tuple[Notification, EmailMultiAlternatives | None]:
    """The reminder its recipient can no longer see, as its agency's supervisor receives it:
    the same title and link, and why it came to them."""
    deadline = reminder.deadline
    due = timezone.localtime(deadline.due_at)
    title = f"{deadline.title}: due {due:%a %b %-d, %H:%M}"
    reason = _why_not(reminder.recipient, deadline.responsible_agency_id)
    why = (
        f"{reminder.recipient.display_name()} can no longer see this "
        f"{record._meta.verbose_name} ({reason}); you are receiving it as supervisor."
    )
    notification = Notification(
        user=supervisor, title=title, body=why, url=deadline.url, redirected_from=reminder
    )
    if not supervisor.email or not email_wanted:
        return notification, None
    link = f"{settings.SITE_URL}{deadline.url}"
    message = EmailMultiAlternatives(
        subject=f"Reminder: {title}",
        body=f"{title}\n({deadline.source})\n\n{why}\n\nOpen it in Task Force Caseload: {link}\n",
        to=[supervisor.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}-via-{supervisor.pk}@taskforce-caseload>"},
    )
    message.attach_alternative(
        f"<p><strong>{escape(title)}</strong><br>{escape(deadline.source)}</p>"
        f"<p>{escape(why)}</p>"
        f'<p><a href="{escape(link)}">Open it in Task Force Caseload</a></p>',
        "text/html",
    )
    return notification, message


def _redirects(lost: list[Reminder], guards: dict) -> dict[int, list[User]]:
    """Reminder pk → the supervisors of the deadline's responsible agency who may see its
    record, for reminders of open deadlines whose recipient no longer may (none: undeliverable)."""
    found: dict[int, list[User]] = {}
    by_deadline: dict[int, list[User]] = {}
    for reminder in lost:
        deadline = reminder.deadline
        if deadline.pk not in by_deadline:
            record = guards.get(deadline.pk)
            by_deadline[deadline.pk] = _supervisors_who_see(deadline, record) if record else []
        found[reminder.pk] = by_deadline[deadline.pk]
    return found


# What a sweep reads of a reminder, its deadline and its person: whole rows (a deadline's
# context JSON, a person's password and settings) were decoded and set for every reminder. A
# redirected reminder, rare, reads more (the audit's labels), each field loaded as it is read.
_CLAIMED = (
    "lead_minutes", "status", "deadline__public_id", "deadline__content_type_id",
    "deadline__object_id", "deadline__title", "deadline__source", "deadline__due_at",
    "deadline__status", "deadline__responsible_agency_id", "recipient__email",
    "recipient__is_active", "recipient__username", "recipient__first_name",
    "recipient__last_name",
)  # fmt: skip


def send_due_reminders(now: dt.datetime | None = None, batch_size: int = 500) -> int:
    """Send every reminder due by `now`, batch by batch; returns how many notifications went out.

    A reminder whose recipient may no longer see the record (left or moved agency, deactivated,
    access withdrawn) is never dropped while its deadline is open: it goes to the responsible
    agency's supervisors who may see the record, saying why, and is marked redirected; with no
    such supervisor it is marked undeliverable, audited and logged. Either way in the batch's
    transaction under the row lock, so a second sweep finds nothing left to do."""
    now = now or timezone.now()
    sent = 0
    connection = get_connection()
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=ReminderStatus.PENDING, send_at__lte=now)
                .select_related("deadline", "recipient")
                .only(*_CLAIMED)
                .order_by("send_at", "id")[:batch_size]
            )
            if not batch:
                return sent
            guards = guard_records([r.deadline for r in batch], lean=True)
            wanted = _wanted(batch, guards)
            attach_urls([r.deadline for r in batch], guards)
            lost = [
                r for r in batch
                if r.pk not in wanted and r.deadline.status == DeadlineStatus.OPEN
            ]  # fmt: skip
            redirects = _redirects(lost, guards)
            people = {r.recipient_id for r in batch} | {
                s.pk for supervisors in redirects.values() for s in supervisors
            }
            no_email = set(
                ReminderSettings.objects.filter(user__in=people, email_reminders=False)
                .values_list("user", flat=True)
            )  # fmt: skip
            notifications, emails = [], []
            stamp = timezone.now()
            for reminder in batch:
                if reminder.pk in redirects:
                    supervisors = redirects[reminder.pk]
                    for supervisor in supervisors:
                        notification, email = _redirect_message(
                            reminder, supervisor, guards[reminder.deadline_id],
                            supervisor.pk not in no_email,
                        )  # fmt: skip
                        notifications.append(notification)
                        if email is not None:
                            emails.append(email)
                    _account_for(reminder, supervisors)
                    reminder.status = (
                        ReminderStatus.REDIRECTED if supervisors else ReminderStatus.UNDELIVERABLE
                    )
                    reminder.sent_at = stamp if supervisors else None
                    continue
                if reminder.pk not in wanted:
                    reminder.status = ReminderStatus.SKIPPED
                    continue
                reminder.email_wanted = reminder.recipient_id not in no_email
                notification, email = _message(reminder)
                notifications.append(notification)
                if email is not None:
                    emails.append(email)
                reminder.status, reminder.sent_at = ReminderStatus.SENT, stamp
            Notification.objects.bulk_create(notifications)
            # Plain UPDATEs by status: bulk_update's CASE per row cost more than the sending.
            for status in ReminderStatus:
                if status == ReminderStatus.PENDING:
                    continue
                ids = [r.pk for r in batch if r.status == status]
                if ids:
                    Reminder.objects.filter(pk__in=ids).update(
                        status=status, sent_at=stamp if status in _DELIVERED else None
                    )
            if emails:
                connection.send_messages(emails)
        # Logged once committed (a batch rolled back by a crash was not sent), one line per
        # batch: `reminder:user` pairs, so a line still says who got what.
        by_status: dict[str, list[str]] = {ReminderStatus.SENT: [], ReminderStatus.REDIRECTED: []}
        for reminder in batch:
            if reminder.status == ReminderStatus.SENT:
                by_status[ReminderStatus.SENT].append(f"{reminder.pk}:{reminder.recipient_id}")
            elif reminder.status == ReminderStatus.REDIRECTED:
                to = ",".join(str(s.pk) for s in redirects[reminder.pk])
                by_status[ReminderStatus.REDIRECTED].append(f"{reminder.pk}:{to}")
            elif reminder.status == ReminderStatus.UNDELIVERABLE:
                logger.warning("reminder %s for deadline %s undeliverable: user %s may no longer "
                               "see it and no supervisor of agency %s may", reminder.pk,
                               reminder.deadline.public_id, reminder.recipient_id,
                               reminder.deadline.responsible_agency_id)  # fmt: skip
        sent_pairs, redirected_pairs = by_status.values()
        if sent_pairs or redirected_pairs:
            logger.info("reminders sent %d [%s] redirected to supervisors %d [%s]",
                        len(sent_pairs), " ".join(sent_pairs), len(redirected_pairs),
                        " ".join(redirected_pairs))  # fmt: skip
        sent += len(notifications)


def _account_for(reminder: Reminder, supervisors: list[User]) -> None:
    """The trail of a reminder its recipient could no longer receive: who got it instead."""
    deadline = reminder.deadline
    why = _why_not(reminder.recipient, deadline.responsible_agency_id)
    changes = {"reminder": reminder.pk, "recipient": reminder.recipient.get_username(),
               "lead_minutes": reminder.lead_minutes}  # fmt: skip
    if supervisors:
        changes["supervisors"] = [s.get_username() for s in supervisors]
        action = "reminder.redirected"
    else:
        action = "reminder.undeliverable"
    audit.record(None, action, deadline, reason=why, changes=changes,
                 target_agency=deadline.responsible_agency)  # fmt: skip


def _supervisors_who_see(deadline: Deadline, record) -> list[User]:
    people = agency_supervisors(deadline.responsible_agency_id)
    allowed = may_hear_of([(person, record) for person in people])
    return [person for person in people if _key(person.pk, record) in allowed]


def escalate_missed_deadlines(now: dt.datetime | None = None) -> int:
    """Tell the responsible agency's supervisors, once, of each deadline missed by more than
    the grace period (DEADLINE_GRACE_MINUTES). Returns how many deadlines were escalated.

    Deadlines of rules that do not escalate (a consent running out) are closed as met when
    their time comes: the event they announced has happened."""
    now = now or timezone.now()
    quiet = [name for name, spec in RULES.items() if not spec.escalates]
    Deadline.objects.filter(status=DeadlineStatus.OPEN, rule__in=quiet, due_at__lte=now).update(
        status=DeadlineStatus.MET, closed_at=now
    )
    cutoff = now - dt.timedelta(minutes=settings.DEADLINE_GRACE_MINUTES)
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=DeadlineStatus.OPEN, escalated_at__isnull=True, due_at__lt=cutoff)
                .exclude(rule__in=quiet)
                .select_related("content_type", "responsible_agency")
                .order_by("due_at", "id")[:200]
            )
            if not batch:
                return escalated
            attach_urls(batch)
            guards = guard_records(batch)
            for deadline in batch:
                record = guards.get(deadline.pk)
                supervisors = _supervisors_who_see(deadline, record) if record else []
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
