"""Victims of a case and the notices the law owes them (Minn. Stat. 611A): who was told what,
and the deadlines that follow from a plea agreement, a disposition or a decline.

Who may see, pick or notify a victim is `cases.selectors.victims`: a right to change the case
does not reach a victim whose record the actor may not see (404, as for a missing one).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import (
    Arrest,
    Case,
    CaseVictim,
    Charge,
    CourtEventKind,
    CourtEventStatus,
    Disposition,
    NoticeKind,
    Person,
    Sentence,
    VictimNotice,
)
from cases.selectors.victims import case_victim_get, case_victim_require
from cases.services.people import PersonData, person_create
from deadlines.services import deadline_close, deadline_schedule
from taskforce import access, audit, records
from taskforce.dates import start_of_day
from taskforce.models import Deadline, DeadlineStatus, User


def case_deadline_schedule(
    case: Case, *, obj=None, rule: str, event_at: datetime, sequence: int = 1, **context
) -> Deadline:
    """A deadline the case's agency answers for, through its assigned prosecutor if any."""
    return deadline_schedule(
        obj=obj or case, rule=rule, event_at=event_at, responsible_agency=case.owner_agency,
        responsible_user=case.assigned_prosecutor, sequence=sequence, context=context,
    )  # fmt: skip


def plea_notice_plan(case: Case) -> None:
    """611A.03: once a settlement conference is set, the victims are to hear of the plea
    agreement before it; the deadline follows the next such hearing when it moves."""
    hearing = (
        case.court_events.filter(kind=CourtEventKind.SETTLEMENT, status=CourtEventStatus.SCHEDULED)
        .order_by("starts_at")
        .first()
    )
    if hearing is not None and NoticeKind.PLEA in {kind for kind, _ in notices_due(case)}:
        case_deadline_schedule(case, rule="plea_notice", event_at=hearing.starts_at)


def _close_when_told(actor: User, case: Case, kind: str, rule: str) -> None:
    """A notice deadline is met once every victim of the case has been given that notice."""
    if kind not in {due_kind for due_kind, _ in notices_due(case)}:
        deadline_close(actor=actor, obj=case, rule=rule, status=DeadlineStatus.MET)


def _age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@transaction.atomic
def case_victim_add(
    *, actor: User, case: Case, data: PersonData, role: str, contact_notes: str = ""
) -> CaseVictim:
    """Record a victim on the case; a victim under 18 marks the case juvenile.

    The victim's record is a new person owned by the actor's agency: the actor sees it, and
    others only when it is shared with them (sharing the case does not show it)."""
    access.require(actor, access.Action.CHANGE, case)
    person: Person = person_create(actor=actor, data=data)
    victim = CaseVictim.objects.create(
        case=case, person=person, role=role, contact_notes=contact_notes
    )
    case_victim_require(actor=actor, case=case, victim=victim)
    # A minor at the time of the offence, not on the day the record is made.
    offence_day = case_arrested_at(case)
    age = _age_on(
        data.date_of_birth,
        timezone.localdate(offence_day) if offence_day else timezone.localdate(),
    )
    if age is not None and age < 18:
        current = Case.objects.select_for_update().get(pk=case.pk)
        if not current.is_juvenile:
            records.record_update(
                actor=actor, obj=current, expected_version=current.version,
                data={"is_juvenile": True},
            )  # fmt: skip
    plea_notice_plan(case)
    audit.record(actor, "case.victim_added", case, changes={"role": role})
    return victim


@transaction.atomic
def victim_notice_record(
    *, actor: User, case: Case, victim: CaseVictim | None = None, victim_public_id=None,
    kind: str, given_on: date, method: str, notes: str = "",
) -> VictimNotice:  # fmt: skip
    """Record a notice given to a victim of the case, named by the row or by the public id of
    the victim's person record; one the actor may not see (or not of this case) is NotFound."""
    access.require(actor, access.Action.CHANGE, case)
    if victim is None:
        victim = case_victim_get(actor=actor, case=case, public_id=victim_public_id)
    else:
        case_victim_require(actor=actor, case=case, victim=victim)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "A notice cannot be given in the future."})
    notice = VictimNotice.objects.create(
        case=case, victim=victim, kind=kind, given_on=given_on, method=method, notes=notes,
        given_by=actor,
    )  # fmt: skip
    audit.record(actor, "case.victim_notified", case, changes={"kind": kind, "method": method})
    notice_rules = {NoticeKind.PLEA: "plea_notice", NoticeKind.DISPOSITION: "disposition_notice"}
    if kind in notice_rules:
        _close_when_told(actor, case, kind, notice_rules[kind])
    return notice


