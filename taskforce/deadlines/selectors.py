"""Reads of deadlines: only those whose record the viewer may see."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from taskforce import access
from taskforce.models import Deadline, DeadlineStatus, User

# The records deadlines hang on; each is a protected model the policy knows.
DEADLINE_RECORDS = ["cases.Arrest", "cases.Case", "referrals.Referral"]


def deadlines_visible(actor: User) -> QuerySet[Deadline]:
    """Deadlines protected like their records: visible exactly when the record is."""
    match = Q(pk__in=[])
    for label in DEADLINE_RECORDS:
        model = apps.get_model(label)
        match |= Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=access.visible(actor, model).values("pk"),
        )
    return Deadline.objects.filter(match)


def agency_deadlines(actor: User, *, now: dt.datetime | None = None) -> dict[str, list[Deadline]]:
    """The actor's agency's open deadlines: overdue, due today, due in the next seven days."""
    now = now or timezone.now()
    membership = access.acting_membership(actor)
    if membership is None:
        return {"overdue": [], "today": [], "week": []}
    open_ones = list(
        deadlines_visible(actor)
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


def attach_urls(deadlines: list[Deadline]) -> None:
    """Give each deadline `.url`, its record's page: one query per kind of record."""
    by_type: dict[int, list[Deadline]] = {}
    for deadline in deadlines:
        by_type.setdefault(deadline.content_type_id, []).append(deadline)
    for group in by_type.values():
        model = group[0].content_type.model_class()
        ids = dict(
            model.objects.filter(pk__in=[d.object_id for d in group]).values_list("pk", "public_id")
        )
        for deadline in group:
            deadline.url = access.detail_url(model, ids[deadline.object_id])
