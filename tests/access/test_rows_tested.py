"""The policy's decision tested on each row a query reads (issue #22): for the panels of an
agency's own work (its intake, its open deadlines), where building the set of every record the
state's largest agency may see took seconds. The rows tested are exactly the rows `visible`
and `deadlines_visible` give, for every login, model and seal, and a grant or a consent that
lapses after the SQL was kept ends the sight of it at its moment."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Arrest, HandOff
from cases.selectors.handoffs import intake_waiting
from cases.services.handoffs import handoff_create
from deadlines.records import deadlines_seen_rows, deadlines_visible
from deadlines.selectors import agency_deadlines
from taskforce import access
from taskforce.models import Deadline, User
from taskforce.sealing import record_seal
from tests.factories import UserFactory, verified_login

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 10, 10, 0))  # a Tuesday morning


def _people() -> list[User]:
    return list(User.objects.filter(memberships__ended_at__isnull=True).distinct())


def test_rows_tested_are_the_visible_ones_for_every_demo_login_model_and_seal():
    """Over the whole demo task force, for every login and every protected model, the rows the
    row-by-row condition keeps are `visible`'s; so are each login's deadlines, before and after
    sealed arrests take away what was seen only through them."""
    from home.demo import seed_demo

    with time_machine.travel(NOW, tick=False):
        seed_demo()
        people = _people()
        administrator = User.objects.filter(is_superuser=True).first()

        def check() -> tuple[int, int]:
            records = deadlines = 0
            for model in access.protected_models():
                for person in people:
                    expected = set(access.visible(person, model).values_list("pk", flat=True))
                    tested = model.objects.filter(access.visible_rows_condition(person, model))
                    assert set(tested.values_list("pk", flat=True)) == expected, (
                        person.username,
                        model._meta.label,
                    )
                    records += len(expected)
            for person in people:
                expected = set(deadlines_visible(person).values_list("pk", flat=True))
                tested = Deadline.objects.filter(deadlines_seen_rows(person))
                assert set(tested.values_list("pk", flat=True)) == expected, person.username
                deadlines += len(expected)
            return records, deadlines

        records, deadlines = check()
        assert records > 100 and deadlines > 20  # the demo's records are seen
        for arrest in Arrest.objects.filter(handoffs__isnull=False)[:2]:
            record_seal(actor=administrator, obj=arrest, reason="Court order")
        assert check() != (records, deadlines)


def test_a_grant_lapsing_after_the_rows_sql_was_kept_ends_its_sight_at_its_moment(
    sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor
):
    arrests = make_arrests(sheriff_liaison, operation, 2)
    ends = timezone.now() + dt.timedelta(days=30)
    access.share(
        actor=sheriff_liaison, obj=arrests[0], to_agency=wash_cao, reason="For 30 days",
        expires_at=ends,
    )  # fmt: skip

    def seen() -> set[int]:
        tested = Arrest.objects.filter(access.visible_rows_condition(wash_prosecutor, Arrest))
        return set(tested.values_list("pk", flat=True))

    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        assert seen() == {arrests[0].pk}  # compiled and kept here
    with time_machine.travel(ends + dt.timedelta(seconds=1)):
        assert seen() == set()
        assert seen() == set(access.visible(wash_prosecutor, Arrest).values_list("pk", flat=True))


@pytest.fixture
def handed(sheriff_liaison, operation, make_arrests, wash_cao, ramsey_cao):
    """Five arrests: three handed to the Washington County Attorney, two to Ramsey's."""
    arrests = make_arrests(sheriff_liaison, operation, 5)
    to_wash = handoff_create(actor=sheriff_liaison, arrests=arrests[:3], to_agency=wash_cao)
    handoff_create(actor=sheriff_liaison, arrests=arrests[3:], to_agency=ramsey_cao)
    return to_wash


def test_the_intake_panel_lists_and_counts_only_the_agencys_visible_hand_offs(
    handed, wash_prosecutor, ramsey_prosecutor, sheriff_liaison
):
    rows, count = intake_waiting(actor=wash_prosecutor)
    assert count == 3 and {h.pk for h in rows} == {h.pk for h in handed}
    assert [h.created_at for h in rows] == sorted((h.created_at for h in rows), reverse=True)
    rows, count = intake_waiting(actor=ramsey_prosecutor, size=1)
    assert count == 2 and len(rows) == 1 and rows[0].to_agency_id == ramsey_prosecutor.agency.pk
    # A sealed case takes its hand-off out of the list and the count, the SQL already kept.
    administrator = UserFactory(is_staff=True, is_superuser=True)
    record_seal(actor=administrator, obj=handed[0].case, reason="Court order")
    rows, count = intake_waiting(actor=wash_prosecutor)
    assert count == 2 and handed[0].pk not in {h.pk for h in rows}
    # A case out of intake leaves the panel.
    handed[1].case.status = "under_review"
    handed[1].case.save(update_fields=["status"])
    rows, count = intake_waiting(actor=wash_prosecutor)
    assert [h.pk for h in rows] == [handed[2].pk] and count == 1
    # The police liaison's agency receives no hand-offs: nothing.
    assert intake_waiting(actor=sheriff_liaison) == ([], 0)


def test_the_agency_deadlines_are_its_own_visible_ones_in_due_order(
    handed, wash_prosecutor, ramsey_prosecutor, client
):
    due = agency_deadlines(wash_prosecutor, now=timezone.now() + dt.timedelta(days=400))
    shown = due["overdue"] + due["today"] + due["week"]
    assert shown and {d.responsible_agency_id for d in shown} == {wash_prosecutor.agency.pk}
    expected = (
        deadlines_visible(wash_prosecutor)
        .filter(status="open", responsible_agency=wash_prosecutor.agency)
        .values_list("pk", flat=True)
    )
    assert {d.pk for d in shown} == set(expected)
    assert [d.due_at for d in shown] == sorted(d.due_at for d in shown)
    # Ramsey's prosecutor: only Ramsey's, none of Washington's.
    later = timezone.now() + dt.timedelta(days=400)
    ramsey = agency_deadlines(ramsey_prosecutor, now=later)
    ramsey_ids = {d.pk for group in ramsey.values() for d in group}
    assert ramsey_ids and not ramsey_ids & {d.pk for d in shown}
    # Through the page as well: Ramsey's own hand-offs and cases linked, none of Washington's.
    verified_login(client, ramsey_prosecutor)
    page = client.get(reverse("home")).content.decode()
    for handoff in HandOff.objects.select_related("case"):
        mine = handoff.to_agency_id == ramsey_prosecutor.agency.pk
        assert (str(handoff.case.public_id) in page) is mine


def test_a_kept_condition_refuses_to_run_where_its_table_is_a_subquerys(handed, wash_prosecutor):
    """The kept SQL names the table as the top of a query does: inside a subquery it would test
    the outer query's row (a page chosen by a subquery read every row, each against the outer
    one). It is refused there, and read at the top it gives the visible rows."""
    condition = access.visible_rows_condition(wash_prosecutor, HandOff)
    chosen = HandOff.objects.filter(condition).values("pk")
    with pytest.raises(ValueError, match="read it at the top of a query"):
        list(HandOff.objects.filter(pk__in=chosen[:2]))
    assert set(chosen.values_list("pk", flat=True)) == {h.pk for h in handed}
