"""Instances read by SQL kept compiled once per process (`taskforce.folded.kept_rows`, issue #22):
the same instances the queryset gives, each use with its own values and its own moment."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.signed_in import with_membership
from cases.models import Case, Person
from cases.services.cases import case_create
from cases.services.people import PersonData, person_create
from taskforce import access, audit, folded
from taskforce.models import AgencyKind, Membership, User
from tests.factories import AgencyFactory, member, verified_login

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("America/Chicago"))


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _memberships(user_id):
    return Membership.objects.filter(user_id=user_id).select_related("agency", "user")


def test_the_rows_are_the_querysets_with_their_relations_read(
    wash_prosecutor, ramsey_prosecutor, django_assert_num_queries
):
    """Each use puts in its own value; related rows come with them; one compiled entry."""
    folded._COMPILED.clear()
    for user in (wash_prosecutor, ramsey_prosecutor):
        kept = folded.kept_rows(_memberships, key=("test memberships",), user_id=user.pk)
        plain = list(_memberships(user.pk))
        assert [_fields(m) for m in kept] == [_fields(m) for m in plain] and len(kept) == 1
        with django_assert_num_queries(0):
            assert kept[0].agency.name == plain[0].agency.name
            assert kept[0].user.username == user.username
    assert len([key for key in folded._COMPILED if "test memberships" in key]) == 1


def test_values_come_through_the_fields_converters_and_annotations_are_set(wash_prosecutor):
    """Encrypted names come back decrypted, as the queryset gives them; annotations are set."""
    person = person_create(actor=wash_prosecutor, data=PersonData("Ana", "Quiñones"))

    def build(person_id):
        return Person.objects.filter(pk=person_id).annotate(born_at=F("created_at"))

    (kept,) = folded.kept_rows(build, key=("test person",), person_id=person.pk)
    assert (kept.first_name, kept.last_name) == ("Ana", "Quiñones")
    assert kept.born_at == Person.objects.get(pk=person.pk).created_at
    assert folded.kept_rows(build, key=("test person",), person_id=person.pk + 1000) == []


def test_a_share_that_lapsed_after_compiling_no_longer_reads_the_case(
    wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    """The policy's moment is a slot filled at each use, never the time it was compiled at."""
    folded._COMPILED.clear()
    with time_machine.travel(NOW, tick=False) as clock:
        case = case_create(actor=wash_prosecutor, number="27-CR-26-556")
        access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Conflict",
                     expires_at=timezone.now() + dt.timedelta(hours=1))  # fmt: skip

        def seen() -> list:
            return folded.kept_rows(
                lambda case_id: access.visible(ramsey_prosecutor, Case).filter(pk=case_id),
                key=("test seen", *access.policy_key(ramsey_prosecutor)),
                case_id=case.pk,
            )

        assert [c.pk for c in seen()] == [case.pk]
        clock.shift(dt.timedelta(hours=2))
        assert seen() == []


def test_a_plain_queryset_only(wash_prosecutor):
    with pytest.raises(TypeError, match="prefetches"):
        folded.kept_rows(
            lambda user_id: User.objects.filter(pk=user_id).prefetch_related("memberships"),
            key=("test prefetch",),
            user_id=wash_prosecutor.pk,
        )
    with pytest.raises(TypeError, match="related manager"):
        folded.kept_rows(
            lambda user_id: wash_prosecutor.memberships.filter(pk__gt=user_id),
            key=("test manager",),
            user_id=0,
        )


def test_the_signed_in_membership_is_the_current_one_of_an_active_agency(wash_cao):
    """What every request acts through (accounts.signed_in): an ended membership or a closed
    agency gives none, as `User.membership` does."""
    person = member(wash_cao, "prosecutor", username="moving_prosecutor")
    found = with_membership(User.objects.get(pk=person.pk)).membership
    assert found.agency == wash_cao and found.user is not None and found.user.pk == person.pk
    assert _fields(found) == _fields(User.objects.get(pk=person.pk).membership)

    Membership.objects.filter(user=person).update(ended_at=timezone.now())
    assert with_membership(User.objects.get(pk=person.pk)).membership is None
    assert User.objects.get(pk=person.pk).membership is None

    closed = AgencyFactory(name="Closed Office", kind=AgencyKind.PROSECUTION, is_active=False)
    Membership.objects.create(user=person, agency=closed, role="prosecutor")
    assert with_membership(User.objects.get(pk=person.pk)).membership is None


def test_the_access_history_panel_shows_the_latest_ten_newest_first(
    client, wash_prosecutor, wash_supervisor
):
    """The supervisor's own view is the newest row; twelve reads before it, nine shown."""
    case = case_create(actor=wash_prosecutor, number="27-CR-26-557")
    for n in range(12):
        audit.record(wash_prosecutor, "case.viewed", case, reason=f"read number {n:02d}")
    verified_login(client, wash_supervisor)
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    panel = page[page.index('id="access-history"') :]
    shown = [f"read number {n:02d}" for n in range(12) if f"read number {n:02d}" in panel]
    assert shown == [f"read number {n:02d}" for n in range(3, 12)]
    assert panel.index("read number 11") < panel.index("read number 03")
    assert f"?record={case.public_id}" in panel


def test_a_list_of_ids_is_one_value_whatever_its_length(wash_prosecutor):
    """`folded.ids_in`: one array parameter, so lists of any length share one compiled entry,
    each use reading its own ids."""
    folded._COMPILED.clear()
    cases = [case_create(actor=wash_prosecutor, number=f"27-CR-26-90{n}") for n in range(3)]

    def read(ids: list[int]) -> list[int]:
        rows = folded.kept_rows(
            lambda ids: Case.objects.filter(folded.ids_in("pk", ids)).order_by("pk"),
            key=("test ids",),
            ids=ids,
        )
        return [case.pk for case in rows]

    assert read([cases[2].pk, cases[0].pk]) == [cases[0].pk, cases[2].pk]
    assert read([case.pk for case in cases]) == [case.pk for case in cases]
    assert read([]) == []
    assert len([key for key in folded._COMPILED if "test ids" in key]) == 1
    with pytest.raises(TypeError, match="lists of integer ids"):
        read([str(cases[0].pk)])
