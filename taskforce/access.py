"""THE access policy: who may view, change, delete or share each protected record.

Model of access (DESIGN.md §3):
- A record belongs to its owning agency (indexed `owner_agency` column): members of that agency
  act on it as their role allows.
- Anything more is a grant in guardian's direct foreign-key tables: a share to another agency's
  Group, or a grant to one person. Grants may lapse (`expires_at`, e.g. consent expiry): the policy
  ignores a lapsed grant at once, and `expire_lapsed_grants` (a beat task) deletes it later.
- A record the actor may not view is `NotFound`, exactly like a missing one.
- No membership, an inactive agency, or an inactive user: nothing at all.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from taskforce import audit
from taskforce.models import (
    Agency,
    AgencyKind,
    AuditEvent,
    County,
    Membership,
    Role,
    Share,
    ShareLevel,
    User,
)


class NotFound(Http404):
    """The record does not exist, or the actor may not know it exists: the same answer (404)."""


class Forbidden(PermissionDenied):
    """The actor may see the record but not do this to it (403)."""


class Action(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    SHARE = "share"


@dataclass(frozen=True)
class Rules:
    """Which roles may take each action on a model's records their agency owns or was granted.

    Deleting and sharing are for the owning agency only; a share grants view, or view and change.
    """

    view: frozenset[str]
    change: frozenset[str]
    delete: frozenset[str]
    share: frozenset[str]
    detail_url: str  # URL name of the record's page, taking its public_id
    share_to: frozenset[str] = frozenset(AgencyKind.values)
    # View also follows relations: whoever may view the record a field points to may view this
    # one (an operation's participants see its arrests) ...
    follows: tuple[str, ...] = ()
    # ... and whoever may view a record of another model that points here (model label, field)
    # may view this one (who can see an arrest can see the arrestee) ...
    seen_through: tuple[tuple[str, str], ...] = ()
    # ... and members of the agency a field names may view it (the agency that sent a referral).
    seen_by_agency_in: tuple[str, ...] = ()
    # Shared only under a victim's recorded consent (victims.services.consent_record).
    share_needs_consent: bool = False

    def roles_for(self, action: Action) -> frozenset[str]:
        return getattr(self, action.value)


P, L, A, S = Role.PROSECUTOR, Role.POLICE_LIAISON, Role.ADVOCATE, Role.SUPERVISOR
NOBODY: frozenset[str] = frozenset()
# Coordinators appear in no row-level rule: they see task-force aggregates only.
RULES: dict[str, Rules] = {
    "cases.Case": Rules(
        view=frozenset({P, S, L, A}),
        change=frozenset({P, S}),
        delete=frozenset({S}),
        share=frozenset({P, S}),
        detail_url="cases:detail",
    ),
    "cases.Person": Rules(
        view=frozenset({P, S, L, A}),
        change=frozenset({P, S, L, A}),
        delete=frozenset({S}),
        share=frozenset({P, S, L}),
        detail_url="cases:person_detail",
        seen_through=(
            ("cases.Arrest", "arrestee"),
            ("referrals.Referral", "person"),
            ("cases.RunawayReport", "youth"),
        ),
    ),
    "cases.Operation": Rules(
        view=frozenset({P, S, L}),
        change=frozenset({S, L}),
        delete=frozenset({S}),
        share=frozenset({S, L}),
        detail_url="cases:operation_detail",
    ),
    # Advocates see an arrest only when police share it with their agency (a recovered victim).
    "cases.Arrest": Rules(
        view=frozenset({P, S, L, A}),
        change=frozenset({S, L}),
        delete=frozenset({S}),
        share=frozenset({S, L}),
        detail_url="cases:arrest_detail",
        follows=("operation",),
    ),
    # Owned by the referring agency; the prosecution agency sees it through its case.
    "cases.HandOff": Rules(
        view=frozenset({P, S, L}),
        change=frozenset({S, L}),
        delete=NOBODY,
        share=NOBODY,
        detail_url="cases:handoff_detail",
        follows=("case",),
    ),
    # A youth reported missing, reviewed for links to trafficking by prosecutors (the juvenile
    # division) and supervisors; shared with police for follow-up. Advocates and coordinators
    # never see these rows.
    "cases.RunawayReport": Rules(
        view=frozenset({P, S, L}),
        change=frozenset({P, S}),
        delete=frozenset({S}),
        share=frozenset({P, S}),
        detail_url="cases:runaway_detail",
    ),
    # Privileged advocacy records: other agencies see one only under the victim's consent (a
    # share with the consent's expiry), and then only the fields its scope names (see
    # `consent_scope`). Coordinators never.
    "victims.Victim": Rules(
        view=frozenset({A, S, P, L}),
        change=frozenset({A, S}),
        delete=frozenset({S}),
        share=frozenset({A, S}),
        detail_url="victims:detail",
        share_needs_consent=True,
    ),
    # Owned by the receiving victim-service agency; the sender keeps sight of it, and sees
    # its progress only as the victim's consent allows (referrals.selectors).
    "referrals.Referral": Rules(
        view=frozenset({A, S, P, L}),
        change=frozenset({A, S}),
        delete=NOBODY,
        share=NOBODY,
        detail_url="referrals:detail",
        seen_by_agency_in=("referring_agency",),
    ),
}


def protected_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in RULES]


def record_by_public_id(public_id) -> models.Model | None:
    """Any protected record by its public id, with no access decision: only for administrators
    (sealing) and for filtering an audit trail already limited to what its reader may see."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    for model in protected_models():
        found = model.objects.filter(public_id=public_id).first()
        if found is not None:
            return found
    return None


