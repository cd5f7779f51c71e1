"""Reads of deadlines: only those whose record the viewer may see."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from deadlines.records import deadlines_seen_rows, guard_records
from taskforce import access
from taskforce.models import Deadline, DeadlineStatus, User


def agency_deadlines(actor: User, *, now: dt.datetime | None = None) -> dict[str, list[Deadline]]:
    """The actor's agency's open deadlines: overdue, due today, due in the next seven days."""
    now = now or timezone.now()
    membership = access.acting_membership(actor)
    if membership is None:
        return {"overdue": [], "today": [], "week": []}
    # The agency's open deadlines in due order, each tested as it is read (`deadlines_seen_rows`):
    # the first few hundred, of thousands the agency may see, without building their set.
    open_ones = list(
        Deadline.objects.filter(deadlines_seen_rows(actor))
        .filter(status=DeadlineStatus.OPEN, responsible_agency=membership.agency)
        .filter(due_at__lt=now + dt.timedelta(days=7))
        .select_related("content_type", "responsible_user")
        .order_by("due_at")[:500]
    )
    end_of_day = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(now) + dt.timedelta(days=1), dt.time.min)
    )
    return {
        "overdue": [d for d in open_ones if d.due_at < now],
        "today": [d for d in open_ones if now <= d.due_at < end_of_day],
        "week": [d for d in open_ones if d.due_at >= end_of_day],
    }


def attach_urls(deadlines: list[Deadline], guards: dict | None = None) -> None:
    """Give each deadline `.url`: the page of the record it is seen through (`guards`, when the
    caller already loaded them: deadline pk → record)."""
    guards = guard_records(deadlines) if guards is None else guards
    urls = {}
    for deadline in deadlines:
        record = guards.get(deadline.pk)
        if record is None:
            deadline.url = ""
            continue
        model = type(record)
        if model not in urls:
            urls[model] = access.detail_urls(model)
        deadline.url = urls[model](record.public_id)
