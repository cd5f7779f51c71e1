"""Writes of deadlines: schedule or recompute from an event, and close (met or waived)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from deadlines.calendar import Calendar
from deadlines.records import guard_records
from deadlines.reminders import reminders_plan
from deadlines.rules import CONTEXT_FINDERS, RULES, context_keys
from taskforce import access, audit
from taskforce.models import Agency, Deadline, DeadlineStatus, User


def _counted(
    obj: models.Model,
    rule: str,
    event_at: dt.datetime,
    responsible_agency: Agency,
    calendar: Calendar,
    *,
    responsible_user: User | None = None,
    sequence: int = 1,
    context: dict | None = None,
) -> Deadline:
    """A record's deadline as the rule counts it from the event, not yet written."""
    spec = RULES[rule]
    context = context or {}
    return Deadline(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, rule=rule,
        sequence=sequence, rule_version=spec.version, context=context, title=spec.title,
        source=spec.source, event_at=event_at,
        due_at=spec.compute(calendar, event_at, agency=responsible_agency, **context),
        responsible_agency=responsible_agency, responsible_user=responsible_user,
    )  # fmt: skip


@transaction.atomic
def deadline_schedule(
    *,
    obj: models.Model,
    rule: str,
    event_at: dt.datetime,
    responsible_agency: Agency,
    responsible_user: User | None = None,
    actor: User | None = None,
    calendar: Calendar | None = None,
    sequence: int = 1,
    context: dict | None = None,
) -> Deadline:
    """Compute the rule's deadline for a record, or recompute it when its event moved.

    `context` carries what else the rule counts by (e.g. the kind of detention facility).
    A deadline already met or waived is left as it is: history is never reopened silently.
    """
    spec = RULES[rule]
    context = {k: v for k, v in (context or {}).items() if k in context_keys(rule)}
    draft = _counted(
        obj, rule, event_at, responsible_agency, calendar or Calendar.current(),
        responsible_user=responsible_user, sequence=sequence, context=context,
    )  # fmt: skip
    due_at = draft.due_at
    existing = (
        Deadline.objects.select_for_update()
        .filter(content_type=draft.content_type, object_id=obj.pk, rule=rule, sequence=sequence)
        .first()
    )
    if existing is None:
        draft.save(force_insert=True)
        reminders_plan(draft)
        return draft
    if existing.status != DeadlineStatus.OPEN or (
        existing.event_at == event_at
        and existing.due_at == due_at
        and existing.responsible_user == responsible_user
    ):
        return existing
    if existing.responsible_user != responsible_user:
        existing.responsible_user = responsible_user
        existing.save(update_fields=["responsible_user"])
    before = existing.due_at
    existing.event_at, existing.due_at, existing.rule_version = event_at, due_at, spec.version
    existing.context = context
    existing.save(update_fields=["event_at", "due_at", "rule_version", "context"])
    reminders_plan(existing)
    audit.record(
        actor, "deadline.recomputed", obj,
        changes={"rule": rule, "due_at": [before.isoformat(), due_at.isoformat()]},
    )  # fmt: skip
    return existing


@transaction.atomic
def deadlines_closed_at_once(
    *,
    actor: User | None,
    records: list[tuple[models.Model, dt.datetime, str]],
    rule: str,
    status: str,
    responsible_agency: Agency,
) -> list[Deadline]:
    """What deadline_schedule then deadline_close would leave for each (record, event, reason):
    the rule's deadline, computed, already met or waived with the reason; one INSERT per batch
    and one audit row each. For records entered after the event (an import), whose deadline
    has nothing left to remind anyone of."""
    if status == DeadlineStatus.WAIVED and any(not reason.strip() for _, _, reason in records):
        raise ValidationError({"reason": "Say why the deadline is waived."})
    calendar = Calendar.current()
    now = timezone.now()
    deadlines = []
    for obj, event_at, reason in records:
        deadline = _counted(obj, rule, event_at, responsible_agency, calendar)
        deadline.status, deadline.closed_at, deadline.closed_by = status, now, actor
        deadline.waiver_reason = reason.strip()
        deadlines.append(deadline)
    Deadline.objects.bulk_create(deadlines, batch_size=500)
    audit.record_many(actor, f"deadline.{status}", [obj for obj, _, _ in records],
                      [{"rule": rule}] * len(records))  # fmt: skip
    return deadlines


@transaction.atomic
def deadline_close(
    *, actor: User | None, obj: models.Model, rule: str, status: str, reason: str = ""
) -> Deadline | None:
    """Mark a record's deadline met (by the event it waited for) or waived (with a reason)."""
    deadline = (
        Deadline.objects.select_for_update()
        .filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, rule=rule)
        .filter(status=DeadlineStatus.OPEN)
        .order_by("-sequence")
        .first()
    )
    if deadline is None:
        return None
    return _close(deadline, actor=actor, obj=obj, status=status, reason=reason)


