"""Reads of hand-offs: a prosecution agency's intake queue, an arrest's referrals."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet, Window
from django.db.models.expressions import RawSQL

from cases.models import Arrest, HandOff
from taskforce import access, folded
from taskforce.models import User


def intake_queue(*, actor: User) -> QuerySet[HandOff]:
    """Arrests handed to the actor's agency, newest first, with their cases."""
    membership = access.acting_membership(actor)
    if membership is None:
        return HandOff.objects.none()
    return (
        access.visible(actor, HandOff)
        .filter(to_agency=membership.agency)
        .select_related(
            "arrest__arrestee",
            "arrest__operation",
            "arrest__county",
            "case",
            "owner_agency",
            "created_by",
        )
        .prefetch_related("arrest__charges__statute")
        .order_by("-created_at", "-id")
    )


def intake_waiting(*, actor: User, size: int = 5) -> tuple[list[HandOff], int]:
    """The home panel: the newest hand-offs whose case is still in intake (with what the panel
    shows of them, not the queue's recommended charges), and how many there are."""
    if connection.vendor == "postgresql":
        # Which hand-offs, as SQL compiled once per process for the person (it is the policy's);
        # the page's columns around it are cheap to build (issue #22: 2.8 ms a home before).
        kept = folded.kept_sql(
            lambda: (
                intake_queue(actor=actor)
                .filter(case__status="intake")
                .prefetch_related(None)
                .values("pk")
            ),
            key=("intake_waiting", access.policy_key(actor)),
        )
        if kept is None:
            return [], 0
        # The kept SQL of Django's own compiled query, its values passed apart.
        chosen = HandOff.objects.filter(pk__in=RawSQL(*kept, output_field=HandOff._meta.pk))  # noqa: S611
    else:
        chosen = intake_queue(actor=actor).filter(case__status="intake")
    waiting = (
        chosen.select_related(None)
        .select_related("arrest__arrestee", "case", "owner_agency")
        .prefetch_related(None)
        # How many, counted in the same query as the first few (a window over every row).
        .annotate(waiting=Window(Count("pk")))
        .order_by("-created_at", "-id")
    )
    rows = list(waiting[:size])
    return rows, rows[0].waiting if rows else 0


def handoffs_of(*, actor: User, arrest: Arrest) -> QuerySet[HandOff]:
    return (
        access.visible(actor, HandOff)
        .filter(arrest=arrest)
        .select_related("to_agency", "case", "created_by")
        .order_by("created_at")
    )


def handoffs_seen_by(actor: User, to: str = "handoffs", to_attr: str | None = None) -> Prefetch:
    """Prefetch of an arrest's hand-offs (`to`: the path to them; `to_attr`: where to put them
    instead) limited to those `actor` may see: a hand-off follows its case, so a viewer who sees
    the arrest (a sting's participant, an agency it is shared with) does not learn of a referral
    to a case they cannot open."""
    return Prefetch(
        to,
        queryset=access.visible(actor, HandOff)
        .select_related("to_agency", "case")
        .order_by("created_at", "id"),
        to_attr=to_attr,
    )
