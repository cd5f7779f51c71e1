"""The daily digest: once a day, at the hour each person chose, what is overdue and coming."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from deadlines.records import deadlines_visible
from deadlines.selectors import attach_urls
from taskforce import access
from taskforce.models import Deadline, DeadlineStatus, Digest, Notification, User

logger = logging.getLogger(__name__)


def digest_deadlines(user: User, now: dt.datetime) -> dict[str, list[Deadline]]:
    """The open deadlines this person answers for or is reminded of, overdue to a week ahead."""
    membership = access.acting_membership(user)
    if membership is None:
        return {"overdue": [], "today": [], "week": []}
    mine = (
        Q(responsible_user=user)
        | Q(reminders__recipient=user)
        | Q(responsible_user__isnull=True, responsible_agency=membership.agency)
    )
    found = list(
        deadlines_visible(user)
        .filter(mine, status=DeadlineStatus.OPEN, due_at__lt=now + dt.timedelta(days=7))
        .select_related("content_type")
        .distinct()
        .order_by("due_at")[:200]
    )
    attach_urls(found)
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    end_of_day = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    return {
        "overdue": [d for d in found if d.due_at < now],
        "today": [d for d in found if now <= d.due_at < end_of_day],
        "week": [d for d in found if d.due_at >= end_of_day],
    }


def _send(user: User, now: dt.datetime) -> bool:
    """Claim today's digest row, then send; a second sender finds the row and stops."""
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, day=day, sent_at=now)
            groups = digest_deadlines(user, now)
            total = sum(len(group) for group in groups.values())
            digest.deadline_count = total
            digest.save(update_fields=["deadline_count"])
            title = (
                f"Your deadlines for {now:%a %b %-d}: {len(groups['overdue'])} overdue, "
                f"{len(groups['today'])} today, {len(groups['week'])} this week"
            )
            Notification.objects.create(user=user, title=title[:200], url=reverse("deadlines"))
            if user.email:
                context = {"title": title, "site_url": settings.SITE_URL, "user": user, **groups}
                message = EmailMultiAlternatives(
                    subject=title,
                    body=render_to_string("taskforce/email/digest.txt", context),
                    to=[user.email],
                    headers={"Message-ID": f"<digest-{digest.pk}@taskforce-caseload>"},
                )
                message.attach_alternative(
                    render_to_string("taskforce/email/digest.html", context), "text/html"
                )
                message.send()
    except IntegrityError:
        return False
    logger.info("digest %s sent to user %s with %d deadlines", digest.pk, user.pk, total)
    return True


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """Send today's digest to everyone whose chosen hour has come and who has not had it."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    due = (
        User.objects.filter(
            is_active=True,
            reminder_settings__digest_hour__isnull=False,
            reminder_settings__digest_hour__lte=local.hour,
        )
        .exclude(pk__in=Digest.objects.filter(day=local.date()).values("user"))
        .order_by("pk")
    )
    return sum(_send(user, now) for user in due)