def rules_for(model: type[models.Model]) -> Rules:
    try:
        return RULES[model._meta.label]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not a protected model") from None


def detail_url(model: type[models.Model], public_id) -> str:
    return reverse(rules_for(model).detail_url, kwargs={"public_id": public_id})


def acting_membership(actor: User | None) -> Membership | None:
    """The membership an actor acts through, or None when they may act on nothing."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return None
    return actor.membership


def _codename(action: Action, model: type[models.Model]) -> str:
    return f"{action.value}_{model._meta.model_name}"


def _live(now: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def _granted_ids(actor: User, membership: Membership, model, action: Action) -> QuerySet:
    """Ids of records granted to the actor's agency or to the actor for one action, not lapsed.

    One `IN (… UNION ALL …)` subquery: PostgreSQL turns it into a join on the primary key, where
    an OR of two IN subqueries would scan the whole table (bench/bench_access.py).
    """
    now = timezone.now()
    codename = _codename(action, model)
    by_group = (
        get_group_obj_perms_model(model)
        .objects.filter(group_id=membership.agency.group_id, permission__codename=codename)
        .filter(_live(now))
        .values_list("content_object_id", flat=True)
    )
    by_user = (
        get_user_obj_perms_model(model)
        .objects.filter(user=actor, permission__codename=codename)
        .filter(_live(now))
        .values_list("content_object_id", flat=True)
    )
    return by_group.union(by_user, all=True)


def _derived_ids(actor: User, model: type[models.Model]) -> list[QuerySet]:
    """Ids visible through related records (`follows`, `seen_through`), view only."""
    rules = rules_for(model)
    derived = []
    for field in rules.follows:
        parent = model._meta.get_field(field).related_model
        derived.append(
            model.objects.filter(**{f"{field}__in": _visible_ids(actor, parent)}).values_list(
                "pk", flat=True
            )
        )
    for label, field in rules.seen_through:
        other = apps.get_model(label)
        derived.append(
            other.objects.filter(pk__in=_visible_ids(actor, other)).values_list(field, flat=True)
        )
    return derived


def _extra_ids(actor: User, membership: Membership, model) -> QuerySet:
    """Ids the actor may view beyond the owner agency's own: grants, then related records."""
    granted = _granted_ids(actor, membership, model, Action.VIEW)
    derived = _derived_ids(actor, model) + [
        model.objects.filter(**{f"{field}_id": membership.agency_id}).values_list("pk", flat=True)
        for field in rules_for(model).seen_by_agency_in
    ]
    return granted.union(*derived, all=True) if derived else granted


