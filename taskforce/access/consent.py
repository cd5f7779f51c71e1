"""Consent: what another agency may see of a victim, and the scopes a consent releases; and a
record's progress, which other agencies see only under the consent of the victim it is about."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from taskforce.access.memo import recall, remember
from taskforce.access.visibility import (
    acting_membership,
    rules_for,
    today,
    viewable_pairs,
    visible,
)
from taskforce.models import User
from taskforce.protected import BY_LABEL


class ConsentScope(models.TextChoices):
    """What a consent releases, narrowest first; each includes those before it."""

    STATUS = "status", "Referral status only"
    CONTACT = "contact", "Contact information"
    SUMMARY = "summary", "Service summary"
    FULL = "full", "Full record"


SCOPE_ORDER = [ConsentScope.STATUS, ConsentScope.CONTACT, ConsentScope.SUMMARY, ConsentScope.FULL]


def scope_includes(scope: str | None, needed: str) -> bool:
    """Whether a consent scope (see `consent_scope`) releases what `needed` names."""
    return scope is not None and SCOPE_ORDER.index(scope) >= SCOPE_ORDER.index(needed)


def _in_force(consents: QuerySet, agency_id: int) -> QuerySet:
    """The consents to the agency in force now: not revoked, not past their expiry, checked now,
    not when swept. `Consent.is_active` in SQL: access ends when the day after `expires_on`
    begins, local time."""
    return consents.filter(
        # `today()`: the day of use, also where the SQL is kept compiled (`kept_condition`).
        to_agency_id=agency_id,
        revoked_on__isnull=True,
        expires_on__gte=today(),
    )


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
    scopes = set(
        _in_force(victim.consents.all(), membership.agency_id).values_list("scope", flat=True)
    )
    granted = [scope for scope in SCOPE_ORDER if scope in scopes]
    return granted[-1] if granted else None


def progress_q(actor: User | None, model: type[models.Model], path: str = "") -> Q:
    """THE decision of whose progress the actor sees, as a condition on the model's rows (reached
    through `path` from the rows queried): a referral's status past "received", its deadlines,
    their reminders and report rows. Nothing else decides it; everything that shows progress
    (the referral page and API, deadlines everywhere) asks here.

    The owning agency sees the progress of its records. Where the model's declaration names a
    victim (`progress_under_consent_of`), another agency sees it while any consent of that victim
    to it is in force: every consent releases at least the referrals' status (ConsentScope).
    Records that declare nothing: whoever sees the record sees its progress (Q()).
    """
    through = BY_LABEL[model._meta.label].progress_under_consent_of
    if through is None:
        return Q()
    membership = acting_membership(actor)
    if membership is None:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    owned = Q(**{f"{prefix}owner_agency_id": membership.agency_id})
    if not through:
        return owned
    victim_model = model._meta.get_field(through).related_model
    if membership.role not in rules_for(victim_model).view:
        return owned
    consents = victim_model._meta.get_field("consents").related_model.objects.filter(
        victim=OuterRef(f"{prefix}{through}")
    )
    consented = _in_force(consents, membership.agency_id)
    return owned | Q(Exists(consented))


def progress_shown(actor: User | None, record: models.Model) -> bool:
    """Whether the actor, who sees the record, sees its progress (`progress_q`, for one record)."""
    model = type(record)
    if BY_LABEL[model._meta.label].progress_under_consent_of is None:
        return True
    return recall(
        _progress_key(actor, model, record.pk),
        lambda: model.objects.filter(progress_q(actor, model), pk=record.pk).exists(),
    )


def _progress_key(actor: User | None, model: type[models.Model], pk: int) -> tuple:
    """Where the request keeps whether the actor sees a record's progress."""
    return ("progress", getattr(actor, "pk", None), model._meta.label, pk)


def progress_shown_each(actor: User | None, records: Iterable[models.Model]) -> dict[int, bool]:
    """`progress_shown` for each of these records of one model (which the actor sees), by pk:
    one query for those of other agencies, where a list asked it record by record (a sender's
    500 referrals: 500 queries, 1.9 s at state scale; bench/bench_reports.py's data). Each
    answer is kept for the request, as `progress_shown` keeps its own."""
    records = list(records)
    if not records:
        return {}
    model = type(records[0])
    if BY_LABEL[model._meta.label].progress_under_consent_of is None:
        return dict.fromkeys((record.pk for record in records), True)
    membership = acting_membership(actor)
    agency_id = None if membership is None else membership.agency_id
    shown = {record.pk: record.owner_agency_id == agency_id for record in records}
    asked = [pk for pk, own in shown.items() if not own]
    if asked and membership is not None:
        found = set(
            model.objects.filter(progress_q(actor, model), pk__in=asked).values_list(
                "pk", flat=True
            )
        )
        shown.update((pk, pk in found) for pk in asked)
    for pk, answer in shown.items():
        remember(_progress_key(actor, model, pk), answer)
    return shown


def visible_with_progress(actor: User | None, model: type[models.Model]) -> QuerySet:
    """The records the actor may view and whose progress they see: whose deadlines they see."""
    return visible(actor, model).filter(progress_q(actor, model))


def viewable_with_progress(
    pairs: Iterable[tuple[User, models.Model]],
) -> set[tuple[int, type, int]]:
    """`viewable_pairs`, of the pairs whose user also sees the record's progress (a sweep of
    deadlines' reminders)."""
    return viewable_pairs(list(pairs), narrow=progress_q)
