"""The policy asked once per question (issue #22): the answers a page reuses are the answers it
would get by asking again, and nothing kept outlives the request or the moment."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Arrest
from taskforce import access
from taskforce.access.memo import remembered
from taskforce.models import Share
from tests.factories import verified_login


@pytest.fixture
def sting_arrests(sheriff_liaison, shared_sting, make_arrests, woodbury_liaison, wash_cao):
    """Six arrests of a sting Woodbury takes part in, the first shared for change with Woodbury,
    the second shared with the county attorney; one more of another sting, seen by neither."""
    arrests = make_arrests(sheriff_liaison, shared_sting, 6)
    access.share(
        actor=sheriff_liaison, obj=arrests[0], to_agency=woodbury_liaison.agency,
        level="change", reason="Woodbury investigates",
    )  # fmt: skip
    access.share(actor=sheriff_liaison, obj=arrests[1], to_agency=wash_cao, reason="Charging")
    hidden = make_arrests(sheriff_liaison, None, 1, start=40)
    return arrests + hidden


def test_each_answer_for_many_records_is_the_answer_for_one(
    sting_arrests, sheriff_liaison, woodbury_liaison, wash_prosecutor, ramsey_prosecutor
):
    for person in (sheriff_liaison, woodbury_liaison, wash_prosecutor, ramsey_prosecutor):
        each = access.allowed_actions_each(person, sting_arrests)
        assert each == {a.pk: access.allowed_actions(person, a) for a in sting_arrests}
    woodbury = access.allowed_actions_each(woodbury_liaison, sting_arrests)
    assert woodbury[sting_arrests[0].pk] == {access.Action.VIEW, access.Action.CHANGE}
    assert woodbury[sting_arrests[2].pk] == {access.Action.VIEW}  # through the sting
    assert woodbury[sting_arrests[-1].pk] == frozenset()  # not in the sting, not shared


def test_a_sting_page_asks_about_its_arrests_in_two_queries_however_many(
    sting_arrests, woodbury_liaison, django_assert_max_num_queries
):
    woodbury_liaison.membership  # noqa: B018 - loaded once per request, as a page does
    with django_assert_max_num_queries(2):
        access.allowed_actions_each(woodbury_liaison, sting_arrests)


def test_the_visible_among_a_few_are_the_visible_ones(
    sting_arrests, sheriff_liaison, woodbury_liaison, wash_prosecutor
):
    ids = [arrest.pk for arrest in sting_arrests]
    for person in (sheriff_liaison, woodbury_liaison, wash_prosecutor):
        seen = set(access.visible(person, Arrest).filter(pk__in=ids).values_list("pk", flat=True))
        assert set(access.visible_among(person, Arrest, ids)) == seen


def test_a_request_reuses_answers_and_the_next_request_asks_again(
    sting_arrests, sheriff_liaison, woodbury_liaison
):
    arrest = sting_arrests[0]
    with remembered():
        assert access.can(woodbury_liaison, access.Action.CHANGE, arrest)
        share = Share.objects.get(object_id=arrest.pk, revoked_at__isnull=True)
        access.unshare(actor=sheriff_liaison, share_row=share)
    # A write happens in a request the memo does not cover (POST); the next request asks again.
    with remembered():
        assert not access.can(woodbury_liaison, access.Action.CHANGE, arrest)
        assert access.can(woodbury_liaison, access.Action.VIEW, arrest)  # through the sting


def test_a_revoked_share_closes_the_page_at_the_next_request(
    client, sting_arrests, sheriff_liaison, wash_prosecutor
):
    url = reverse("cases:arrest_detail", kwargs={"public_id": sting_arrests[1].public_id})
    verified_login(client, wash_prosecutor)
    assert client.get(url).status_code == 200
    share = Share.objects.get(object_id=sting_arrests[1].pk, revoked_at__isnull=True)
    access.unshare(actor=sheriff_liaison, share_row=share)
    assert client.get(url).status_code == 404


def test_a_lapsed_share_closes_the_list_though_its_query_was_compiled_before(
    client, sting_arrests, sheriff_liaison, ramsey_prosecutor, ramsey_cao
):
    """The compiled SQL of what an actor sees is kept between requests; the moment a grant
    lapses at is filled in at each use."""
    ends = timezone.now() + dt.timedelta(days=30)
    access.share(
        actor=sheriff_liaison, obj=sting_arrests[3], to_agency=ramsey_cao,
        reason="For 30 days", expires_at=ends,
    )  # fmt: skip
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        assert list(access.visible(ramsey_prosecutor, Arrest)) == [sting_arrests[3]]
    with time_machine.travel(ends + dt.timedelta(seconds=1)):
        assert not access.visible(ramsey_prosecutor, Arrest).exists()
        verified_login(client, ramsey_prosecutor)
        url = reverse("cases:arrest_detail", kwargs={"public_id": sting_arrests[3].public_id})
        assert client.get(url).status_code == 404


def test_each_answer_for_records_elsewhere_is_what_visible_and_the_grants_say(
    sting_arrests, sheriff_liaison, woodbury_liaison, wash_prosecutor, ramsey_prosecutor
):
    """The question about records of other agencies runs kept SQL (compiled once per person,
    the ids a parameter): its answers are `visible`'s, and change only where granted."""
    for person in (woodbury_liaison, wash_prosecutor, ramsey_prosecutor):
        seen = set(access.visible(person, Arrest).values_list("pk", flat=True))
        for _ in range(2):  # compiled, then kept
            each = access.allowed_actions_each(person, sting_arrests)
            assert {pk for pk, allowed in each.items() if access.Action.VIEW in allowed} == {
                arrest.pk for arrest in sting_arrests if arrest.pk in seen
            }
    each = access.allowed_actions_each(woodbury_liaison, sting_arrests)
    changed = {pk for pk, allowed in each.items() if access.Action.CHANGE in allowed}
    assert changed == {sting_arrests[0].pk}