def _visible_ids(actor: User | None, model: type[models.Model]) -> QuerySet:
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return model.objects.none().values_list("pk", flat=True)
    owned = model.objects.filter(owner_agency_id=membership.agency_id, sealed_at__isnull=True)
    return owned.values_list("pk", flat=True).union(_extra_ids(actor, membership, model), all=True)


def visible(actor: User | None, model: type[models.Model]) -> QuerySet:
    """Every record of the model the actor may view. Every selector starts here."""
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return model.objects.none()
    return model.objects.filter(pk__in=_visible_ids(actor, model), sealed_at__isnull=True)


def visible_parts(actor: User | None, model: type[models.Model]) -> list[QuerySet]:
    """The same records as `visible`, as disjoint parts (owned, visible from elsewhere).

    A list orders and limits each part apart and merges them; a count adds them up. Each part
    stays on its own index instead of probing grants row by row (bench/bench_access.py).
    """
    membership = acting_membership(actor)
    if membership is None or membership.role not in rules_for(model).view:
        return [model.objects.none()]
    unsealed = model.objects.filter(sealed_at__isnull=True)
    return [
        unsealed.filter(owner_agency_id=membership.agency_id),
        unsealed.filter(pk__in=_extra_ids(actor, membership, model)).exclude(
            owner_agency_id=membership.agency_id
        ),
    ]


def allowed_actions(actor: User | None, obj: models.Model) -> frozenset[Action]:
    """What the actor may do to this record; empty when they may not even view it."""
    membership = acting_membership(actor)
    if membership is None or getattr(obj, "sealed_at", None) is not None:
        return frozenset()
    model = type(obj)
    rules = rules_for(model)
    role = membership.role
    if obj.owner_agency_id == membership.agency_id:
        allowed = {action for action in Action if role in rules.roles_for(action)}
    else:
        allowed = set()
        this = model.objects.filter(pk=obj.pk)
        if role in rules.view and this.filter(pk__in=_extra_ids(actor, membership, model)).exists():
            allowed.add(Action.VIEW)
            granted = _granted_ids(actor, membership, model, Action.CHANGE)
            if role in rules.change and this.filter(pk__in=granted).exists():
                allowed.add(Action.CHANGE)
    if Action.VIEW not in allowed:
        return frozenset()
    return frozenset(allowed)


def viewable_pairs(pairs: list[tuple[User, models.Model]]) -> set[tuple[int, type, int]]:
    """(user pk, model, record pk) of the pairs whose user may view the record: the same decision as
    `allowed_actions`, made for many people and records at once (a sweep of reminders).

    The current memberships come in one query and a record of the person's own agency is
    decided from their role; only records of other agencies ask `visible`, once per person and
    kind of record.
    """
    memberships = {
        membership.user_id: membership
        for membership in Membership.objects.filter(
            user_id__in={user.pk for user, _ in pairs}, ended_at__isnull=True,
            agency__is_active=True, user__is_active=True,
        ).select_related("agency")
    }  # fmt: skip
    allowed: set[tuple[int, type, int]] = set()
    elsewhere: dict[tuple[int, type], set[int]] = {}
    people = {}
    for user, record in pairs:
        membership = memberships.get(user.pk)
        if membership is None or membership.role not in rules_for(type(record)).view:
            continue
        if getattr(record, "sealed_at", None) is not None:
            continue
        if record.owner_agency_id == membership.agency_id:
            allowed.add((user.pk, type(record), record.pk))
        else:
            elsewhere.setdefault((user.pk, type(record)), set()).add(record.pk)
            user.__dict__["membership"] = membership  # what User.membership would load
            people[user.pk] = user
    for (user_pk, model), ids in elsewhere.items():
        seen = visible(people[user_pk], model).filter(pk__in=ids).values_list("pk", flat=True)
        allowed.update((user_pk, model, pk) for pk in seen)
    return allowed


def can(actor: User | None, action: Action, obj: models.Model) -> bool:
    return action in allowed_actions(actor, obj)


