"""The Safe Harbor referrals a victim-service agency already keeps in a spreadsheet, imported
one row per referral: received by the agency on the date given, at the status it reached
(referrals_received_before: the status steps, the first-contact deadline and the audit as the
pages would leave them, written in bulk)."""

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
from referrals.models import ClosureReason, Referral, ReferralStatus, Region, SourceKind, Urgency
from referrals.services import referrals_received_before
from taskforce.models import AgencyKind, User

# The steps from "sent" to each status a file may give.

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
    """Each row a referral the agency received on `received_on` (at 09:00), at its status."""
    return referrals_received_before(actor=actor, items=[
        {**row.values, "person": row.person,
         "sent_at": timezone.make_aware(dt.datetime.combine(row.values["received_on"],
                                                            dt.time(9)))}
        for row in rows
    ])  # fmt: skip


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
