"""Writes of the court side of a case: hearings, victims and their notices, sentences."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import (
    Case,
    Charge,
    ContinuanceBy,
    CourtEvent,
    CourtEventKind,
    CourtEventStatus,
    DemandLevel,
    JuvenileDetention,
    Sentence,
    SpeedyTrialDemand,
)
from cases.models.court import ASSESSMENT_INDIGENT_FLOOR, assessment_range
from cases.services.notices import (
    case_arrested_at,
    case_deadline_schedule,
    plea_notice_plan,
)
from deadlines.services import deadline_close
from taskforce import access, audit
from taskforce.dates import start_of_day
from taskforce.models import Deadline, DeadlineStatus, User


@transaction.atomic
def court_event_schedule(
    *, actor: User, case: Case, kind: str, starts_at: datetime, courtroom="", judge=""
) -> CourtEvent:
    access.require(actor, access.Action.CHANGE, case)
    arrested_at = case_arrested_at(case)
    if arrested_at and starts_at < arrested_at:
        when = timezone.localtime(arrested_at).strftime("%b %-d, %Y %H:%M")
        raise ValidationError({"starts_at": f"This is before the arrest ({when})."})
    event = CourtEvent.objects.create(
        case=case, kind=kind, starts_at=starts_at, courtroom=courtroom, judge=judge,
        created_by=actor,
    )  # fmt: skip
    case_deadline_schedule(case, obj=event, rule="court_event", event_at=starts_at)
    plea_notice_plan(case)
    audit.record(actor, "court_event.scheduled", case, changes={"event": str(event)})
    return event


# The deadlines a hearing meets when it is held.
MET_BY_HEARING = {
    CourtEventKind.OMNIBUS: ["omnibus_hearing"],
    CourtEventKind.TRIAL: ["speedy_trial", "custody_release", "juvenile_trial"],
}


@transaction.atomic
def court_event_continue(
    *, actor: User, event: CourtEvent, starts_at: datetime, continued_by: str, reason: str
) -> CourtEvent:
    """Move a hearing: the old one stays, marked continued, and who asked is kept."""
    access.require(actor, access.Action.CHANGE, event.case)
    event = CourtEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != CourtEventStatus.SCHEDULED:
        raise ValidationError("Only a scheduled hearing can be continued.")
    if continued_by not in ContinuanceBy.values:
        raise ValidationError({"continued_by": "Say who asked for the continuance."})
    if starts_at <= event.starts_at:
        raise ValidationError({"starts_at": "A continuance moves the hearing later."})
    new = court_event_schedule(
        actor=actor, case=event.case, kind=event.kind, starts_at=starts_at,
        courtroom=event.courtroom, judge=event.judge,
    )  # fmt: skip
    event.status = CourtEventStatus.CONTINUED
    event.continued_to = new
    event.continued_by = continued_by
    event.continuance_reason = reason.strip()
    event.save(update_fields=["status", "continued_to", "continued_by", "continuance_reason"])
    deadline_close(actor=actor, obj=event, rule="court_event", status=DeadlineStatus.WAIVED,
                   reason=f"Continued to {new}")  # fmt: skip
    plea_notice_plan(event.case)
    audit.record(actor, "court_event.continued", event.case, reason=reason,
                 changes={"from": str(event), "to": str(new), "by": continued_by})  # fmt: skip
    return new


@transaction.atomic
def court_event_record(
    *, actor: User, event: CourtEvent, status: str, outcome: str, combined_with_rule8: bool = False
) -> CourtEvent:
    """Record a hearing held or cancelled, and what its outcome starts or ends: a first
    appearance starts the omnibus clock; an omnibus hearing or a trial held meets its own."""
    access.require(actor, access.Action.CHANGE, event.case)
    if status not in {CourtEventStatus.HELD, CourtEventStatus.CANCELLED}:
        raise ValidationError({"status": "A hearing is recorded as held or cancelled."})
    if status == CourtEventStatus.HELD and event.starts_at > timezone.now():
        raise ValidationError({"status": "This hearing has not happened yet."})
    event.status = status
    event.outcome = outcome.strip()
    event.save(update_fields=["status", "outcome"])
    case = event.case
    if status == CourtEventStatus.CANCELLED:
        deadline_close(actor=actor, obj=event, rule="court_event", status=DeadlineStatus.WAIVED,
                       reason="The hearing was cancelled.")  # fmt: skip
    else:
        deadline_close(actor=actor, obj=event, rule="court_event", status=DeadlineStatus.MET)
        if event.kind == CourtEventKind.FIRST_APPEARANCE:
            case_deadline_schedule(case, rule="omnibus_hearing", event_at=event.starts_at,
                           combined_with_rule8=combined_with_rule8)  # fmt: skip
        for rule in MET_BY_HEARING.get(event.kind, []):
            deadline_close(actor=actor, obj=case, rule=rule, status=DeadlineStatus.MET)
        if event.kind == CourtEventKind.DETENTION:
            _detention_hearing_held(actor, case, event)
    audit.record(actor, "court_event.recorded", event.case, changes={"event": str(event),
                                                                     "status": status})  # fmt: skip
    return event


@transaction.atomic
def speedy_trial_demand_record(
    *,
    actor: User,
    case: Case,
    demanded_on: date,
    level: str,
    made_by: str,
    in_custody: bool,
    pleaded_not_guilty_on: date | None = None,
) -> SpeedyTrialDemand:
    """A speedy-trial demand starts the trial clock (60 days) and, for a defendant in custody,
    the release clock (Rule 11.09: 120 days; Rule 6.06 misdemeanor: 10 days). A felony's or gross
    misdemeanor's 60 days run from the demand (11.09); a misdemeanor's from the not-guilty plea
    (6.06), so its plea date is required."""
    access.require(actor, access.Action.CHANGE, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    earlier = SpeedyTrialDemand.objects.filter(case=case).first()
    if earlier is not None:
        raise ValidationError(
            {"demanded_on": f"A demand of {earlier.demanded_on:%b %-d, %Y} is already recorded."}
        )
    errors: dict[str, str] = {}
    if demanded_on > timezone.localdate():
        errors["demanded_on"] = "A demand cannot be dated in the future."
    if level == DemandLevel.MISDEMEANOR and pleaded_not_guilty_on is None:
        errors["pleaded_not_guilty_on"] = (
            "For a misdemeanor the 60 days run from the not-guilty plea (Rule 6.06): "
            "enter the plea's date."
        )
    elif pleaded_not_guilty_on is not None and pleaded_not_guilty_on > demanded_on:
        errors["pleaded_not_guilty_on"] = "A speedy-trial demand follows the not-guilty plea."
    if errors:
        raise ValidationError(errors)
    demand = SpeedyTrialDemand.objects.create(
        case=case, demanded_on=demanded_on, level=level, made_by=made_by, in_custody=in_custody,
        pleaded_not_guilty_on=pleaded_not_guilty_on, recorded_by=actor,
    )  # fmt: skip
    demanded_at = start_of_day(demanded_on)
    if level == DemandLevel.JUVENILE:
        detained = case.detentions.filter(released_at__isnull=True).exists()
        case_deadline_schedule(case, rule="juvenile_trial", event_at=demanded_at, detained=detained)
    elif level == DemandLevel.MISDEMEANOR:
        case_deadline_schedule(
            case, rule="speedy_trial", event_at=start_of_day(pleaded_not_guilty_on)
        )
    else:
        case_deadline_schedule(case, rule="speedy_trial", event_at=demanded_at)
    if in_custody and level != DemandLevel.JUVENILE:
        case_deadline_schedule(case, rule="custody_release", event_at=demanded_at,
                       misdemeanor=level == DemandLevel.MISDEMEANOR)  # fmt: skip
    audit.record(actor, "case.speedy_trial_demanded", case,
                 changes={"demanded_on": str(demanded_on), "level": level,
                          "pleaded_not_guilty_on": str(pleaded_not_guilty_on or ""),
                          "in_custody": in_custody, "made_by": made_by})  # fmt: skip
    return demand


@transaction.atomic
def sentence_record(
    *,
    actor: User,
    charge: Charge,
    sentenced_on: date,
    assessment: Decimal,
    custody_days: int = 0,
    custody_stayed: bool = False,
    probation_months: int = 0,
    fine: Decimal = Decimal("0"),
    conditions: str = "",
    assessment_reduced_for_indigence: bool = False,
    reduction_reason: str = "",
    assessment_paid: Decimal = Decimal("0"),
    installments: int = 1,
) -> Sentence:
    """The sentence on a count of conviction, with the 609.3241 assessment (not waivable)."""
    access.require(actor, access.Action.CHANGE, charge.case)
    errors: dict[str, str] = {}
    if not charge.is_conviction:
        raise ValidationError("Only a count that ended in a conviction or plea can be sentenced.")
    if Sentence.objects.filter(charge=charge).exists():
        raise ValidationError("This count already has a sentence.")
    if sentenced_on > timezone.localdate():
        errors["sentenced_on"] = "This date is in the future."
    elif charge.disposed_on and sentenced_on < charge.disposed_on:
        errors["sentenced_on"] = "Sentencing cannot come before the conviction."
    # 609.3241(a): the range follows the offence of conviction (its statute and level).
    low, high, why = assessment_range(charge.statute.citation, charge.level)
    if assessment_reduced_for_indigence:
        if assessment < ASSESSMENT_INDIGENT_FLOOR or assessment > high:
            errors["assessment"] = (
                f"Reduced for indigence, the assessment is at least $100 and at most ${high:,.0f} "
                f"for {why}."
            )
        if not reduction_reason.strip():
            errors["reduction_reason"] = "Record why the assessment was reduced."
    elif not low <= assessment <= high:
        errors["assessment"] = (
            f"For {why} the assessment is ${low:,.0f} to ${high:,.0f} (Minn. Stat. 609.3241(a)) "
            "and cannot be waived; tick the indigence reduction to order less."
        )
    if assessment_paid > assessment:
        errors["assessment_paid"] = "More is recorded as paid than was ordered."
    if errors:
        raise ValidationError(errors)
    sentence = Sentence.objects.create(
        charge=charge, sentenced_on=sentenced_on, custody_days=custody_days,
        custody_stayed=custody_stayed, probation_months=probation_months, fine=fine,
        conditions=conditions, assessment=assessment,
        assessment_reduced_for_indigence=assessment_reduced_for_indigence,
        reduction_reason=reduction_reason.strip(), assessment_paid=assessment_paid,
        installments=installments, recorded_by=actor,
    )  # fmt: skip
    audit.record(actor, "charge.sentenced", charge.case,
                 changes={"count": charge.count_number, "assessment": str(assessment)})  # fmt: skip
    return sentence


JUVENILE_DETENTION_RULES = ["juvenile_detention_hearing", "juvenile_detention_review"]


def _open_detention(case: Case) -> JuvenileDetention | None:
    return case.detentions.filter(released_at__isnull=True).first()


@transaction.atomic
def juvenile_detention_record(
    *, actor: User, case: Case, detained_at: datetime, facility: str
) -> JuvenileDetention:
    """A juvenile defendant is held: the detention hearing is due within 36 hours (24 in an adult
    jail), not counting Saturdays, Sundays or holidays, or within 6 plain hours in a metropolitan
    adult jail (Juv. R. 5.07 subd. 1)."""
    access.require(actor, access.Action.CHANGE, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if _open_detention(case) is not None:
        raise ValidationError(
            {"detained_at": "A detention is already open on this case: record the release first."}
        )
    if detained_at > timezone.now():
        raise ValidationError({"detained_at": "A detention cannot start in the future."})
    detention = JuvenileDetention.objects.create(
        case=case, detained_at=detained_at, facility=facility, recorded_by=actor
    )
    case_deadline_schedule(case, rule="juvenile_detention_hearing", event_at=detained_at,
                   facility=facility, sequence=case.detentions.count())  # fmt: skip
    audit.record(actor, "case.juvenile_detained", case, changes={"facility": facility})
    return detention


def _detention_hearing_held(actor: User, case: Case, event: CourtEvent) -> None:
    """A detention hearing or review held while the child is still held: the one due is met and
    the next review falls due 8 working days later (Juv. R. 5.08)."""
    if _open_detention(case) is None:
        return
    for rule in JUVENILE_DETENTION_RULES:
        deadline_close(actor=actor, obj=case, rule=rule, status=DeadlineStatus.MET)
    reviews = Deadline.objects.filter(
        content_type__model="case", object_id=case.pk, rule="juvenile_detention_review"
    ).count()
    case_deadline_schedule(case, rule="juvenile_detention_review", event_at=event.starts_at,
                   sequence=reviews + 1)  # fmt: skip


@transaction.atomic
def juvenile_release_record(*, actor: User, case: Case, released_at: datetime) -> JuvenileDetention:
    """The child is released: the detention clocks stop (waived, with the release as reason)."""
    access.require(actor, access.Action.CHANGE, case)
    detention = case.detentions.select_for_update().filter(released_at__isnull=True).first()
    if detention is None:
        raise ValidationError({"released_at": "No open detention on this case."})
    if released_at < detention.detained_at or released_at > timezone.now():
        raise ValidationError({"released_at": "The release is between the detention and now."})
    detention.released_at = released_at
    detention.save(update_fields=["released_at"])
    for rule in JUVENILE_DETENTION_RULES:
        deadline_close(actor=actor, obj=case, rule=rule, status=DeadlineStatus.WAIVED,
                       reason="Released from detention.")  # fmt: skip
    audit.record(actor, "case.juvenile_released", case)
    return detention
