"""Deadlines follow events: scheduled, recomputed when the event moves, met, waived, visible."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.services.arrests import arrest_update
from cases.services.charges import charging_decide
from cases.services.handoffs import handoff_create
from deadlines.records import deadlines_visible
from deadlines.selectors import agency_deadlines
from taskforce.models import AuditEvent, Deadline
from tests.deadlines.conftest import local
from tests.factories import verified_login
from tests.stings_fixtures import arrest_row
from victims.services import contact_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def saturday_arrest(sheriff_liaison, operation, sheriff, washington, patron_13_15):
    from cases.services.arrests import arrests_create

    row = arrest_row(washington, patron_13_15, 1, arrested_at=local(2026, 3, 7, 23, 30))
    return arrests_create(actor=sheriff_liaison, operation=operation, arresting_agency=sheriff,
                          rows=[row])[0]  # fmt: skip


def test_a_booked_arrest_starts_both_custody_clocks(saturday_arrest):
    due = dict(Deadline.objects.values_list("rule", "due_at"))
    assert due == {
        "first_appearance": local(2026, 3, 10, 12, 0),
        "probable_cause": local(2026, 3, 10, 0, 30),  # 48 real hours over the clock change
    }
    first = Deadline.objects.get(rule="first_appearance")
    assert (first.rule_version, first.source) == (1, "Minn. R. Crim. P. 4.02 subd. 5(1)")


def test_correcting_the_arrest_time_recomputes_and_says_so(saturday_arrest, sheriff_liaison):
    arrest_update(actor=sheriff_liaison, arrest=saturday_arrest, expected_version=1,
                  data={"arrested_at": local(2026, 3, 6, 22, 0)})  # fmt: skip
    assert Deadline.objects.get(rule="first_appearance").due_at == local(2026, 3, 9, 12, 0)
    event = AuditEvent.objects.get(action="deadline.recomputed", changes__rule="first_appearance")
    before, after = (dt.datetime.fromisoformat(value) for value in event.changes["due_at"])
    assert (before, after) == (local(2026, 3, 10, 12, 0), local(2026, 3, 9, 12, 0))


def test_release_waives_the_custody_clocks_and_met_ones_stay_met(saturday_arrest, sheriff_liaison):
    Deadline.objects.filter(rule="probable_cause").update(status="met")
    arrest_update(actor=sheriff_liaison, arrest=saturday_arrest, expected_version=1,
                  data={"custody_status": "cited"})  # fmt: skip
    statuses = dict(Deadline.objects.values_list("rule", "status"))
    assert statuses == {"first_appearance": "waived", "probable_cause": "met"}


def test_a_hand_off_starts_the_charging_clock_and_the_decision_meets_it(
    saturday_arrest, sheriff_liaison, wash_cao, wash_prosecutor
):
    [handoff] = handoff_create(actor=sheriff_liaison, arrests=[saturday_arrest], to_agency=wash_cao)
    deadline = Deadline.objects.get(rule="charging_decision")
    assert deadline.responsible_agency == wash_cao
    charging_decide(actor=wash_prosecutor, case=handoff.case, decision="decline",
                    reason="Insufficient evidence")  # fmt: skip
    deadline.refresh_from_db()
    assert (deadline.status, deadline.closed_by) == ("met", wash_prosecutor)


def test_a_referral_starts_the_first_contact_clock_and_a_contact_meets_it(referral, advocate):
    from referrals.services import referral_open_victim, referral_transition

    deadline = Deadline.objects.get(rule="first_contact")
    assert deadline.responsible_agency == referral.owner_agency
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    victim = referral_open_victim(actor=advocate, referral=referral, identified_how="sting",
                                  guardian_note="Mother")  # fmt: skip
    contact_record(actor=advocate, victim=victim, at=timezone.now(), method="phone", reached=False)
    deadline.refresh_from_db()
    assert deadline.status == "met"


def test_deadlines_are_seen_exactly_where_their_records_are(
    saturday_arrest, sheriff_liaison, wash_prosecutor, oakdale_liaison_user
):
    assert deadlines_visible(sheriff_liaison).count() == 2
    assert not deadlines_visible(wash_prosecutor).exists()
    assert not deadlines_visible(oakdale_liaison_user).exists()


def test_the_deadlines_page_groups_overdue_today_and_this_week(
    client, saturday_arrest, sheriff_liaison
):
    now = local(2026, 3, 10, 9, 0)  # the Tuesday morning after the arrest
    groups = agency_deadlines(sheriff_liaison, now=now)
    assert [d.rule for d in groups["overdue"]] == ["probable_cause"]
    assert [d.rule for d in groups["today"]] == ["first_appearance"]
    verified_login(client, sheriff_liaison)
    page = client.get(reverse("deadlines")).content.decode()
    assert "First appearance" in page


def test_waiving_needs_a_reason_and_is_404_to_others(
    client, saturday_arrest, sheriff_liaison, wash_prosecutor
):
    deadline = Deadline.objects.get(rule="first_appearance")
    url = reverse("deadline_waive", args=[deadline.public_id])
    verified_login(client, wash_prosecutor)
    assert client.get(url).status_code == 404
    verified_login(client, sheriff_liaison)
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    client.post(url, {"reason": "Defendant waived the 36-hour rule on the record"})
    deadline.refresh_from_db()
    assert (deadline.status, deadline.waiver_reason[:9]) == ("waived", "Defendant")


def test_follow_ups_recur_while_in_services_and_stop_at_closure(referral, advocate):
    from referrals.services import referral_open_victim, referral_transition

    # The contacts are in March 2026: the test runs on March 20, not on whatever day it is.
    with time_machine.travel(local(2026, 3, 20, 12, 0), tick=False):
        referral_transition(actor=advocate, referral=referral, to_status="received")
        referral_transition(actor=advocate, referral=referral, to_status="accepted")
        victim = referral_open_victim(actor=advocate, referral=referral, identified_how="sting",
                                      guardian_note="Mother")  # fmt: skip
        first_call = local(2026, 3, 2, 10, 0)
        contact_record(actor=advocate, victim=victim, at=first_call, method="phone", reached=True)
        [follow_up] = Deadline.objects.filter(rule="follow_up")
        assert (follow_up.sequence, follow_up.due_at) == (1, local(2026, 3, 16, 17, 0))  # 14 days

        contact_record(actor=advocate, victim=victim, at=local(2026, 3, 12, 15, 0), method="text",
                       reached=True)  # fmt: skip
        steps = list(Deadline.objects.filter(rule="follow_up").values_list("sequence", "status"))
        assert steps == [(1, "met"), (2, "open")]

        referral_transition(actor=advocate, referral=referral, to_status="closed",
                            closure_reason="goals_met")  # fmt: skip
    assert set(Deadline.objects.filter(rule="follow_up").values_list("status", flat=True)) == {
        "met",
        "waived",
    }