def require(actor: User | None, action: Action, obj: models.Model) -> models.Model:
    """Return the record if the actor may take the action; NotFound if they may not see it."""
    allowed = allowed_actions(actor, obj)
    if Action.VIEW not in allowed:
        raise NotFound
    if action not in allowed:
        raise Forbidden
    return obj


def get_for(actor: User | None, model, public_id, action: Action = Action.VIEW) -> models.Model:
    """Load a record by its public id for an action; a foreign or missing id is NotFound."""
    try:
        # By its unique id first, then the same decision as `visible` for this one record: cheaper
        # than filtering the id out of everything the actor may see.
        obj = model.objects.get(public_id=public_id)
    except (model.DoesNotExist, ValidationError, ValueError):
        raise NotFound from None
    return require(actor, action, obj)


# --- Grants: made and removed only here ---------------------------------------------------


def _permission(action: Action, model) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(model), codename=_codename(action, model)
    )


def _grant_to_group(share: Share, obj: models.Model) -> None:
    model = type(obj)
    actions = [Action.VIEW] + ([Action.CHANGE] if share.level == ShareLevel.CHANGE else [])
    get_group_obj_perms_model(model).objects.bulk_create(
        [
            get_group_obj_perms_model(model)(
                group_id=share.to_agency.group_id,
                permission=_permission(action, model),
                content_object=obj,
                share=share,
                expires_at=share.expires_at,
            )
            for action in actions
        ]
    )


def _remove_grants(share: Share) -> int:
    model = share.content_type.model_class()
    deleted, _ = get_group_obj_perms_model(model).objects.filter(share=share).delete()
    return deleted


