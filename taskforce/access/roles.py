"""Who looks after what beyond records: runaway review, sign-in, the audit trail."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from taskforce.access.visibility import NotFound, acting_membership
from taskforce.models import AuditEvent, Role, User
from taskforce.protected import RULES

# --- Supervisors: assignment, merging, access requests ---------------------------------------


def supervised_agency(actor: User | None) -> int:
    """The id of the agency the actor supervises; NotFound for anyone who is not acting as a
    supervisor (the pages only supervisors reach answer everyone else as if missing)."""
    membership = acting_membership(actor)
    if membership is None or membership.role != Role.SUPERVISOR:
        raise NotFound
    return membership.agency_id


# --- Runaway review: who works the queue ------------------------------------------------------


def may_review_runaways(actor: User | None) -> bool:
    """Prosecutors and supervisors review runaway reports for links to trafficking."""
    membership = acting_membership(actor)
    return membership is not None and membership.role in RULES["cases.RunawayReport"].change


# --- Accounts: whose sign-in a person may look after -------------------------------------------


def manages_accounts(actor: User | None) -> bool:
    """Administrators and supervisors look after sign-in (release lockouts); CJIS 5.9.5."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    membership = acting_membership(actor)
    return actor.is_superuser or (membership is not None and membership.role == Role.SUPERVISOR)


def accounts_managed_by(actor: User | None) -> QuerySet[User]:
    """People whose account the actor may act on: an administrator anyone's, a supervisor those
    of their agency's current members; never their own (someone else checks it is them)."""
    if not manages_accounts(actor):
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.exclude(pk=actor.pk)
    return User.objects.filter(
        memberships__agency_id=actor.membership.agency_id, memberships__ended_at__isnull=True
    ).exclude(pk=actor.pk)


def account_for(actor: User | None, username: str) -> User:
    """One account the actor may act on; anyone else's, or no such person, is NotFound."""
    account = accounts_managed_by(actor).filter(username=username).first()
    if account is None:
        raise NotFound
    return account


# --- The audit trail: who may read it -------------------------------------------------------


def is_administrator(actor: User | None) -> bool:
    """The task force's administrators (superusers): its settings, such as the holiday table."""
    return actor is not None and actor.is_active and actor.is_superuser


def may_read_audit_trail(actor: User | None) -> bool:
    """Supervisors review their agency's trail (CJIS: reviewed weekly); administrators all."""
    if actor is not None and actor.is_active and actor.is_superuser:
        return True
    membership = acting_membership(actor)
    return membership is not None and membership.role == Role.SUPERVISOR


def audit_trail_visible(actor: User | None) -> QuerySet:
    """The audit rows a person may read: for a supervisor, those about records their agency
    owns and those written by their agency's people; for an administrator, every row."""
    if not may_read_audit_trail(actor):
        return AuditEvent.objects.none()
    if actor.is_superuser:
        return AuditEvent.objects.all()
    agency_id = acting_membership(actor).agency_id
    return AuditEvent.objects.filter(Q(target_agency_id=agency_id) | Q(actor_agency_id=agency_id))


def may_read_access_history(actor: User | None, obj: models.Model) -> bool:
    """A record's access history is for the supervisors of the agency that owns it."""
    membership = acting_membership(actor)
    return (
        membership is not None
        and membership.role == Role.SUPERVISOR
        and getattr(obj, "owner_agency_id", None) == membership.agency_id
    )


# The access-history panel shows a record's latest reads and changes; the access log, the rest.
ACCESS_HISTORY_SHOWN = 10


def access_history(actor: User | None, obj: models.Model) -> QuerySet:
    """Who read or changed this record, newest first; nothing for anyone else."""
    if not may_read_access_history(actor, obj):
        return AuditEvent.objects.none()
    return latest_access(ContentType.objects.get_for_model(obj).pk, obj.pk)


def latest_access(type_id: int, target_id: int) -> QuerySet:
    """A record's audit rows, newest first: its access history, once `may_read_access_history`
    said the person may read it (`taskforce.web.shown` reads it as kept SQL)."""
    return AuditEvent.objects.filter(target_type_id=type_id, target_id=target_id).order_by(
        "-at", "-id"
    )