def test_a_lapsed_change_share_ends_change_though_the_question_was_compiled_before(
    sting_arrests, sheriff_liaison, woodbury_liaison
):
    """The moment a grant lapses at is filled in at each use of the kept SQL."""
    arrest = sting_arrests[3]
    ends = timezone.now() + dt.timedelta(days=30)
    access.share(
        actor=sheriff_liaison, obj=arrest, to_agency=woodbury_liaison.agency, level="change",
        reason="For 30 days", expires_at=ends,
    )  # fmt: skip
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        each = access.allowed_actions_each(woodbury_liaison, sting_arrests)
        assert each[arrest.pk] == {access.Action.VIEW, access.Action.CHANGE}
    with time_machine.travel(ends + dt.timedelta(seconds=1)):
        each = access.allowed_actions_each(woodbury_liaison, sting_arrests)
        assert each[arrest.pk] == {access.Action.VIEW}  # still through the sting


def test_visible_among_is_visible_for_every_demo_login_model_and_seal(db, settings):
    """`visible_among` decides a few ids step by step (grants, then the records that lend sight,
    each asked for those ids only): over the whole demo task force, for every login and every
    protected model, it gives exactly `visible`'s records, before and after a sealed arrest
    takes the sight of its arrestee away from those who saw them only through it."""
    from home.demo import seed_demo
    from taskforce.models import User
    from taskforce.sealing import record_seal

    seed_demo()
    people = list(User.objects.filter(memberships__ended_at__isnull=True).distinct())

    def check() -> int:
        compared = 0
        for model in access.protected_models():
            ids = list(model._base_manager.values_list("pk", flat=True))
            for person in people:
                expected = set(access.visible(person, model).values_list("pk", flat=True))
                assert set(access.visible_among(person, model, ids)) == expected, (
                    person.username,
                    model._meta.label,
                )
                compared += len(expected)
        return compared

    assert check() > 100  # the demo's records are seen, not an empty world compared
    administrator = User.objects.filter(is_superuser=True).first()
    for arrest in Arrest.objects.filter(handoffs__isnull=False)[:2]:
        record_seal(actor=administrator, obj=arrest, reason="Court order")
    check()
