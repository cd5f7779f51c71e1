"""Deadlines started, moved and met by what happens on a case or to a consent."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.services.charges import ChargeInput, charging_decide
from cases.services.court import (
    court_event_continue,
    court_event_record,
    court_event_schedule,
    speedy_trial_demand_record,
)
from cases.services.notices import case_victim_add, victim_notice_record
from cases.services.people import PersonData
from deadlines.reminders import escalate_missed_deadlines
from referrals.services import referral_assign, referral_send, referral_transition
from taskforce.models import Deadline, Reminder
from tests.deadlines.conftest import days_ahead
from tests.factories import verified_login
from victims.services import consent_record, consent_revoke, victim_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def deadline(rule, **filters):
    return Deadline.objects.get(rule=rule, **filters)


def test_a_hearing_reminds_the_prosecutor_and_the_advocate_at_its_lead_times(
    case, wash_prosecutor, advocacy_center, advocate
):
    kaya = PersonData(first_name="Kaya", last_name="Strand")
    youth = case_victim_add(actor=wash_prosecutor, case=case, role="recovered", data=kaya).person
    referral = referral_send(actor=wash_prosecutor, person=youth, to_agency=advocacy_center,
                             source="prosecution", reason="Recovered", case=case)  # fmt: skip
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_assign(actor=advocate, referral=referral, advocate=advocate)
    event = court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus",
                                 starts_at=days_ahead(10))  # fmt: skip
    hearing = deadline("court_event")
    assert (hearing.due_at, hearing.responsible_user) == (event.starts_at, wash_prosecutor)
    planned = set(hearing.reminders.values_list("recipient__username", "lead_minutes"))
    leads = {7 * 24 * 60, 24 * 60, 120}
    assert planned == {(who, lead) for who in ("wash_prosecutor", advocate.username)
                       for lead in leads}  # fmt: skip


def test_a_continued_hearing_waives_the_old_date_and_plans_the_new(case, wash_prosecutor):
    event = court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus",
                                 starts_at=days_ahead(10))  # fmt: skip
    new = court_event_continue(actor=wash_prosecutor, event=event, starts_at=days_ahead(30),
                               continued_by="defense", reason="New counsel")  # fmt: skip
    old, moved = Deadline.objects.filter(rule="court_event").order_by("due_at")
    assert old.status == "waived" and "Continued to" in old.waiver_reason
    assert not old.reminders.filter(status="pending").exists()
    assert moved.due_at == new.starts_at and moved.status == "open"


def test_a_first_appearance_held_starts_the_omnibus_clock_and_the_omnibus_meets_it(
    case, wash_prosecutor
):
    from deadlines.calendar import Calendar
    from deadlines.rules import RULES

    appeared = days_ahead(-20)
    first = court_event_schedule(actor=wash_prosecutor, case=case, kind="first_appearance",
                                 starts_at=appeared)  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=first, status="held", outcome="",
                       combined_with_rule8=True)  # fmt: skip
    assert deadline("court_event").status == "met"
    omnibus = deadline("omnibus_hearing")
    assert omnibus.due_at == RULES["omnibus_hearing"].compute(
        Calendar.current(), appeared, combined_with_rule8=True
    )
    assert omnibus.event_at == appeared and omnibus.status == "open"
    hearing = court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus",
                                   starts_at=days_ahead(-1))  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=hearing, status="held", outcome="")
    assert deadline("omnibus_hearing").status == "met"


def test_a_cancelled_hearing_is_waived_with_the_reason(case, wash_prosecutor):
    event = court_event_schedule(actor=wash_prosecutor, case=case, kind="review",
                                 starts_at=days_ahead(5))  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=event, status="cancelled", outcome="")
    assert deadline("court_event").waiver_reason == "The hearing was cancelled."


def test_the_plea_notice_is_due_before_the_settlement_conference_and_met_when_told(
    case, wash_prosecutor
):
    victim = case_victim_add(actor=wash_prosecutor, case=case, role="victim",
                             data=PersonData(first_name="Ana", last_name="Ruiz"))  # fmt: skip
    event = court_event_schedule(actor=wash_prosecutor, case=case, kind="settlement",
                                 starts_at=days_ahead(14))  # fmt: skip
    assert deadline("plea_notice").due_at == event.starts_at
    court_event_continue(actor=wash_prosecutor, event=event, starts_at=days_ahead(21),
                         continued_by="court", reason="Calendar")  # fmt: skip
    assert deadline("plea_notice").due_at == days_ahead(21)  # it follows the hearing
    victim_notice_record(actor=wash_prosecutor, case=case, victim=victim, kind="plea",
                         given_on=TODAY(), method="phone")  # fmt: skip
    assert deadline("plea_notice").status == "met"


def test_no_plea_notice_without_victims_on_the_case(case, wash_prosecutor):
    court_event_schedule(actor=wash_prosecutor, case=case, kind="settlement",
                         starts_at=days_ahead(14))  # fmt: skip
    assert not Deadline.objects.filter(rule="plea_notice").exists()


def test_a_speedy_trial_demand_in_custody_starts_two_clocks_that_a_trial_meets(
    case, wash_prosecutor
):
    from deadlines.calendar import Calendar
    from deadlines.rules import RULES
    from taskforce.dates import start_of_day

    demanded = TODAY() - dt.timedelta(days=10)
    speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=demanded,
                               level="felony", made_by="defense", in_custody=True)  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=TODAY(),
                                   level="felony", made_by="defense", in_custody=True)  # fmt: skip
    assert "already recorded" in raised.value.message_dict["demanded_on"][0]
    calendar, start = Calendar.current(), start_of_day(demanded)
    assert deadline("speedy_trial").due_at == RULES["speedy_trial"].compute(calendar, start)
    assert deadline("custody_release").due_at == RULES["custody_release"].compute(calendar, start)
    trial = court_event_schedule(actor=wash_prosecutor, case=case, kind="trial",
                                 starts_at=days_ahead(-1))  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=trial, status="held", outcome="Verdict")
    assert {
        d.status for d in Deadline.objects.filter(rule__in=["speedy_trial", "custody_release"])
    } == {"met"}


def test_a_misdemeanor_demand_not_in_custody_has_no_release_clock(case, wash_prosecutor):
    speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=TODAY(),
                               level="misdemeanor", made_by="state", in_custody=False,
                               pleaded_not_guilty_on=TODAY())  # fmt: skip
    assert set(Deadline.objects.values_list("rule", flat=True)) >= {"speedy_trial"}
    assert not Deadline.objects.filter(rule="custody_release").exists()


def test_a_misdemeanor_counts_60_days_from_the_not_guilty_plea_a_felony_from_the_demand(
    case, wash_prosecutor
):
    """R. 6.06: a misdemeanor's 60 days run from the not-guilty plea; R. 11.09 from the demand."""
    from cases.models import SpeedyTrialDemand
    from deadlines.calendar import Calendar
    from deadlines.rules import RULES
    from taskforce.dates import start_of_day

    today = {"actor": wash_prosecutor, "case": case, "demanded_on": TODAY(),
             "level": "misdemeanor", "made_by": "defense", "in_custody": False}  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        speedy_trial_demand_record(**today)
    assert "not-guilty plea (Rule 6.06)" in raised.value.message_dict["pleaded_not_guilty_on"][0]
    with pytest.raises(ValidationError) as raised:
        speedy_trial_demand_record(**today, pleaded_not_guilty_on=TODAY() + dt.timedelta(days=1))
    assert "follows the not-guilty plea" in raised.value.message_dict["pleaded_not_guilty_on"][0]
    assert not SpeedyTrialDemand.objects.exists()
    assert not Deadline.objects.filter(rule="speedy_trial").exists()

    pleaded, demanded = TODAY() - dt.timedelta(days=20), TODAY() - dt.timedelta(days=5)
    speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=demanded,
                               level="misdemeanor", made_by="defense", in_custody=False,
                               pleaded_not_guilty_on=pleaded)  # fmt: skip
    trial = deadline("speedy_trial")
    assert trial.event_at == start_of_day(pleaded) and trial.rule_version == 2
    assert trial.due_at == RULES["speedy_trial"].compute(Calendar.current(), start_of_day(pleaded))
    assert SpeedyTrialDemand.objects.get().pleaded_not_guilty_on == pleaded