def _validate_share(obj, to_agency: Agency, reason: str, expires_at: datetime | None) -> None:
    errors = {}
    if not reason.strip():
        errors["reason"] = "Say why this record is shared; the other agency and the audit see it."
    if to_agency.pk == obj.owner_agency_id:
        errors["to_agency"] = "A record is already visible to its own agency."
    elif not to_agency.is_active:
        errors["to_agency"] = "That agency is no longer active."
    elif to_agency.kind not in rules_for(type(obj)).share_to:
        errors["to_agency"] = f"This kind of record cannot be shared with {to_agency.name}."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "The end of access must be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def share(
    *,
    actor: User,
    obj: models.Model,
    to_agency: Agency,
    level: str = ShareLevel.VIEW,
    reason: str,
    expires_at: datetime | None = None,
    under_consent: bool = False,
) -> Share:
    """Share a record with another agency (view, or view and change), until revoked or expiry.

    Consent-gated access is a share whose `expires_at` is the consent's expiry: the policy stops
    honouring it at that moment, and revoking the consent calls `unshare`. Sharing again with the
    same agency replaces the earlier terms (e.g. consent extended).
    """
    require(actor, Action.SHARE, obj)
    if rules_for(type(obj)).share_needs_consent and not (under_consent and expires_at):
        raise ValidationError("This record is shared only under the victim's recorded consent.")
    _validate_share(obj, to_agency, reason, expires_at)
    content_type = ContentType.objects.get_for_model(obj)
    previous = (
        Share.objects.select_for_update()
        .filter(content_type=content_type, object_id=obj.pk, to_agency=to_agency)
        .filter(revoked_at__isnull=True)
        .first()
    )
    if previous is not None:
        _end_share(previous, actor=actor, reason="Replaced by new terms")
    new_share = Share.objects.create(
        content_type=content_type,
        object_id=obj.pk,
        object_public_id=obj.public_id,
        object_label=str(obj)[:300],
        from_agency_id=obj.owner_agency_id,
        to_agency=to_agency,
        level=level,
        reason=reason.strip(),
        expires_at=expires_at,
        created_by=actor,
    )
    _grant_to_group(new_share, obj)
    audit.record(
        actor,
        "share.granted",
        obj,
        reason=new_share.reason,
        changes={
            "to_agency": to_agency.name,
            "level": level,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return new_share


def _end_share(share_row: Share, *, actor: User, reason: str) -> None:
    share_row.revoked_at = timezone.now()
    share_row.revoked_by = actor
    share_row.revoke_reason = reason
    share_row.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _remove_grants(share_row)


@transaction.atomic
def unshare(*, actor: User, share_row: Share, reason: str = "") -> Share:
    """Revoke a share: the receiving agency loses access at once. Owning agency only."""
    share_row = Share.objects.select_for_update().get(pk=share_row.pk)
    obj = share_row.content_type.get_object_for_this_type(pk=share_row.object_id)
    require(actor, Action.SHARE, obj)
    if share_row.revoked_at is None:
        _end_share(share_row, actor=actor, reason=reason.strip())
        audit.record(
            actor,
            "share.revoked",
            obj,
            reason=share_row.revoke_reason,
            changes={"to_agency": share_row.to_agency.name},
        )
    return share_row


def share_for_owner(actor: User, public_id) -> Share:
    """An active share the actor's agency made, for revoking; anything else is NotFound."""
    membership = acting_membership(actor)
    share_row = (
        Share.objects.filter(public_id=public_id, revoked_at__isnull=True)
        .select_related("to_agency", "content_type")
        .first()
        if membership is not None
        else None
    )
    if share_row is None:
        raise NotFound
    obj = share_row.content_type.get_object_for_this_type(pk=share_row.object_id)
    require(actor, Action.SHARE, obj)
    return share_row


def shares_of(actor: User, obj: models.Model) -> QuerySet[Share]:
    """Active shares of a record, for its owning agency's members (empty for anyone else)."""
    membership = acting_membership(actor)
    if membership is None or obj.owner_agency_id != membership.agency_id:
        return Share.objects.none()
    if not can(actor, Action.VIEW, obj):
        return Share.objects.none()
    return (
        Share.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .filter(Q(revoked_at__isnull=True), _live(timezone.now()))
        .select_related("to_agency")
    )


def shares_for_agency(actor: User) -> tuple[QuerySet[Share], QuerySet[Share]]:
    """(shared with my agency, shared by my agency): both sides keep sight of what moved."""
    membership = acting_membership(actor)
    if membership is None or membership.role == Role.COORDINATOR:
        return Share.objects.none(), Share.objects.none()
    active = Share.objects.filter(revoked_at__isnull=True).filter(_live(timezone.now()))
    related = ("from_agency", "to_agency", "created_by", "content_type")
    return (
        active.filter(to_agency=membership.agency).select_related(*related),
        active.filter(from_agency=membership.agency).select_related(*related),
    )


@transaction.atomic
def assign(*, actor: User, obj: models.Model, person: User, level: str = ShareLevel.VIEW) -> None:
    """Grant one person access to a record (e.g. a lead investigator from another agency).

    The grant is the person's, not their agency's, and ends when they leave their agency.
    """
    require(actor, Action.SHARE, obj)
    if acting_membership(person) is None:
        raise ValidationError({"person": "This person is not an active member of any agency."})
    model = type(obj)
    actions = [Action.VIEW] + ([Action.CHANGE] if level == ShareLevel.CHANGE else [])
    grants = get_user_obj_perms_model(model)
    for action in actions:
        grants.objects.get_or_create(
            user=person, permission=_permission(action, model), content_object=obj
        )
    audit.record(
        actor, "access.assigned", obj, changes={"person": person.get_username(), "level": level}
    )


@transaction.atomic
def unassign(*, actor: User, obj: models.Model, person: User) -> int:
    """Take back the grants `assign` gave one person on one record."""
    require(actor, Action.SHARE, obj)
    deleted, _ = (
        get_user_obj_perms_model(type(obj)).objects.filter(user=person, content_object=obj).delete()
    )
    audit.record(actor, "access.unassigned", obj, changes={"person": person.get_username()})
    return deleted


def revoke_user_grants(user: User) -> int:
    """Remove every grant made to this person (assignments): used when they leave an agency.

    Guardian's per-user rows would otherwise follow them to their next agency.
    """
    removed = 0
    for model in protected_models():
        deleted, _ = get_user_obj_perms_model(model).objects.filter(user=user).delete()
        removed += deleted
    return removed


@transaction.atomic
def expire_lapsed_grants(now: datetime | None = None) -> int:
    """Delete grant rows whose time ran out (e.g. consent expired) and audit each lapsed share.

    The policy already ignores them; this keeps the tables small and the trail complete.
    """
    now = now or timezone.now()
    removed = 0
    lapsed_shares: set[int] = set()
    for model in protected_models():
        for grants in (get_group_obj_perms_model(model), get_user_obj_perms_model(model)):
            lapsed = grants.objects.filter(expires_at__lte=now)
            if grants is get_group_obj_perms_model(model):
                lapsed_shares.update(
                    lapsed.exclude(share__isnull=True).values_list("share_id", flat=True)
                )
            deleted, _ = lapsed.delete()
            removed += deleted
    for share_row in Share.objects.filter(pk__in=lapsed_shares).select_related("to_agency"):
        audit.record(
            None,
            "share.expired",
            share_row.content_type.get_object_for_this_type(pk=share_row.object_id),
            changes={
                "to_agency": share_row.to_agency.name,
                "expired_at": str(share_row.expires_at),
            },
        )
    return removed


# --- Consent: what another agency may see of a victim ----------------------------------------


def consent_scope(actor: User | None, victim: models.Model) -> str | None:
    """The widest scope the actor may see of a victim's information, or None.

    The victim's own agency sees everything ("full"); another agency sees what an active
    consent to it releases (not revoked, not past its expiry, checked now, not when swept).
    """
    membership = acting_membership(actor)
    if membership is None:
        return None
    if victim.owner_agency_id == membership.agency_id:
        return "full" if membership.role in rules_for(type(victim)).view else None
    if membership.role not in rules_for(type(victim)).view:
        return None
    from victims.models import SCOPE_ORDER

    scopes = {
        consent.scope
        for consent in victim.consents.filter(to_agency_id=membership.agency_id, revoked_on=None)
        if consent.is_active()
    }
    granted = [scope for scope in SCOPE_ORDER if scope in scopes]
    return granted[-1] if granted else None


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


def access_history(actor: User | None, obj: models.Model) -> QuerySet:
    """Who read or changed this record, newest first; nothing for anyone else."""
    if not may_read_access_history(actor, obj):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).order_by("-at", "-id")


# --- Reports: what aggregates may count -----------------------------------------------------


COUNTED_BY_OWNER_ONLY = {"victims.Victim"}


def may_view_reports(actor: User | None) -> bool:
    """Supervisors report on what their agency may open; the coordinator on the task force."""
    membership = acting_membership(actor)
    return membership is not None and membership.role in {Role.SUPERVISOR, Role.COORDINATOR}


def reports_task_force_wide(actor: User | None) -> bool:
    """The coordinator's figures count every agency's records (never showing one), so small
    counts of victims and referrals are suppressed (DESIGN.md §3)."""
    membership = acting_membership(actor)
    return membership is not None and membership.role == Role.COORDINATOR


@dataclass(frozen=True)
class _Counted:
    """What a report may count of one model, for one viewer (`_counted`)."""

    wide: bool = False  # every unsealed row (the coordinator)
    agency_id: int | None = None  # else the agency's own unsealed rows,
    extra: QuerySet | None = None  # and the ids it may open from elsewhere


def _counted(actor: User | None, model: type[models.Model]) -> _Counted | None:
    """Who counts what, decided once for the three forms below; None: nothing."""
    if not may_view_reports(actor):
        return None
    if reports_task_force_wide(actor):
        return _Counted(wide=True)
    membership = acting_membership(actor)
    if membership.role not in rules_for(model).view:
        return None
    if model._meta.label in COUNTED_BY_OWNER_ONLY:
        # A victim shared under consent shows another agency only what the consent's scope
        # names; counting their age, gender or services would tell more. Their owner counts them.
        return _Counted(agency_id=membership.agency_id)
    return _Counted(agency_id=membership.agency_id, extra=_extra_ids(actor, membership, model))


def _report_match(actor: User | None, model: type[models.Model], path: str = "") -> Q:
    """The rows a report may count, as a condition on the model's columns (see `report_rows`),
    reached through `path` when the rows queried are related ones.

    A supervisor's condition is `unsealed AND (owned OR id IN extras)`: the same rows as
    `visible`, whose `id IN (owned UNION extras)` made PostgreSQL hash every owned id and probe
    the case table once per id for each aggregate (13 s for the largest agency's prosecution
    page, bench/bench_reports.py). Here ownership is a column test on the row at hand and only
    the ids visible from elsewhere are hashed, once per query.
    """
    counted = _counted(actor, model)
    if counted is None:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    unsealed = Q(**{f"{prefix}sealed_at__isnull": True})
    if counted.wide:
        return unsealed
    owned = Q(**{f"{prefix}owner_agency_id": counted.agency_id})
    if counted.extra is None:
        return unsealed & owned
    return unsealed & (owned | Q(**{f"{prefix}pk__in": counted.extra}))


def report_ids_q(actor: User | None, model: type[models.Model], field: str) -> Q:
    """`field` holds the id of a row of `model` a report may count (see `report_rows`): a
    foreign key (a count's case) or a bare id (a deadline's record). Three id sets, each read
    from an index: the agency's own unsealed rows, the ids visible from elsewhere, the sealed
    ids (a handful). Testing each id against the model's table instead read every arrest for a
    supervisor's deadlines (bench/bench_reports.py)."""
    counted = _counted(actor, model)
    if counted is None:
        return Q(pk__in=[])
    sealed = Q(**{f"{field}__in": model.objects.filter(sealed_at__isnull=False).values("pk")})
    if counted.wide:
        return ~sealed
    owned = model.objects.filter(owner_agency_id=counted.agency_id, sealed_at__isnull=True)
    match = Q(**{f"{field}__in": owned.values("pk")})
    if counted.extra is None:
        return match
    return match | (Q(**{f"{field}__in": counted.extra}) & ~sealed)


def report_rows(actor: User | None, model: type[models.Model]) -> QuerySet:
    """The rows a report may count: for a supervisor exactly those they may open; for the
    coordinator every unsealed row (aggregates only: no page, list or export ever shows them,
    and `visible` still gives the coordinator nothing). Nobody else counts anything."""
    if not may_view_reports(actor):
        return model.objects.none()
    return model.objects.filter(_report_match(actor, model))


def report_q(
    actor: User | None, model: type[models.Model], path: str, *, joined: bool = False
) -> Q:
    """The same rows as `report_rows`, as a condition on a query of related rows: `path` is the
    foreign key leading from them to the model (the charges of the cases one may count are
    `report_q(actor, Case, "case")`).

    By default it tests the key against sets of ids (`report_ids_q`), so the model's table is
    not joined: joining a million cases to a year's charges took longer than the rest of the
    query (bench/bench_reports.py). A query that joins the model's table anyway (for its
    columns) passes `joined=True` and tests those columns instead.
    """
    if joined:
        return _report_match(actor, model, path)
    return report_ids_q(actor, model, path)


def report_counties(actor: User | None) -> QuerySet[County]:
    """The counties a person may break reports down by: the coordinator every one; a supervisor
    those of their agency's jurisdiction (its county, and the counties of regions it navigates),
    or every one for an agency without a county (a statewide bureau)."""
    from referrals.models import Region

    if not may_view_reports(actor):
        return County.objects.none()
    agency = acting_membership(actor).agency
    if reports_task_force_wide(actor) or not agency.county:
        return County.objects.all()
    navigated = Region.objects.filter(navigator=agency).values("counties")
    return County.objects.filter(Q(name__iexact=agency.county) | Q(pk__in=navigated))


def report_agencies(actor: User | None) -> QuerySet[Agency]:
    """The agencies a report may be narrowed to: any for the coordinator, one's own otherwise."""
    if not may_view_reports(actor):
        return Agency.objects.none()
    if reports_task_force_wide(actor):
        return Agency.objects.filter(is_active=True)
    return Agency.objects.filter(pk=acting_membership(actor).agency_id)
