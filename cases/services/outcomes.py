"""What the reports group cases and arrests by, kept on the rows themselves: a case's first
arrest, its first count and its outcome; a count's first charging of its defendant and its
case's first conviction; an arrest's case. Recomputed in SQL from the records they come from,
never edited by hand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models, transaction
from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate

from cases.models import Arrest, Case, Charge, HandOff
from cases.models.cases import CaseOutcome, CaseStatus
from cases.models.charges import CONVICTIONS, DISMISSALS, Disposition
from taskforce.records import analyze

# A deferred refresh of at least this many cases follows a bulk load (a file of cases): the
# tables it reads are ANALYZEd first, inside the same transaction (ANALYZE counts the rows the
# transaction inserted). Planned on statistics of the tables as they were, the refresh can
# probe a table once per row it thinks is rare (issue #22: the bench's seed, planned on no
# statistics at all, scanned arrests once per case and had not finished after 25 minutes).
ANALYZE_BEFORE_REFRESH = 500


def _outcome(charges: QuerySet) -> models.Case:
    """A case's outcome from its counts (`charges` are the case's, by OuterRef)."""
    return models.Case(
        When(
            Exists(charges.filter(disposition__in=CONVICTIONS)), then=Value(CaseOutcome.CONVICTED)
        ),
        When(
            Exists(charges.filter(disposition=Disposition.ACQUITTED)),
            then=Value(CaseOutcome.ACQUITTED),
        ),
        When(Exists(charges.filter(disposition__in=DISMISSALS)), then=Value(CaseOutcome.DISMISSED)),
        When(status=CaseStatus.DECLINED, then=Value(CaseOutcome.DECLINED)),
        default=Value(CaseOutcome.PENDING),
        output_field=models.CharField(),
    )


def case_outcomes_refresh(cases: QuerySet) -> None:
    """Recompute the report columns of these cases, their counts and the arrests handed to them,
    one UPDATE each. Works on the migrations' historical models too (`cases.model`)."""
    registry = cases.model._meta.apps
    HandOff = registry.get_model("cases", "HandOff")
    Charge = registry.get_model("cases", "Charge")
    Arrest = registry.get_model("cases", "Arrest")
    ids = cases.values("pk")
    first_arrest = HandOff.objects.filter(case=OuterRef("pk")).order_by(
        "arrest__arrested_at", "arrest_id"
    )
    charges = Charge.objects.filter(case=OuterRef("pk"))
    cases.model.objects.filter(pk__in=ids).update(
        first_arrested_at=Subquery(first_arrest.values("arrest__arrested_at")[:1]),
        first_arresting_agency=Subquery(first_arrest.values("arrest__arresting_agency")[:1]),
        charged_on=Subquery(
            charges.order_by().values("case").annotate(day=Min("filed_on")).values("day")
        ),
        outcome=_outcome(charges),
    )
    kept = dict(
        defendant_charged_on=Subquery(
            Charge.objects.filter(case=OuterRef("case"), defendant=OuterRef("defendant"))
            .order_by()
            .values("case", "defendant")
            .annotate(day=Min("filed_on"))
            .values("day")
        ),
        case_arrested_on=Subquery(
            cases.model.objects.filter(pk=OuterRef("case")).values(
                day=TruncDate("first_arrested_at")
            )
        ),
    )
    # An earlier migration (cases 0020) runs this on its own historical models, which do not
    # have the column kept since cases 0051 yet.
    if any(field.name == "case_convicted_on" for field in Charge._meta.get_fields()):
        kept["case_convicted_on"] = Subquery(
            Charge.objects.filter(case=OuterRef("case"), disposition__in=CONVICTIONS)
            .order_by()
            .values("case")
            .annotate(day=Min("disposed_on"))
            .values("day")
        )
    Charge.objects.filter(case__in=ids).update(**kept)
    # An arrest's case is its first hand-off's (an arrest handed to a second agency later
    # keeps the first).
    first_handoff = HandOff.objects.filter(arrest=OuterRef("pk")).order_by("created_at", "pk")
    Arrest.objects.filter(handoffs__case__in=ids).update(
        case=Subquery(first_handoff.values("case")[:1])
    )


# Inside `outcomes_deferred()`: the cases whose columns are to be refreshed once at its end.
_deferred: ContextVar[set[int] | None] = ContextVar("outcomes_deferred", default=None)


@contextmanager
def outcomes_deferred() -> Iterator[None]:
    """Refresh the report columns of every case changed inside once, at the end, instead of
    after each change: a file of thousands of cases, each filed count by count. Use inside the
    transaction that makes the changes (the refresh is part of it)."""
    if _deferred.get() is not None:
        yield  # already deferred by an outer block, which refreshes them all
        return
    token = _deferred.set(set())
    try:
        yield
        pending = _deferred.get()
    finally:
        _deferred.reset(token)
    if pending:
        if len(pending) >= ANALYZE_BEFORE_REFRESH:
            analyze(Case, Charge, HandOff, Arrest)
        _refresh_locked(sorted(pending))


def case_outcome_refresh(*case_ids: int) -> None:
    """The same for a few cases, after a service changed what their columns come from.

    The cases are locked first, in id order: two changes to one case at once (a count filed
    while another is disposed) then refresh one after the other, the second from a snapshot
    taken after the first committed. Without the lock the second UPDATE waits on the row but
    works the outcome out from its older snapshot, dropping the other's change (tested)."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(case_ids)
        return
    _refresh_locked(case_ids)


def _refresh_locked(case_ids) -> None:
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk")
        list(locked.values_list("pk", flat=True))
        case_outcomes_refresh(Case.objects.filter(pk__in=case_ids))


def arrest_cases(arrest_ids: Iterable[int]) -> list[int]:
    """The cases these arrests were handed to (whose first arrest may have changed)."""
    return list(HandOff.objects.filter(arrest__in=list(arrest_ids)).values_list("case", flat=True))