def test_a_felony_demand_counts_from_the_demand_even_with_a_plea_date(case, wash_prosecutor):
    from taskforce.dates import start_of_day

    demanded = TODAY() - dt.timedelta(days=5)
    speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=demanded,
                               level="felony", made_by="defense", in_custody=False,
                               pleaded_not_guilty_on=demanded - dt.timedelta(days=30))  # fmt: skip
    assert deadline("speedy_trial").event_at == start_of_day(demanded)


def test_the_demand_page_says_a_misdemeanor_needs_its_plea_date_next_to_the_field(
    case, wash_prosecutor, client
):
    from django.urls import reverse

    verified_login(client, wash_prosecutor)
    url = reverse("cases:speedy_demand_new", args=[case.public_id])
    answer = client.post(url, {"demanded_on": TODAY(), "level": "misdemeanor",
                               "made_by": "defense"})  # fmt: skip
    assert answer.status_code == 200
    assert "enter the plea&#x27;s date" in answer.content.decode()
    assert answer.context["form"].errors["pleaded_not_guilty_on"]
    answer = client.post(url, {"demanded_on": TODAY(), "level": "misdemeanor",
                               "made_by": "defense", "pleaded_not_guilty_on": TODAY()})  # fmt: skip
    assert answer.status_code == 302
    assert deadline("speedy_trial").status == "open"


