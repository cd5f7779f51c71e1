"""`access.visible_parts`: the records `visible` gives, in disjoint parts a list merges and a
count adds up (issue #22). A record reached by two ways (an arrest handed off to the agency and
in a sting shared with it, or granted for a while) is in exactly one part,
for every login, kind of record and seal of the demo."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import Arrest, Case, Operation, RunawayReport
from cases.selectors.arrests import ArrestFilters, arrest_list
from cases.services.handoffs import handoff_create
from taskforce import access
from taskforce.models import User
from taskforce.sealing import record_seal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LISTED = (Arrest, Case, Operation, RunawayReport)  # the kinds listed through the parts


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _check(person: User, model) -> list[set[int]]:
    found = [_ids(part) for part in access.visible_parts(person, model)]
    union = set().union(*found)
    assert sum(len(ids) for ids in found) == len(union), (person.username, model._meta.label)
    assert union == _ids(access.visible(person, model)), (person.username, model._meta.label)
    return found


def test_each_record_seen_two_ways_is_in_one_part_and_listed_once(
    sheriff_liaison, operation, shared_sting, make_arrests, wash_cao, wash_prosecutor,
    ramsey_prosecutor,
):  # fmt: skip
    followed = make_arrests(sheriff_liaison, operation, 3)
    apart = make_arrests(sheriff_liaison, shared_sting, 3, start=10)
    access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Joint review")
    # Handed off: one arrest of the sting shared, one of the other sting.
    handoff_create(actor=sheriff_liaison, arrests=[followed[0], apart[0]], to_agency=wash_cao)
    # A grant that lapses: of an arrest of the other sting, and of one of the shared sting.
    ends = timezone.now() + dt.timedelta(days=30)
    for arrest in (apart[1], followed[1]):
        access.share(actor=sheriff_liaison, obj=arrest, to_agency=wash_cao, reason="30 days",
                     expires_at=ends)  # fmt: skip

    owned, standing, rest = _check(wash_prosecutor, Arrest)
    assert owned == set()
    assert standing == {apart[0].pk}  # the followed arrest handed off is in the rest only
    assert rest == {a.pk for a in followed} | {apart[1].pk}
    page = arrest_list(actor=wash_prosecutor, filters=ArrestFilters())
    assert sorted(a.pk for a in page.rows) == sorted(owned | standing | rest)
    assert page.total == 5
    for person in (wash_prosecutor, sheriff_liaison, ramsey_prosecutor):
        for model in LISTED:
            _check(person, model)

    # The sting sealed: its arrests are seen only where granted (the hand-off's stays, now in
    # the standing part), and the lapsing grants end at their moment.
    administrator = UserFactory(is_staff=True, is_superuser=True)
    record_seal(actor=administrator, obj=operation, reason="Court order")
    owned, standing, rest = _check(wash_prosecutor, Arrest)
    assert (standing, rest) == ({apart[0].pk, followed[0].pk}, {apart[1].pk, followed[1].pk})
    with time_machine.travel(ends + dt.timedelta(seconds=1)):
        owned, standing, rest = _check(wash_prosecutor, Arrest)
        assert (standing, rest) == ({apart[0].pk, followed[0].pk}, set())
        assert arrest_list(actor=wash_prosecutor, filters=ArrestFilters()).total == 2


def test_the_parts_are_the_visible_records_for_every_demo_login_kind_and_seal():
    from home.demo import seed_demo

    now = timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0))
    with time_machine.travel(now, tick=False):
        seed_demo()
        people = list(User.objects.filter(memberships__ended_at__isnull=True).distinct())

        def check() -> int:
            return sum(
                len(set().union(*_check(person, model))) for model in LISTED for person in people
            )

        seen = check()
        assert seen > 50  # the demo's records are seen
        administrator = User.objects.filter(is_superuser=True).first()
        for operation in Operation.objects.filter(arrests__handoffs__isnull=False)[:1]:
            record_seal(actor=administrator, obj=operation, reason="Court order")
        assert check() != seen
