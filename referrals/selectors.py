"""Reads of referrals: the receiving agency's work list, the sender's view of what it sent."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Func, IntegerField, QuerySet

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


RECEIVED_RELATED = ("person", "referring_agency", "owner_agency", "region", "assigned_advocate",
                    "victim")  # fmt: skip
SENT_RELATED = ("person", "owner_agency", "referring_agency", "victim")


class _Rank(Func):
    """0 where the field holds `first`, 1 where `second`, else 2: the values written into the
    SQL (code's constants, never input), not passed as parameters, for a query with one in
    its ORDER BY is never prepared (taskforce.prepared) and was planned at every request."""

    output_field = IntegerField()

    def __init__(self, field: str, first: str, second: str) -> None:
        for value in (first, second):
            if not value.isidentifier():
                raise ValueError(value)
        then = f"WHEN '{first}' THEN 0 WHEN '{second}' THEN 1 ELSE 2 END"
        super().__init__(F(field), template=f"CASE %(expressions)s {then}")


# The received list's order: new first (sent, then received), then the most urgent, then the
# newest.
_NEW_FIRST = _Rank("status", ReferralStatus.SENT, ReferralStatus.RECEIVED)
_URGENT_FIRST = _Rank("urgency", "emergency", "urgent")
RECEIVED_ORDER = (_NEW_FIRST.asc(), _URGENT_FIRST.asc(), "-created_at", "-id")
SENT_ORDER = ("-created_at", "-id")


def received_ids(
    *, actor: User, status: str = "", urgency: str = "", q: str = "", mine: bool = False
) -> QuerySet:
    """The ids of the receiving agency's referrals, every one, in the list's order
    (`RECEIVED_ORDER`), ordered in SQL so that a page, a panel or an export reads the same order
    over all of them (it was sorted in Python over the newest 500: an older referral nobody had
    received yet fell off the list). Ids only: a page's rows are joined to what they show after
    they are chosen (`received_loaded`): joined before, the sort of a state's largest agency's
    40,000 referrals read every person (1.1 s)."""
    membership = access.acting_membership(actor)
    if membership is None:
        return Referral.objects.none().values_list("pk", flat=True)
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
    return queryset.order_by(*RECEIVED_ORDER).values_list("pk", flat=True)


def received_loaded(chosen: Iterable[int]) -> list[Referral]:
    """The referrals of some of `received_ids` (read first: the policy's condition holds only at
    the top of a query), in the list's order, with what the lists show."""
    rows = Referral.objects.filter(pk__in=list(chosen)).select_related(*RECEIVED_RELATED)
    return list(rows.order_by(*RECEIVED_ORDER))


def referrals_received(*, actor: User, size: int = 500, **filters) -> list[Referral]:
    """The first `size` of the receiving agency's referrals (a home page's panels)."""
    return received_loaded(received_ids(actor=actor, **filters)[:size])


def sent_ids(*, actor: User) -> QuerySet:
    """The ids of what the actor's agency referred, newest first, each tested as it is read
    (`access.visible_rows_condition`); their rows through `sent_loaded`."""
    membership = access.acting_membership(actor)
    if membership is None:
        return Referral.objects.none().values_list("pk", flat=True)
    return (
        Referral.objects.filter(
            access.visible_rows_condition(actor, Referral), referring_agency=membership.agency
        )
        .order_by(*SENT_ORDER)
        .values_list("pk", flat=True)
    )


def sent_loaded(actor: User, chosen: Iterable[int]) -> list[tuple[Referral, str]]:
    """The referrals of some of `sent_ids` (read first, as `received_loaded`'s), newest first,
    with what the list shows and the status the actor may see of each (`with_status_shown`)."""
    rows = Referral.objects.filter(pk__in=list(chosen)).select_related(*SENT_RELATED)
    return with_status_shown(actor, rows.order_by(*SENT_ORDER))


def with_status_shown(actor: User, rows: Iterable[Referral]) -> list[tuple[Referral, str]]:
    """Each referral with the label of the status the actor may see of it, whose progress they
    see asked once for all of them (`access.progress_shown_each`): asked referral by referral,
    a sender's 500 were 500 queries (1.9 s at state scale; bench/bench_reports.py's data)."""
    rows = list(rows)
    progress = access.progress_shown_each(actor, rows)
    return [(r, ReferralStatus(_status_shown(r, progress[r.pk])).label) for r in rows]


def referrals_sent(*, actor: User, size: int = 500) -> list[tuple[Referral, str]]:
    """The newest `size` the actor's agency referred, each with the status it may see."""
    return sent_loaded(actor, sent_ids(actor=actor)[:size])