def _convicted_with_a_victim(case, wash_prosecutor, patron_13_15, disposed_on):
    from cases.services.charges import charge_dispose

    victim = case_victim_add(actor=wash_prosecutor, case=case, role="victim",
                             data=PersonData(first_name="Ana", last_name="Ruiz"))  # fmt: skip
    charging_decide(actor=wash_prosecutor, case=case, decision="charge",
                    charges=[ChargeInput(case.defendants.get(), patron_13_15,
                                         TODAY() - dt.timedelta(days=90))])  # fmt: skip
    charge_dispose(actor=wash_prosecutor, charge=case.charges.get(), disposition="convicted",
                   disposed_on=disposed_on)  # fmt: skip
    case.refresh_from_db()
    return case, victim


def test_the_15_working_days_run_from_the_recorded_disposition_date_not_the_status_change(
    case, wash_prosecutor, patron_13_15
):
    from cases.services.cases import case_final_disposition_record, case_transition
    from deadlines.calendar import Calendar
    from deadlines.rules import RULES
    from taskforce.dates import start_of_day

    case, victim = _convicted_with_a_victim(case, wash_prosecutor, patron_13_15, TODAY())
    for step in ("pre_trial", "trial", "sentenced"):
        case = case_transition(actor=wash_prosecutor, case=case, to_status=step)
    # Moving the status starts nothing: the count waits for the disposition's date.
    assert not Deadline.objects.filter(rule="disposition_notice").exists()
    disposed = TODAY() - dt.timedelta(days=4)
    case = case_final_disposition_record(actor=wash_prosecutor, case=case, disposed_on=disposed)
    notice = deadline("disposition_notice")
    assert notice.event_at == start_of_day(disposed)
    assert notice.due_at == RULES["disposition_notice"].compute(Calendar.current(), notice.event_at)
    assert notice.status == "open" and notice.responsible_user == wash_prosecutor
    # A corrected date moves the open deadline (audited); closing the case does not restart it.
    case = case_final_disposition_record(
        actor=wash_prosecutor, case=case, disposed_on=disposed - dt.timedelta(days=1)
    )
    assert deadline("disposition_notice").event_at == start_of_day(disposed - dt.timedelta(days=1))
    case_transition(actor=wash_prosecutor, case=case, to_status="closed")
    assert Deadline.objects.filter(rule="disposition_notice").count() == 1
    victim_notice_record(actor=wash_prosecutor, case=case, victim=victim, kind="disposition",
                         given_on=TODAY(), method="letter")  # fmt: skip
    assert deadline("disposition_notice").status == "met"


def test_a_disposition_date_entered_late_is_overdue_at_once_and_the_page_says_so(
    case, wash_prosecutor, patron_13_15, client
):
    from django.urls import reverse

    disposed = TODAY() - dt.timedelta(days=40)  # more than 15 working days ago, whatever today is
    case, _ = _convicted_with_a_victim(case, wash_prosecutor, patron_13_15, disposed)
    verified_login(client, wash_prosecutor)
    url = reverse("cases:final_disposition_new", args=[case.public_id])
    future = client.post(url, {"final_disposition_on": TODAY() + dt.timedelta(days=1)})
    assert future.status_code == 200
    assert future.context["form"].errors["final_disposition_on"] == ["This date is in the future."]
    answer = client.post(url, {"final_disposition_on": disposed}, follow=True)
    page = answer.content.decode()
    assert "the notice is overdue" in page
    notice = deadline("disposition_notice")
    assert notice.is_overdue() and notice.event_at.date() == disposed
    case.refresh_from_db()
    assert case.final_disposition_on == disposed


