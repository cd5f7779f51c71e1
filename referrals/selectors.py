"""Reads of referrals: the receiving agency's work list, the sender's view of what it sent."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, QuerySet, Value, When

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


RECEIVED_RELATED = ("person", "referring_agency", "region", "assigned_advocate", "victim")
SENT_RELATED = ("person", "owner_agency", "victim")


def received_rows(
    *, actor: User, status: str = "", urgency: str = "", q: str = "", mine: bool = False
) -> QuerySet[Referral]:
    """The receiving agency's referrals, every one: new first (sent, then received), then the
    most urgent, then the newest. Ordered in SQL, so that a page, a panel or an export reads
    the same order over all of them (it was sorted in Python over the 500 newest: an older
    referral nobody had received yet fell off the list)."""
    membership = access.acting_membership(actor)
    if membership is None:
        return Referral.objects.none()
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
    return (
        queryset.select_related(*RECEIVED_RELATED)
        .annotate(
            status_rank=Case(
                When(status=ReferralStatus.SENT, then=Value(0)),
                When(status=ReferralStatus.RECEIVED, then=Value(1)),
                default=Value(2),
            ),
            urgency_rank=Case(
                When(urgency="emergency", then=Value(0)),
                When(urgency="urgent", then=Value(1)),
                default=Value(2),
            ),
        )
        .order_by("status_rank", "urgency_rank", "-created_at", "-id")
    )


def referrals_received(*, actor: User, size: int = 500, **filters) -> list[Referral]:
    """The first `size` of `received_rows` (a home page's panels)."""
    return list(received_rows(actor=actor, **filters)[:size])


def sent_rows(*, actor: User) -> QuerySet[Referral]:
    """What the actor's agency referred, newest first, each tested as it is read
    (`access.visible_rows_condition`). Its statuses go through `with_status_shown`."""
    membership = access.acting_membership(actor)
    if membership is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(
            access.visible_rows_condition(actor, Referral), referring_agency=membership.agency
        )
        .select_related(*SENT_RELATED)
        .order_by("-created_at", "-id")
    )


def with_status_shown(actor: User, rows: Iterable[Referral]) -> list[tuple[Referral, str]]:
    """Each referral with the label of the status the actor may see of it, whose progress they
    see asked once for all of them (`access.progress_shown_each`): asked referral by referral,
    a sender's 500 were 500 queries (1.9 s at state scale; bench/bench_reports.py's data)."""
    rows = list(rows)
    progress = access.progress_shown_each(actor, rows)
    return [(r, ReferralStatus(_status_shown(r, progress[r.pk])).label) for r in rows]


def referrals_sent(*, actor: User, size: int = 500) -> list[tuple[Referral, str]]:
    """The first `size` of `sent_rows`, each with the status the actor may see."""
    return with_status_shown(actor, sent_rows(actor=actor)[:size])
