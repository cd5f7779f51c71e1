"""The demo's cases: hand-offs taken into cases, charged, declined and sentenced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases.models import (
    CaseStatus,
    Charge,
    Decision,
    Disposition,
    HandOff,
    Statute,
)
from cases.services.cases import case_transition, case_update
from cases.services.charges import ChargeInput, charge_dispose, charging_decide
from cases.services.court import sentence_record
from cases.services.notes import note_add
from deadlines.services import deadline_schedule
from taskforce.models import Agency, Deadline, DeadlineStatus, User


def seed_prosecution(agencies: dict[str, Agency]) -> int:
    """Ramsey's county attorney takes its one handed-off arrest to sentence (a plea), so the
    reports have a charge, a disposition and a 609.3241 assessment to count. Washington's three
    stay in intake for a newcomer to work."""
    ramsey = agencies["RCAO"]
    handed = HandOff.objects.filter(to_agency=ramsey).select_related("case", "arrest").first()
    if handed is None or Charge.objects.filter(case=handed.case).exists():
        return 0
    prosecutor = User.objects.get(username="ramsey_prosecutor")
    case, arrest = handed.case, handed.arrest
    today = timezone.localdate()
    arrested_on = timezone.localdate(arrest.arrested_at)
    statute = Statute.objects.get(citation="609.324 subd. 1(b)")
    filed_on = min(arrested_on + dt.timedelta(days=8), today)
    charging_decide(
        actor=prosecutor, case=case, decision=Decision.CHARGE,
        charges=[ChargeInput(defendant=arrest.arrestee, statute=statute, filed_on=filed_on)],
    )  # fmt: skip
    [charge] = Charge.objects.filter(case=case)
    pleaded_on = min(charge.filed_on + dt.timedelta(days=21), today)
    charge = charge_dispose(
        actor=prosecutor, charge=charge, disposition=Disposition.PLEADED_AS_CHARGED,
        disposed_on=pleaded_on,
    )  # fmt: skip
    sentence_record(
        actor=prosecutor, charge=charge, sentenced_on=pleaded_on, assessment=Decimal("750"),
        custody_days=30, custody_stayed=True, probation_months=12,
        assessment_paid=Decimal("250"), installments=3,
    )  # fmt: skip
    for status in (CaseStatus.PRE_TRIAL, CaseStatus.SENTENCED):
        case_transition(actor=prosecutor, case=case, to_status=status)
    return 1


ESCALATION_TITLE = "Escalation demo: charging decision overdue"


def seed_escalation(agencies: dict[str, Agency]) -> int:
    """The one deadline the demo leaves overdue, to show escalation: a Washington hand-off from
    the demo sting whose charging decision was due 30 days after the arrests. Its title and a
    note say so; the first beat tick tells Washington's supervisor. Returns 1 when made."""
    attorney = agencies["WCAO"]
    handed = (
        HandOff.objects.filter(to_agency=attorney, case__status=CaseStatus.INTAKE)
        .select_related("case", "arrest").order_by("arrest__arrested_at", "pk").first()
    )  # fmt: skip
    if handed is None or handed.case.title == ESCALATION_TITLE:
        return 0
    prosecutor = User.objects.get(username="wash_prosecutor")
    case = case_update(actor=prosecutor, case=handed.case, expected_version=handed.case.version,
                       data={"title": ESCALATION_TITLE})  # fmt: skip
    note_add(
        actor=prosecutor,
        case=case,
        visibility="agency",
        body="Demo data: this hand-off is dated to the sting, so its charging decision is "
        "overdue on purpose. It shows how a missed deadline escalates to the supervisor.",
    )
    # The hand-off counted from the arrest (the demo's seed hands it off today).
    deadline_schedule(obj=case, rule="charging_decision", event_at=handed.arrest.arrested_at,
                      responsible_agency=attorney, actor=prosecutor)  # fmt: skip
    overdue = Deadline.objects.filter(
        object_id=case.pk, rule="charging_decision", status=DeadlineStatus.OPEN,
        due_at__lt=timezone.now(),
    )  # fmt: skip
    return overdue.count()