def test_the_disposition_date_needs_disposed_counts_and_another_agency_gets_404(
    case, wash_prosecutor, ramsey_prosecutor, client
):
    from django.urls import reverse

    from cases.services.cases import case_final_disposition_record

    with pytest.raises(ValidationError) as raised:
        case_final_disposition_record(actor=wash_prosecutor, case=case, disposed_on=TODAY())
    assert "dispositions first" in raised.value.message_dict["final_disposition_on"][0]
    verified_login(client, ramsey_prosecutor)
    url = reverse("cases:final_disposition_new", args=[case.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"final_disposition_on": TODAY()}).status_code == 404


@pytest.fixture
def victim(referral, advocate):
    referral_transition(actor=advocate, referral=referral, to_status="received")
    referral_transition(actor=advocate, referral=referral, to_status="accepted")
    return victim_create(actor=advocate, person=referral.person, identified_how="sting",
                         guardian_note="Mother has custody")  # fmt: skip


def consent(advocate, victim, agency, days):
    return consent_record(
        actor=advocate, victim=victim, to_agency=agency, scope="status", purpose="Case updates",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=days), signed_by_minor=True,
        guardian_name="Ruth Strand", guardian_relationship="Mother",
    )  # fmt: skip


def test_consent_expiry_reminds_the_advocates_and_never_escalates(
    victim, advocate, wash_cao, advocate_supervisor
):
    given = consent(advocate, victim, wash_cao, days=30)
    expiry = deadline("consent_expiry")
    assert expiry.due_at == given.ends_at()
    assert set(expiry.reminders.values_list("recipient__username", flat=True)) == {
        advocate.username
    }
    with time_machine.travel(given.ends_at() + dt.timedelta(days=2)):
        escalate_missed_deadlines()
    expiry.refresh_from_db()
    assert expiry.status == "met" and expiry.escalated_at is None


def test_a_renewed_consent_replaces_the_reminder_and_a_revoked_one_has_none(
    victim, advocate, wash_cao
):
    first = consent(advocate, victim, wash_cao, days=30)
    second = consent(advocate, victim, wash_cao, days=90)
    assert deadline("consent_expiry", object_id=first.pk).status == "met"
    consent_revoke(actor=advocate, consent=second, reason="Asked to stop")
    revoked = deadline("consent_expiry", object_id=second.pk)
    assert revoked.status == "waived"
    assert not Reminder.objects.filter(deadline=revoked, status="pending").exists()


def test_the_demand_page_records_the_demand_and_the_case_page_lists_its_deadlines(
    case, wash_prosecutor, client
):
    from django.urls import reverse

    verified_login(client, wash_prosecutor)
    url = reverse("cases:speedy_demand_new", args=[case.public_id])
    future = TODAY() + dt.timedelta(days=3)
    answer = client.post(url, {"demanded_on": future, "level": "felony", "made_by": "defense"})
    assert answer.status_code == 200
    assert "cannot be dated in the future" in answer.content.decode()
    assert not Deadline.objects.filter(rule="speedy_trial").exists()
    answer = client.post(
        url, {"demanded_on": TODAY(), "level": "felony", "made_by": "defense", "in_custody": "on"},
        follow=True,
    )  # fmt: skip
    page = answer.content.decode()
    assert "Speedy-trial demand recorded" in page
    assert "Trial after a speedy-trial demand" in page and "Release from custody" in page


def test_another_agency_gets_404_on_the_demand_page_and_sees_no_deadline(
    case, wash_prosecutor, ramsey_prosecutor, client
):
    from django.urls import reverse

    from deadlines.records import deadlines_visible

    speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=TODAY(),
                               level="felony", made_by="defense", in_custody=False)  # fmt: skip
    verified_login(client, ramsey_prosecutor)
    url = reverse("cases:speedy_demand_new", args=[case.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"demanded_on": TODAY(), "level": "felony",
                             "made_by": "defense"}).status_code == 404  # fmt: skip
    assert not deadlines_visible(ramsey_prosecutor).exists()
    assert deadlines_visible(wash_prosecutor).filter(rule="speedy_trial").count() == 1