def _close(deadline: Deadline, *, actor: User | None, obj, status: str, reason: str) -> Deadline:
    if status == DeadlineStatus.WAIVED and not reason.strip():
        raise ValidationError({"reason": "Say why the deadline is waived."})
    deadline.status = status
    deadline.closed_at = timezone.now()
    deadline.closed_by = actor
    deadline.waiver_reason = reason.strip()
    deadline.save(update_fields=["status", "closed_at", "closed_by", "waiver_reason"])
    reminders_plan(deadline)
    audit.record(actor, f"deadline.{status}", obj, changes={"rule": deadline.rule})
    return deadline


@transaction.atomic
def deadline_waive(*, actor: User, deadline: Deadline, reason: str) -> Deadline:
    """A person waives a deadline they may change the record of (e.g. the defendant waived)."""
    obj = deadline.content_type.get_object_for_this_type(pk=deadline.object_id)
    # A hearing's or a consent's deadline is changed by whoever may change its case or victim.
    access.require(actor, access.Action.CHANGE, guard_records([deadline])[deadline.pk])
    # This deadline, not another of the same rule on the record; one already closed stays so.
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if deadline.status != DeadlineStatus.OPEN:
        raise ValidationError(f"This deadline is already {deadline.get_status_display().lower()}.")
    return _close(deadline, actor=actor, obj=obj, status=DeadlineStatus.WAIVED, reason=reason)


def deadlines_of(record: models.Model) -> models.QuerySet[Deadline]:
    """The open deadlines seen through a record: its own and those of the records it guards
    (a case's hearings, say)."""
    match = models.Q(pk__in=[])
    for label, path in access.DEADLINE_RECORDS.items():
        model = apps.get_model(label)
        if path:
            if model._meta.get_field(path).related_model is not type(record):
                continue
            ids = model.objects.filter(**{path: record}).values("pk")
        elif model is type(record):
            ids = [record.pk]
        else:
            continue
        match |= models.Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return Deadline.objects.filter(match, status=DeadlineStatus.OPEN)


@transaction.atomic
def deadlines_follow_assignee(*, record: models.Model, old: User | None, new: User | None) -> None:
    """A record changed hands: its open deadlines the old assignee answered for pass to the new
    one, and every pending reminder is planned again, so the old assignee's are skipped and the
    new one's created (recipients are found from the record as it now stands)."""
    for deadline in deadlines_of(record).select_for_update():
        if old is not None and deadline.responsible_user_id == old.pk:
            deadline.responsible_user = new
            deadline.save(update_fields=["responsible_user"])
        reminders_plan(deadline)


@dataclass
class Recomputed:
    """What a recomputation did: deadlines moved, found unchanged, or left (context unknown)."""

    moved: list[Deadline] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Deadline] = field(default_factory=list)


def deadlines_recompute(
    *, rules: list[str] | None = None, every_version: bool = False, actor: User | None = None
) -> Recomputed:
    """Recompute the open deadlines a changed rule computed by its old version (`every_version`:
    all open deadlines of the rules, e.g. after the holiday table changed), from the same event
    and context, with the rule and holidays as they are now. A moved deadline takes the rule's
    current version, its reminders are planned again, and the move is audited with both versions
    and due times; closed deadlines are history and never touched."""
    result = Recomputed()
    calendar = Calendar.current()
    for name in rules or sorted(RULES):
        spec = RULES[name]
        open_ones = Deadline.objects.filter(rule=name, status=DeadlineStatus.OPEN)
        if not every_version:
            open_ones = open_ones.filter(rule_version__lt=spec.version)
        keys = context_keys(name)
        with transaction.atomic():
            for deadline in open_ones.select_for_update().select_related("responsible_agency"):
                context = {k: v for k, v in deadline.context.items() if k in keys}
                if keys - context.keys() and name in CONTEXT_FINDERS:
                    context = {**(CONTEXT_FINDERS[name](deadline) or {}), **context}
                if keys - context.keys():  # a default might not be what it was counted by
                    result.skipped.append(deadline)
                    continue
                _recompute_one(deadline, spec, calendar, context, actor, result)
    return result


def _recompute_one(deadline, spec, calendar, context, actor, result: Recomputed) -> None:
    due_at = spec.compute(
        calendar, deadline.event_at, agency=deadline.responsible_agency, **context
    )
    if due_at == deadline.due_at and deadline.rule_version == spec.version:
        result.unchanged += 1
        return
    before, version = deadline.due_at, deadline.rule_version
    deadline.due_at, deadline.rule_version, deadline.context = due_at, spec.version, context
    deadline.title, deadline.source = spec.title, spec.source
    deadline.save(update_fields=["due_at", "rule_version", "context", "title", "source"])
    reminders_plan(deadline)
    obj = deadline.content_type.get_object_for_this_type(pk=deadline.object_id)
    audit.record(
        actor, "deadline.recomputed", obj,
        reason=f"Rule {spec.name} changed (version {version} to {spec.version})"
        if version != spec.version else "The holiday table changed",
        changes={"rule": spec.name, "rule_version": [version, spec.version],
                 "due_at": [timezone.localtime(before).isoformat(),
                            timezone.localtime(due_at).isoformat()]},
    )  # fmt: skip
    result.moved.append(deadline)
