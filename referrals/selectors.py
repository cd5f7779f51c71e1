"""Reads of referrals: the receiving agency's work list, the sender's view of what it sent."""

from __future__ import annotations

from cases.selectors.people import people_named
from referrals.models import Referral, ReferralStatus
from taskforce import access
from taskforce.models import User


def referral_get(*, actor: User, public_id, action=access.Action.VIEW) -> Referral:
    related = (
        "owner_agency",
        "person",
        "victim",
        "referring_agency",
        "region",
        "assigned_advocate",
    )
    return access.get_for(actor, Referral, public_id, action, related=related)


def is_receiver(actor: User, referral: Referral) -> bool:
    membership = access.acting_membership(actor)
    return membership is not None and membership.agency_id == referral.owner_agency_id


def status_capped(actor: User, referral: Referral) -> bool:
    """Whether the actor sees the referral's status only as far as 'received' (no consent):
    whether they do not see its progress (`access.progress_shown`, which also decides who sees
    its deadlines)."""
    return not access.progress_shown(actor, referral)


def status_shown(actor: User, referral: Referral) -> str:
    """The status the actor may see: the sender sees progress past 'received' only while the
    victim's consent to the sender's agency is in force (`access.progress_shown`)."""
    return _status_shown(referral, access.progress_shown(actor, referral))


def _status_shown(referral: Referral, progress: bool) -> str:
    if referral.status == ReferralStatus.SENT or progress:
        return referral.status
    return ReferralStatus.RECEIVED


def referrals_received(
    *, actor: User, status: str = "", urgency: str = "", q: str = "", mine: bool = False
) -> list[Referral]:
    """The receiving agency's referrals: new and urgent first."""
    membership = access.acting_membership(actor)
    if membership is None:
        return []
    # The agency's own referrals, each tested as it is read (`access.visible_rows_condition`).
    queryset = Referral.objects.filter(
        access.visible_rows_condition(actor, Referral), owner_agency=membership.agency
    )
    if q:
        queryset = queryset.filter(person__in=people_named(q))
    if mine:
        queryset = queryset.filter(assigned_advocate=actor)
    if status:
        queryset = queryset.filter(status=status)
    if urgency:
        queryset = queryset.filter(urgency=urgency)
    urgency_rank = {"emergency": 0, "urgent": 1, "routine": 2}
    rows = list(
        queryset.select_related(
            "person", "referring_agency", "region", "assigned_advocate", "victim"
        ).order_by("-created_at")[:500]
    )
    order = {ReferralStatus.SENT: 0, ReferralStatus.RECEIVED: 1}
    return sorted(rows, key=lambda r: (order.get(r.status, 2), urgency_rank[r.urgency]))


def referrals_sent(*, actor: User) -> list[tuple[Referral, str]]:
    """What the actor's agency referred, with the label of the status it may see of each."""
    membership = access.acting_membership(actor)
    if membership is None:
        return []
    # What the agency referred, each tested as it is read (`access.visible_rows_condition`), and
    # whose progress it sees asked once for all (`access.progress_shown_each`).
    rows = list(
        Referral.objects.filter(
            access.visible_rows_condition(actor, Referral), referring_agency=membership.agency
        )
        .select_related("person", "owner_agency", "victim")
        .order_by("-created_at")[:500]
    )
    progress = access.progress_shown_each(actor, rows)
    return [
        (referral, ReferralStatus(_status_shown(referral, progress[referral.pk])).label)
        for referral in rows
    ]
