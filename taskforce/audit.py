"""Writes the audit trail, names its actions, prunes it; knows where the current request came
from (IP, agent)."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from taskforce import audit_partitions
from taskforce.models import AuditEvent, User
from taskforce.protected import BY_LABEL, PROTECTED_FIELDS

logger = logging.getLogger(__name__)
REDACTED = "(changed; content not recorded)"


def redact(target: models.Model | None, changes: dict) -> dict:
    """The changes with protected fields' values replaced by a marker that they changed."""
    protected = PROTECTED_FIELDS.get(target._meta.label, frozenset()) if target else frozenset()
    return {name: REDACTED if name in protected else value for name, value in changes.items()}


def label_for(target: models.Model) -> str:
    """How the trail (and a share row) names a record: by kind and short id, never by its
    content. A record's own name is read at display time through the policy, so a copy never
    outlives a seal or an expunge. Only records that carry no one's identity (an agency, a
    membership, a statute) keep their name."""
    if hasattr(target, "public_id"):
        return f"{target._meta.verbose_name} {target.public_id.hex[:8]}"
    if target._meta.label in BY_LABEL:
        return f"{target._meta.verbose_name} #{target.pk}"
    return str(target)[:300]


@dataclass(frozen=True)
class Origin:
    ip_address: str | None
    user_agent: str


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("origin", default=None)


def origin_from(request: HttpRequest) -> Origin:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return Origin(
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.headers.get("user-agent", "")[:300],
    )


class RequestOriginMiddleware:
    """Makes the request's origin available to services that audit, without passing it down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _origin.set(origin_from(request))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def _event(
    actor: User | None,
    action: str,
    target: models.Model | None,
    *,
    reason: str = "",
    changes: dict | None = None,
    target_agency=None,
) -> AuditEvent:
    """One audit row, not yet written: who (and from where, as the request left it), what,
    about which record, its values redacted where the record's fields are protected."""
    origin = _origin.get()
    membership = actor.membership if actor is not None else None
    if target_agency is None and target is not None:
        target_agency = getattr(target, "owner_agency", None)
    return AuditEvent(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        actor_agency=membership.agency if membership else None,
        actor_agency_name=membership.agency.name if membership else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        target_label=label_for(target) if target is not None else "",
        target_agency=target_agency,
        reason=reason,
        changes=redact(target, changes or {}),
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
    )


def record(
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    *,
    reason: str = "",
    changes: dict | None = None,
    target_agency=None,
) -> AuditEvent:
    """Append one audit event; call inside the transaction of the change it describes."""
    event = _event(actor, action, target, reason=reason, changes=changes,
                   target_agency=target_agency)  # fmt: skip
    event.save(force_insert=True)
    return event


def record_many(
    actor: User | None, action: str, targets: list[models.Model], changes: list[dict]
) -> None:
    """`record` for many targets at once (one INSERT per batch): a file of records imported in
    one transaction. The same rows `record` would write, one per target."""
    events = [
        _event(actor, action, target, changes=change)
        for target, change in zip(targets, changes, strict=True)
    ]
    AuditEvent.objects.bulk_create(events, batch_size=500)


# --- Reading --------------------------------------------------------------------------------

# The distinct action names, one index probe each (a "loose index scan"): a few dozen names,
# however many rows; each month's partition answers from its (action, at) index.
ACTION_NAMES = """
WITH RECURSIVE names(action) AS (
    SELECT min(action) FROM taskforce_auditevent
    UNION ALL
    SELECT (SELECT min(action) FROM taskforce_auditevent WHERE action > names.action)
    FROM names WHERE names.action IS NOT NULL
)
SELECT action FROM names WHERE action IS NOT NULL AND action ILIKE %s ESCAPE '\\'
"""


def actions_containing(words: str) -> list[str]:
    """The action names in the trail that contain `words` (any case): "viewed" is every
    `*.viewed`. The access log filters on these names, which an index answers, rather than on
    a substring of every row."""
    if connection.vendor != "postgresql":
        rows = AuditEvent.objects.filter(action__icontains=words)
        return sorted(set(rows.values_list("action", flat=True)))
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute(ACTION_NAMES, [pattern])
        return [row[0] for row in cursor.fetchall()]


# --- Retention ------------------------------------------------------------------------------


@transaction.atomic
def relabel(target: models.Model, *, actor: User | None, reason: str) -> int:
    """Rewrite the label of every trail row about one record to its neutral label, through the
    trigger's one redaction path (migration 0017); the redaction is itself a new row. Used when a
    record is expunged, so no row written before labels were neutral still names it. The path is
    open for this update only: the rest of the transaction is append-only again."""
    label = label_for(target)
    rows = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).exclude(target_label=label)
    with _redaction():
        rewritten = rows.update(target_label=label)
    if rewritten:
        record(actor, "audit.redacted", target, reason=reason, changes={"rows": rewritten})
    return rewritten


@contextlib.contextmanager
def _redaction():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL taskforce.audit_redaction = 'on'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL taskforce.audit_redaction = 'off'")


@transaction.atomic
def audit_trail_prune(now: dt.datetime | None = None) -> int:
    """Retire the months of audit rows wholly older than AUDIT_RETENTION_DAYS (never fewer than
    365: settings refuse less) and write one row saying how many rows went.

    Whole months, so that on PostgreSQL retention is a DROP of a month's partition
    (`audit_partitions`): a month the cutoff falls inside keeps all its rows until the whole
    month is past the cutoff, so a row is kept between AUDIT_RETENTION_DAYS and about a month
    longer, never less. SQLite deletes the same rows (and the database refuses any other
    delete on PostgreSQL)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    before = audit_partitions.month_of(cutoff)
    if audit_partitions.is_partitioned():
        audit_partitions.ensure_partitions(now=now)
        months = audit_partitions.drop_partitions_before(before)
        deleted = sum(months.values())
    else:
        if connection.vendor == "postgresql":  # lets the unpartitioned table's trigger allow it
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL taskforce.audit_retention = 'on'")
        deleted, _ = AuditEvent.objects.filter(at__lt=audit_partitions.start_of(before)).delete()
    if deleted:
        older_than = audit_partitions.start_of(before).isoformat()
        record(None, "audit.pruned", changes={
            "rows": deleted, "older_than": older_than,
            "retention_days": settings.AUDIT_RETENTION_DAYS,
        })  # fmt: skip
        logger.info("audit trail: %d rows older than %s pruned", deleted, older_than)
    return deleted
