"""What referrals add to the pages of cases, which cannot import them: a case's timeline shows
the referrals made from it, and the runaway review matches a youth who was referred. Registered
when referrals is ready; each shows only referrals the reader may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse

from cases.models import Case
from cases.selectors import cases as case_selectors
from cases.selectors import runaways as runaway_selectors
from referrals.models import Referral
from taskforce import access, folded
from taskforce.models import User


def case_referrals_timeline(actor: User, case: Case) -> Iterable[case_selectors.TimelineEntry]:
    # The policy's SQL for the actor, kept compiled (keyed by `access.policy_key`, issue #22).
    referrals = folded.kept_rows(
        lambda case_id: (
            access.visible(actor, Referral)
            .filter(case_id=case_id)
            .select_related("owner_agency", "created_by")
        ),
        key=("case referrals", *access.policy_key(actor)),
        case_id=case.pk,
    )
    for referral in referrals:
        yield case_selectors.TimelineEntry(
            referral.created_at,
            f"Referred to Safe Harbor: {referral.owner_agency.name}",
            referral.created_by.display_name(),
        )


def _referrals(actor: User) -> QuerySet[Referral]:
    return access.visible(actor, Referral)


def _referral_reason(referral: Referral) -> runaway_selectors.Reason:
    return runaway_selectors.Reason(
        "Same person",
        f"Safe Harbor referral to {referral.owner_agency.label} "
        f"on {runaway_selectors.on_day(referral.created_at)}",
        reverse("referrals:detail", args=[referral.public_id]),
    )


def register() -> None:
    case_selectors.TIMELINE_SOURCES.append(case_referrals_timeline)
    runaway_selectors.PERSON_SOURCES.append(
        runaway_selectors.PersonSource(_referrals, _referral_reason, related=("owner_agency",))
    )
