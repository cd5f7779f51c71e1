"""The deadlines report: deadlines met, late, missed, waived or open, by rule and by agency."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from cases.models import DeadlineDay, DeadlineGrantDay, DeadlineGrantMonth, DeadlineMonth
from cases.services import rollups
from deadlines.records import DEADLINE_RECORDS, guard_model
from deadlines.rules import RULES
from reports.disclosure import Tally, record_key
from reports.figures import months
from reports.figures.common import Scope, in_name_order
from reports.tables import Table
from taskforce import access
from taskforce.models import Agency, Deadline, DeadlineStatus, User

DEADLINE_OUTCOMES = [
    ("on_time", "Met on time"),
    ("late", "Met late"),
    ("missed", "Missed"),
    ("waived", "Waived"),
    ("open", "Not yet due"),
]
OUTCOME_NAMES = [key for key, _ in DEADLINE_OUTCOMES]
# Deadlines about victims' and referrals' records count those people: suppressed like them.
PEOPLE_RECORDS = {"referrals.Referral", "victims.Consent"}


def report_deadlines(actor: User, rolled: Q | None = None) -> QuerySet:
    """Deadlines counted exactly when their record may be (see access.report_rows) and its
    progress too (access.report_progress_q: a referral's deadlines are its progress, which its
    sender sees only under the victim's consent). `rolled`, where the deadlines of the case
    records (rollups.DEADLINE_ROLLED) that their rollup counts are left out (`_rolled_up`)."""
    match = Q(pk__in=[])
    for label in DEADLINE_RECORDS:
        # The record's type first: PostgreSQL tests the terms of each OR branch in the order
        # written, so each deadline is looked up only in its own type's id sets, not in every
        # type's (ten years of the largest agency's deadlines: 14 s to 9 s on a loaded machine,
        # issue #22).
        match |= Q(content_type=_content_type(label)) & _record_match(actor, label, rolled)
    return Deadline.objects.filter(match)


def _content_type(label: str) -> int:
    return ContentType.objects.get_for_model(apps.get_model(label)).pk


def _record_match(actor: User, label: str, rolled: Q | None) -> Q:
    """`report_deadlines`' test of the deadlines of one record type."""
    # Sets of ids, each hashed once per query (access.report_ids_q): a lookup of each
    # deadline's record took 13 s at 3M deadlines (bench/bench_reports.py).
    path = DEADLINE_RECORDS[label]
    model, guard = apps.get_model(label), guard_model(label)
    progress = access.report_progress_q(actor, guard)
    if rolled is not None and label in rollups.DEADLINE_ROLLED:  # no progress narrows them
        return access.report_ids_beside_rollup_q(
            actor, guard, "object_id", rolled, records=model if path else None, path=path,
            by_grantee=label in rollups.DEADLINE_GRANT_ROLLED,
        )  # fmt: skip
    if path:  # a consent's deadline counts when its victim may be counted
        guards = access.report_rows(actor, guard).filter(progress)
        records = model.objects.filter(**{f"{path}__in": guards})
        return Q(object_id__in=records.values("pk"))
    found = access.report_ids_q(actor, model, "object_id")
    if progress:  # only where the model narrows it: no extra id set for the others
        found &= Q(object_id__in=model.objects.filter(progress).values("pk"))
    return found


def _in_clean_months(actor: User, label: str) -> Q | None:
    """Of `report_deadlines(actor, rolled)`, the test of the deadlines of one type of case
    record (rollups.DEADLINE_ROLLED) where `rolled` holds (the clean months), or None where
    none is counted from the rows there."""
    path = DEADLINE_RECORDS[label]
    return access.report_ids_in_rollup_months_q(
        actor, guard_model(label), "object_id", records=apps.get_model(label) if path else None,
        path=path, by_grantee=label in rollups.DEADLINE_GRANT_ROLLED,
    )  # fmt: skip


def _not_indexed(field: str) -> ExpressionWrapper:
    """A time column as an expression no index is on: where a query finds its rows by their
    records' ids, PostgreSQL otherwise intersected them with the due index's rows of the whole
    clean months (280,000 deadlines in a year) and read the table for each (0.15 to 0.34 s for
    the largest agency's supervisor, bench/bench_reports.py), instead of reading the few
    records' deadlines from the covering `deadline_record` alone."""
    return ExpressionWrapper(F(field) + dt.timedelta(0), output_field=DateTimeField())


def _within(field: str, spans: list) -> Q:
    """The times of `field` within the spans of whole days (at least one), as one condition."""
    within = None
    for first, after in spans:
        span = Q(**{f"{field}__gte": Scope(first, first).since,
                    f"{field}__lt": Scope(after, after).since})  # fmt: skip
        within = span if within is None else within | span
    return within


def _outcome(now: dt.datetime) -> Case:
    """A deadline's outcome as the tables count it (none: counted in no column)."""
    met = Q(status=DeadlineStatus.MET)
    outcomes = {
        "on_time": met & Q(closed_at__lte=F("due_at")),
        "late": met & Q(closed_at__gt=F("due_at")),
        # A missed deadline stays open, escalated, past its time (deadlines).
        "missed": Q(status=DeadlineStatus.MISSED) | Q(status=DeadlineStatus.OPEN, due_at__lt=now),
        "waived": Q(status=DeadlineStatus.WAIVED),
        "open": Q(status=DeadlineStatus.OPEN, due_at__gte=now),
    }
    return Case(
        *(When(match, then=Value(name)) for name, match in outcomes.items()),
        default=None, output_field=CharField(),
    )  # fmt: skip


def _outcome_groups(deadlines: QuerySet, now: dt.datetime) -> list[dict]:
    """Deadlines counted by GROUP and outcome, as one row per group with each outcome's count
    and cell key (reports/disclosure; the caller uses the keys of the people's deadlines
    only). One CASE grouped by, not a filtered count and key per outcome: ten aggregates, each
    with its condition, built and compiled for each of a page's eleven queries cost the
    largest supervisor's deadlines page about a third of its Python time (issue #22)."""
    groups: dict[tuple, dict] = {}
    rows = (
        deadlines.annotate(outcome=_outcome(now))
        .values_list(*GROUP, "outcome")
        .annotate(n=Count("pk"), k=Sum(record_key(Deadline)))
        .order_by()
    )
    for *key, outcome, n, k in rows:
        if outcome is not None:
            _tally(groups, tuple(key), outcome, n, k or 0)
    return list(groups.values())


def _tally(groups: dict[tuple, dict], key: tuple, outcome: str, n: int, k: int = 0) -> None:
    """Add `n` deadlines of an outcome, with their cell key `k`, to the group of `key` (its
    GROUP values), made with every outcome's count and key at 0 when new."""
    group = groups.get(key)
    if group is None:
        group = groups[key] = dict(zip(GROUP, key, strict=True))
        group.update(
            dict.fromkeys(OUTCOME_NAMES, 0), **{f"{name}_key": 0 for name in OUTCOME_NAMES}
        )
    group[outcome] += n
    group[f"{outcome}_key"] += k


def deadlines_section(actor: User, scope: Scope) -> dict:
    now = timezone.now()
    # The deadline's own record (a consent, not the victim it guards): rows carry its type.
    people_types = {
        ContentType.objects.get_for_model(apps.get_model(label)).pk for label in PEOPLE_RECORDS
    }
    groups = _deadline_groups(actor, scope, now)
    names = OUTCOME_NAMES
    headers = [label for _, label in DEADLINE_OUTCOMES]

    def fold(key: str, of_people: bool) -> dict:
        folded: dict = {}
        for group in groups:
            if (group["content_type"] in people_types) == of_people:
                sums = folded.setdefault(group[key], dict.fromkeys(names, 0))
                for name in names:
                    sums[name] += (
                        Tally(group[name], group[f"{name}_key"]) if of_people else (group[name])
                    )
        return folded

    def rule_label(rule: str) -> str:
        return RULES[rule].title if rule in RULES else rule

    case_rules, people_rules = fold("rule", False), fold("rule", True)
    named = _by_name(fold("responsible_agency", False), names)
    tables = [
        Table(key="deadlines-cases", title="Court and case deadlines, by rule", row_header="Rule",
              columns=headers, chart="stacked",
              rows=[(rule_label(r), [case_rules[r][n] for n in names])
                    for r in sorted(case_rules)]),
        Table(key="deadlines-people", title="Victims' and referrals' deadlines, by rule",
              row_header="Rule", columns=headers, sensitive=True,
              rows=[(rule_label(r), [people_rules[r][n] for n in names])
                    for r in sorted(people_rules)]),
        Table(key="deadlines-agency", title="Court and case deadlines, by responsible agency",
              row_header="Agency", columns=headers, chart="stacked",
              rows=[(agency or "No agency", [named[agency][n] for n in names])
                    for agency in in_name_order(Agency, named)]),
    ]  # fmt: skip
    return {"figures": [], "tables": tables}


GROUP = ("rule", "content_type", "responsible_agency")


def _deadline_groups(actor: User, scope: Scope, now: dt.datetime) -> list:
    """Deadlines counted by rule, record type and responsible agency, each outcome's count (and
    for the people's deadlines its cell key), by GROUP BY queries of one record type each, each
    read from an index by type (by due time, or by record for a few records' ids); the groups
    are folded by the caller.

    On PostgreSQL the whole months of the period that are over and that the monthly rollup holds
    clean (cases.models.rollups.DeadlineMonth) are read from it, the other days that are over
    and that the rollup by day holds clean (DeadlineDay: the partial months at both ends) from
    that, and the rest from the rows: today, stale days, the people's deadlines (keyed) and
    what a supervisor counts through another agency's share. Either way the figures are those
    of the deadlines themselves (tests/reports/test_rollups.py)."""
    clean = [
        month
        for month in months.clean_months(scope, rollups.DEADLINES)
        # Only months that are over: an open deadline of theirs is a missed one.
        if Scope(rollups.next_month(month), rollups.next_month(month)).since <= now
    ]

    def grouped(deadlines: QuerySet, *, timed: bool = True) -> list:
        """`timed`: within the period (a clean month is: its test is the caller's)."""
        if timed:
            deadlines = deadlines.filter(scope.datetimes("due_at"))
        deadlines = deadlines.filter(scope.where(None, "responsible_agency"))
        return _outcome_groups(deadlines, now)

    # The other days of the period that are over (before today), where clean by day: the
    # partial months read from the rows cost the largest supervisor about 100 ms of probing
    # each case deadline's owner in a month's worth of days (bench/bench_reports.py).
    month_spans = months.day_spans(clean)
    days = months.clean_days(
        months.rest_of(scope, month_spans), rollups.DEADLINES, before=timezone.localdate(now)
    )
    spans = months.merged(month_spans + [(day, day + dt.timedelta(days=1)) for day in days])
    if not spans:
        return grouped(report_deadlines(actor))
    rolled = _within("due_at", spans)  # the clean days (no empty term: it sits in a CASE)
    # Each part read apart (issue #22): in one query, PostgreSQL read every deadline of the
    # period from the due index and tested each (3.1M for ten years, 1.4 s for the largest
    # agency's supervisor, bench/bench_reports.py). The people's deadlines (keyed, never
    # rolled up), type by type over the whole period, from the index by type and due time:
    groups = []
    for label in [label for label in DEADLINE_RECORDS if label not in rollups.DEADLINE_ROLLED]:
        found = _record_match(actor, label, None)
        groups += grouped(Deadline.objects.filter(found, content_type=_content_type(label)))
    # The case records' beside the rollups, type by type (each read from the index by type
    # and due time alone): the rest of the period (today, stale days) span by span, and in the
    # clean days the few the rollups do not hold (none for the coordinator), found from their
    # records' ids.
    rest = months.rest_of(scope, spans)
    in_clean = _within("due", spans)
    for label in rollups.DEADLINE_ROLLED:
        of_type = Deadline.objects.filter(content_type=_content_type(label))
        found = _record_match(actor, label, rolled)
        for span in rest:
            groups += grouped(of_type.filter(found, months.at_times("due_at", [span])))
        found = _in_clean_months(actor, label)
        if found is not None:  # by the records' ids only (deadline_record holds the due time)
            clean_rows = of_type.annotate(due=_not_indexed("due_at")).filter(found, in_clean)
            groups += grouped(clean_rows, timed=False)
    groups.extend(_rolled_up(actor, scope, clean, days))
    return groups


def _rolled_types() -> dict[int, str]:
    return {
        ContentType.objects.get_for_model(apps.get_model(label)).pk: label
        for label in rollups.DEADLINE_ROLLED
    }


def _rolled_up(actor: User, scope: Scope, clean: list[dt.date], days: list[dt.date]) -> list[dict]:
    """The clean months' and clean days' deadlines of the records the viewer counts by owner:
    every unsealed one for the coordinator, the agency's own for a supervisor, and the arrests
    its standing grants reach (hand-offs, DeadlineGrantMonth and DeadlineGrantDay); as groups
    like the rows'."""
    counted = Q(pk__in=[])
    for content_type, label in _rolled_types().items():
        parts = access.report_parts(actor, guard_model(label))
        if parts is None:
            continue
        match = Q(content_type_id=content_type)
        if not parts.wide:
            match &= Q(record_owner_agency_id=parts.agency_id)
        counted |= match
    granted = {
        content_type: access.report_granted_parts(actor, guard_model(label))
        for content_type, label in _rolled_types().items()
        if label in rollups.DEADLINE_GRANT_ROLLED
    }
    in_scope = scope.where(None, "responsible_agency_id")
    tables = []
    for by_owner, by_grantee, unit, clean_ones in (
        (DeadlineMonth, DeadlineGrantMonth, "month", clean),
        (DeadlineDay, DeadlineGrantDay, "day", days),
    ):
        if not clean_ones:
            continue
        within = Q(**{f"{unit}__in": clean_ones})
        tables.append(by_owner.objects.filter(within, counted, in_scope, is_record_live=True))
        for content_type, parts in granted.items():
            if parts is not None:  # and those its standing grants reach (hand-offs)
                tables.append(
                    by_grantee.objects.filter(
                        within, in_scope, content_type_id=content_type, group_id=parts.group_id
                    )
                )
    found = [
        group
        for table in tables
        for group in table.values("rule", "content_type_id", "responsible_agency_id", "outcome")
        .annotate(n=Sum("n"))
        .order_by()
    ]
    groups: dict[tuple, dict] = {}
    for group in found:
        # The months and days are over: a deadline still open is past its time.
        outcome = "missed" if group["outcome"] == "open" else group["outcome"]
        if outcome in OUTCOME_NAMES:
            key = (group["rule"], group["content_type_id"], group["responsible_agency_id"])
            _tally(groups, key, outcome, group["n"])
    return list(groups.values())


def _by_name(by_agency: dict, names: list[str]) -> dict:
    """Counts by responsible agency id as counts by its name (as the table shows them)."""
    agencies = dict(
        Agency.objects.filter(pk__in=[a for a in by_agency if a is not None])
        .values_list("pk", "name")
    )  # fmt: skip
    named: dict = {}
    for agency, sums in by_agency.items():
        into = named.setdefault(agencies.get(agency), dict.fromkeys(names, 0))
        for name in names:
            into[name] += sums[name]
    return named