def plan_disposition_notice(case: Case) -> Deadline | None:
    """611A.039: 15 working days to tell each victim of the final disposition, counted from the
    disposition's date as the prosecutor records it (not from when the case's status changed);
    a corrected date moves an open deadline, and a date already more than 15 working days past
    gives a deadline overdue at once. Nothing is due before the date is recorded."""
    if case.final_disposition_on is None or not case.case_victims.exists():
        return None
    return case_deadline_schedule(
        case, rule="disposition_notice", event_at=start_of_day(case.final_disposition_on)
    )


def _has_sentence(case: Case) -> bool:
    """Whether a count of the case is sentenced: from its charges when they were read with
    their sentences (the case page), else asked."""
    charges = getattr(case, "_prefetched_objects_cache", {}).get("charges")
    if charges is not None and all(Charge.sentence.related.is_cached(c) for c in charges):
        return any(getattr(charge, "sentence", None) is not None for charge in charges)
    return Sentence.objects.filter(charge__case=case).exists()


def notices_due(case: Case, victims: Iterable[CaseVictim] | None = None) -> list[tuple[str, str]]:
    """Notices the case's events call for, for each victim not yet given them: (kind, why).

    Each victim is notified on their own; a hearing notice falls due again when a hearing is
    scheduled (or moved) after the last one given; the plea notice falls due as soon as a
    settlement conference is scheduled, since it must come before the plea (611A.03).

    `victims` limits the answer to those victims (a page passes the ones its viewer may see, so
    nothing names or counts the others); the deadlines are decided over all of them.
    """
    if victims is None:
        victims = case.case_victims.select_related("person")
    victims = list(victims)
    if not victims:
        return []
    calls: list[tuple[str, str, object]] = []  # (kind, why, since when, or None for once)
    decisions = {d.decision for d in case.decisions.all()}
    if "charge" in decisions:
        calls.append((NoticeKind.CHARGING, "The case was charged.", None))
    if decisions & {"decline", "refer"}:
        calls.append((NoticeKind.DECLINE, "The case was declined or referred.", None))
    # From the case's charges and hearings as read (a page prefetches them): a case has few.
    dispositions = {charge.disposition for charge in case.charges.all() if charge.disposition}
    pleaded = dispositions & {Disposition.PLEADED_AS_CHARGED, Disposition.PLEADED_LESSER}
    hearings = list(case.court_events.all())
    if pleaded or any(event.kind == "settlement" for event in hearings):
        calls.append((NoticeKind.PLEA, "A plea is offered or was entered.", None))
    scheduled = [event for event in hearings if event.status == CourtEventStatus.SCHEDULED]
    latest_hearing = max(scheduled, key=lambda event: (event.created_at, event.pk), default=None)
    if latest_hearing is not None:
        calls.append((NoticeKind.HEARING, "A hearing is scheduled.", latest_hearing.created_at))
    if _has_sentence(case):
        calls.append((NoticeKind.SENTENCING, "A sentence was recorded.", None))
    if case.status in {"sentenced", "closed"} and dispositions:
        calls.append((NoticeKind.DISPOSITION, "The case reached its final disposition.", None))
    given: dict[tuple[int, str], object] = {}
    for notice in case.victim_notices.all():
        key = (notice.victim_id, notice.kind)
        given[key] = max(given.get(key, notice.created_at), notice.created_at)
    due = []
    for kind, why, since in calls:
        missing = [
            v for v in victims
            if (v.pk, kind) not in given or (since is not None and given[(v.pk, kind)] < since)
        ]  # fmt: skip
        if missing:
            names = "; ".join(v.person.display_name for v in missing)
            due.append((kind, f"{why} Not yet told: {names}."))
    return due


def case_arrested_at(case: Case) -> datetime | None:
    return Arrest.objects.filter(handoffs__case=case).aggregate(first=Min("arrested_at"))["first"]
