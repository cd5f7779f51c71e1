"""Grants: shares to another agency and assignments to one person, made and removed only here,
each audited. Guardian's direct foreign-key tables hold them; a grant may lapse (`expires_at`).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from taskforce import audit
from taskforce.access.investigators import may_hand_over_investigation
from taskforce.access.visibility import (
    Forbidden,
    NotFound,
    _codename,
    _live,
    acting_membership,
    can,
    detail_url,
    protected_models,
    readable_records,
    require,
    rules_for,
)
from taskforce.models import Agency, Role, Share, ShareLevel, User
from taskforce.protected import Action


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
        object_label=audit.label_for(obj),
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
    share_row.label = str(obj)
    return share_row


def shares_of(actor: User, obj: models.Model) -> QuerySet[Share]:
    """Active shares of a record, for its owning agency's members (empty for anyone else)."""
    if not may_see_shares_of(actor, obj):
        return Share.objects.none()
    return live_shares(ContentType.objects.get_for_model(obj).pk, obj.pk, timezone.now())


def may_see_shares_of(actor: User, obj: models.Model) -> bool:
    """Whether the actor sees with whom a record is shared: its owning agency's members."""
    membership = acting_membership(actor)
    if membership is None or obj.owner_agency_id != membership.agency_id:
        return False
    return can(actor, Action.VIEW, obj)


def live_shares(type_id: int, object_id: int, now) -> QuerySet[Share]:
    """A record's shares in force at `now`, with the agencies they go to: what `shares_of`
    shows once `may_see_shares_of` said yes (a page reads it as kept SQL)."""
    return (
        Share.objects.filter(content_type_id=type_id, object_id=object_id)
        .filter(Q(revoked_at__isnull=True), _live(now))
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


def _grant_person(actor: User, obj: models.Model, person: User, level: str) -> None:
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


def _revoke_person(actor: User, obj: models.Model, person: User) -> int:
    deleted, _ = (
        get_user_obj_perms_model(type(obj)).objects.filter(user=person, content_object=obj).delete()
    )
    audit.record(actor, "access.unassigned", obj, changes={"person": person.get_username()})
    return deleted


@transaction.atomic
def assign(*, actor: User, obj: models.Model, person: User, level: str = ShareLevel.VIEW) -> None:
    """Grant one person access to a record (e.g. a lead investigator from another agency).

    The grant is the person's, not their agency's, and ends when they leave their agency.
    """
    require(actor, Action.SHARE, obj)
    _grant_person(actor, obj, person, level)


@transaction.atomic
def unassign(*, actor: User, obj: models.Model, person: User) -> int:
    """Take back the grants `assign` gave one person on one record."""
    require(actor, Action.SHARE, obj)
    return _revoke_person(actor, obj, person)


@transaction.atomic
def investigation_hand_over(
    *, actor: User, obj: models.Model, old: User | None, new: User | None
) -> None:
    """Move the lead investigator's grant (view) from the old investigator to the new one, for
    the record's owning agency (who may share it) or a police supervisor whose investigator the
    old one is (`may_hand_over_investigation`, asked before the record changed hands)."""
    if not can(actor, Action.SHARE, obj):
        require(actor, Action.VIEW, obj)
        if not may_hand_over_investigation(actor, obj, investigator=old):
            raise Forbidden
    if old is not None:
        _revoke_person(actor, obj, old)
    if new is not None:
        _grant_person(actor, obj, new, ShareLevel.VIEW)


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


def shares_listed(actor: User, rows: list[Share]) -> list[Share]:
    """Share rows as a reader sees them: those of sealed records dropped, each with `record`
    (the shared record when the reader may see it now, else None), `label` (its own name, else
    the stored neutral label) and `url`. Labels are read here, never copied: a share row holds
    no name."""
    refs = [(row.content_type.model_class(), row.object_id) for row in rows]
    records = readable_records(actor, refs)
    # A record the reader sees is unsealed; only the others are looked up.
    by_model: dict[type[models.Model], set[int]] = {}
    for ref in refs:
        if ref not in records:
            by_model.setdefault(ref[0], set()).add(ref[1])
    unsealed = set(records) | {
        (model, pk)
        for model, ids in by_model.items()
        for pk in model.objects.filter(model.live_q(), pk__in=ids).values_list("pk", flat=True)
    }
    shown = []
    for row, ref in zip(rows, refs, strict=True):
        if ref not in unsealed:
            continue
        row.record = records.get(ref)
        row.label = str(row.record) if row.record is not None else row.object_label
        row.url = share_target_url(row)
        shown.append(row)
    return shown


def shares_revocable(actor: User, rows: list[Share]) -> list[Share]:
    """Mark each row of `shares_listed` `can_revoke`: whether the actor may revoke it now (may
    share its record). The records are those `shares_listed` read: no further query for
    records of the actor's own agency."""
    for row in rows:
        row.can_revoke = (
            row.revoked_at is None
            and row.record is not None
            and can(actor, Action.SHARE, row.record)
        )
    return rows


def share_target_url(share_row: Share) -> str:
    """Where the shared record's page is; the page itself still asks the policy."""
    return detail_url(share_row.content_type.model_class(), share_row.object_public_id)