def test_a_juvenile_detention_starts_the_hearing_clock_then_reviews_every_8_working_days(
    case, wash_prosecutor
):
    from cases.services.court import juvenile_detention_record, juvenile_release_record
    from deadlines.calendar import Calendar
    from deadlines.rules import RULES

    calendar = Calendar.current()
    detained = days_ahead(-12, hour=20)
    juvenile_detention_record(actor=wash_prosecutor, case=case, detained_at=detained,
                              facility="adult_jail")  # fmt: skip
    hearing_due = deadline("juvenile_detention_hearing")
    assert hearing_due.due_at == RULES["juvenile_detention_hearing"].compute(
        calendar, detained, facility="adult_jail"
    )
    with pytest.raises(ValidationError) as raised:
        juvenile_detention_record(actor=wash_prosecutor, case=case, detained_at=detained,
                                  facility="secure_juvenile")  # fmt: skip
    assert "already open" in raised.value.message_dict["detained_at"][0]
    held = court_event_schedule(actor=wash_prosecutor, case=case, kind="detention",
                                starts_at=days_ahead(-11))  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=held, status="held", outcome="Continued")
    assert deadline("juvenile_detention_hearing").status == "met"
    first_review = deadline("juvenile_detention_review", sequence=1)
    assert first_review.due_at == RULES["juvenile_detention_review"].compute(
        calendar, held.starts_at
    )
    review = court_event_schedule(actor=wash_prosecutor, case=case, kind="detention",
                                  starts_at=days_ahead(-2))  # fmt: skip
    court_event_record(actor=wash_prosecutor, event=review, status="held", outcome="")
    assert deadline("juvenile_detention_review", sequence=1).status == "met"
    assert deadline("juvenile_detention_review", sequence=2).status == "open"
    juvenile_release_record(actor=wash_prosecutor, case=case, released_at=days_ahead(-1))
    second = deadline("juvenile_detention_review", sequence=2)
    assert (second.status, second.waiver_reason) == ("waived", "Released from detention.")


def test_a_juvenile_trial_demand_while_detained_is_due_in_30_days(case, wash_prosecutor):
    from cases.services.court import juvenile_detention_record

    juvenile_detention_record(actor=wash_prosecutor, case=case, detained_at=days_ahead(-3),
                              facility="secure_juvenile")  # fmt: skip
    speedy_trial_demand_record(actor=wash_prosecutor, case=case, demanded_on=TODAY(),
                               level="juvenile", made_by="defense", in_custody=True)  # fmt: skip
    trial = deadline("juvenile_trial")
    assert timezone.localdate(trial.due_at) >= TODAY() + dt.timedelta(days=30)
    assert timezone.localdate(trial.due_at) <= TODAY() + dt.timedelta(days=34)  # to a court day
    assert not Deadline.objects.filter(rule__in=["speedy_trial", "custody_release"]).exists()


def test_another_agency_gets_404_on_the_detention_pages(case, ramsey_prosecutor, client):
    from django.urls import reverse

    verified_login(client, ramsey_prosecutor)
    for name in ("cases:detention_new", "cases:detention_release"):
        url = reverse(name, args=[case.public_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"detained_at": days_ahead(-1), "facility": "adult_jail",
                                 "released_at": days_ahead(-1)}).status_code == 404  # fmt: skip
    assert not case.detentions.exists()


def test_the_detention_page_refuses_a_future_time_next_to_the_field(case, wash_prosecutor, client):
    from django.urls import reverse

    verified_login(client, wash_prosecutor)
    url = reverse("cases:detention_new", args=[case.public_id])
    future = days_ahead(2).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(url, {"detained_at": future, "facility": "adult_jail"})
    assert answer.status_code == 200
    assert "cannot start in the future" in answer.content.decode()
    past = days_ahead(-1).strftime("%Y-%m-%dT%H:%M")
    answer = client.post(url, {"detained_at": past, "facility": "adult_jail"}, follow=True)
    assert "Detention recorded" in answer.content.decode()
    assert "Detention hearing for a detained juvenile" in answer.content.decode()
