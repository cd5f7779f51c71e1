"""Annotations kept as SQL once per process (`taskforce.folded.kept_annotations`, issue #22): each
use puts in its own values and its own moment, never those of the use that compiled them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone

from cases.models import Case
from cases.services.cases import case_create
from taskforce import access, folded
from taskforce.access import visibility

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("America/Chicago"))


def _seen(actor, case) -> bool:
    """Whether the actor sees the case, asked through a kept annotation of the policy's SQL."""

    def build() -> dict:
        return {"seen": Exists(access.visible(actor, Case).filter(pk=OuterRef("pk")))}

    kept = folded.kept_annotations(Case, build, key=("test seen", actor.pk))
    return Case.objects.annotate(**kept).get(pk=case.pk).seen


def test_a_share_that_lapsed_after_compiling_is_no_longer_seen(
    wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    """The policy's moment is a slot filled at each use: compiled while a share was in force,
    the same SQL an hour after it lapsed sees nothing."""
    folded._COMPILED.clear()
    with time_machine.travel(NOW, tick=False) as clock:
        case = case_create(actor=wash_prosecutor, number="27-CR-26-555")
        lapses = timezone.now() + dt.timedelta(hours=1)
        access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao,
                     reason="Conflict check", expires_at=lapses)  # fmt: skip
        assert _seen(ramsey_prosecutor, case)
        clock.shift(dt.timedelta(hours=2))
        assert not _seen(ramsey_prosecutor, case)
        assert _seen(wash_prosecutor, case)


def test_each_use_puts_in_its_own_values(wash_prosecutor, ramsey_prosecutor):
    """One compiled entry for every agency: each use filters by its own."""
    folded._COMPILED.clear()
    mine = case_create(actor=wash_prosecutor, number="27-CR-26-601")
    theirs = case_create(actor=ramsey_prosecutor, number="62-CR-26-602")

    def build(agency_id) -> dict:
        return {
            "ours": Exists(Case.objects.filter(Q(pk=OuterRef("pk")), owner_agency_id=agency_id))
        }

    for case, agency_id in ((mine, mine.owner_agency_id), (theirs, theirs.owner_agency_id)):
        kept = folded.kept_annotations(Case, build, key=("test ours",), agency_id=agency_id)
        ours = dict(Case.objects.filter(pk__in=[mine.pk, theirs.pk]).annotate(**kept)
                    .values_list("pk", "ours"))  # fmt: skip
        assert ours == {case.pk: True, (theirs if case is mine else mine).pk: False}
    assert len([key for key in folded._COMPILED if "test ours" in key]) == 1


def test_the_day_of_a_kept_condition_inside_kept_sql_is_filled_at_each_use(wash_prosecutor):
    """A condition the policy keeps with the day of use (a consent's last day, say) nested in
    SQL kept by `folded`: compiled on one day, the next use two days later asks about that
    day, not a day fixed at compiling."""
    folded._COMPILED.clear()
    with time_machine.travel(NOW, tick=False) as clock:
        case = case_create(actor=wash_prosecutor, number="27-CR-26-777")
        visibility._COMPILED.clear()

        def build() -> dict:
            recent = access.kept_condition(
                wash_prosecutor, "test opened today or later", Case,
                lambda: Q(created_at__date__gte=visibility.today()),
            )  # fmt: skip
            # At the top of the query on cases, where a kept condition holds (`_KeptCondition`).
            return {"recent": ExpressionWrapper(recent, output_field=BooleanField())}

        def recent() -> bool:
            kept = folded.kept_annotations(Case, build, key=("test recent", wash_prosecutor.pk))
            return Case.objects.annotate(**kept).get(pk=case.pk).recent

        assert recent()
        clock.shift(dt.timedelta(days=2))
        assert not recent()
