"""Consent: what another agency may see of a victim, and the scopes a consent releases."""

from __future__ import annotations

from django.db import models

from taskforce.access.visibility import acting_membership, rules_for
from taskforce.models import User


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
    scopes = {
        consent.scope
        for consent in victim.consents.filter(to_agency_id=membership.agency_id, revoked_on=None)
        if consent.is_active()
    }
    granted = [scope for scope in SCOPE_ORDER if scope in scopes]
    return granted[-1] if granted else None
