"""The Safe Harbor referrals a victim-service agency already keeps in a spreadsheet, imported
one row per referral: sent to the agency itself on the date it was received, then walked to its
status through referral_transition (status history, deadlines and audit as on the pages)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.services.spreadsheets import (
    PERSON_COLUMNS,
    Cells,
    Column,
    ImportKind,
    SheetRow,
    may_create_in,
)
from deadlines.services import deadline_close
from referrals.models import ClosureReason, Referral, ReferralStatus, Region, SourceKind, Urgency
from referrals.services import referral_send, referral_transition
from taskforce import access
from taskforce.models import AgencyKind, DeadlineStatus, User

# The steps from "sent" to each status a file may give.
PATHS = {
    ReferralStatus.SENT: [],
    ReferralStatus.RECEIVED: [ReferralStatus.RECEIVED],
    ReferralStatus.ACCEPTED: [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED],
    ReferralStatus.DECLINED: [ReferralStatus.RECEIVED, ReferralStatus.DECLINED],
    ReferralStatus.ENGAGED: [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED,
                             ReferralStatus.ENGAGED],
    ReferralStatus.CLOSED: [ReferralStatus.RECEIVED, ReferralStatus.ACCEPTED,
                            ReferralStatus.CLOSED],
}  # fmt: skip

COLUMNS = (
    *PERSON_COLUMNS,
    Column("received_on", True, "Date the referral came in.", "2025-11-03"),
    Column("source", True, "Who referred: police, prosecution, school, hotel, family, self or "
           "other.", "school"),
    Column("reason", True, "Why the youth was referred.", "Disclosed exploitation to counselor"),
    Column("urgency", False, "routine (the default), urgent or emergency.", "routine"),
    Column("region", False, "Safe Harbor region by name, as in the regions table.", ""),
    Column("status", False, "received (the default), sent, accepted, declined, engaged or "
           "closed.", "engaged"),
    Column("decline_reason", False, "Required when the status is declined.", ""),
    Column("closure_reason", False, "Required when the status is closed: goals_met, moved, "
           "declined_services, lost_contact, aged_out or other.", ""),
)  # fmt: skip


def _parse(cells: Cells) -> dict:
    regions = cells.cached("regions", lambda: {r.name.lower(): r for r in Region.objects.all()})
    region = cells.text("region")
    if region and region.lower() not in regions:
        cells.problem("region", f"'{region}' is not a Safe Harbor region we know")
    values = {
        "received_on": cells.date("received_on", required=True),
        "source": cells.choice("source", SourceKind.choices, required=True),
        "reason": cells.text("reason", required=True),
        "urgency": cells.choice("urgency", Urgency.choices, default=Urgency.ROUTINE),
        "region": regions.get(region.lower()) if region else None,
        "status": cells.choice("status", ReferralStatus.choices, default=ReferralStatus.RECEIVED),
        "decline_reason": cells.text("decline_reason"),
        "closure_reason": cells.choice("closure_reason", ClosureReason.choices),
    }
    if values["status"] == ReferralStatus.DECLINED and not values["decline_reason"]:
        cells.problem("decline_reason", "is empty; say why the referral was declined")
    if values["status"] == ReferralStatus.CLOSED and not values["closure_reason"]:
        cells.problem("closure_reason", "is empty; choose why the referral was closed")
    return values


def _save(*, actor: User, rows: list[SheetRow]) -> list[Referral]:
    agency = access.acting_membership(actor).agency
    saved = []
    for row in rows:
        values = row.values
        referral = referral_send(
            actor=actor, person=row.person, to_agency=agency, source=values["source"],
            reason=values["reason"], urgency=values["urgency"], region=values["region"],
            sent_at=timezone.make_aware(dt.datetime.combine(values["received_on"], dt.time(9))),
        )  # fmt: skip
        for step in PATHS[values["status"]]:
            referral = referral_transition(
                actor=actor, referral=referral, to_status=step,
                reason=values["decline_reason"] if step == ReferralStatus.DECLINED else "",
                closure_reason=values["closure_reason"],
            )  # fmt: skip
        if values["status"] in {ReferralStatus.ACCEPTED, ReferralStatus.ENGAGED}:
            # Accepted before the import: the first contact was made then, not owed now.
            deadline_close(
                actor=actor, obj=referral, rule="first_contact", status=DeadlineStatus.WAIVED,
                reason="Imported: contacted before",
            )  # fmt: skip
        saved.append(referral)
    return saved


KIND = ImportKind(
    slug="referrals",
    noun="referrals",
    columns=COLUMNS,
    # The receiving side's rule: an advocate or supervisor of a victim-service agency.
    may_import=lambda actor: may_create_in(actor, Referral, AgencyKind.VICTIM_SERVICES),
    parse=_parse,
    save=_save,
    shown=("received_on", "source", "status"),
)
