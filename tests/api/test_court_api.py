"""A case's steps in court over the API: the charging decision, counts filed, amended, disposed
and sentenced, hearings, a speedy-trial demand, a juvenile's detention; another office's 404."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Charge, CourtEvent, JuvenileDetention, Sentence, SpeedyTrialDemand
from cases.services.handoffs import handoff_create
from taskforce.models import AuditEvent, Deadline

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
MISSING = "00000000-0000-4000-8000-000000000000"
PATRON = "609.324 subd. 1(b)"


@pytest.fixture
def case(sheriff_liaison, operation, make_arrests, wash_cao):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    return handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)[0].case


def days(n: int) -> str:
    return (TODAY() + dt.timedelta(days=n)).isoformat()


def at(days_from_now: int, hour: int = 9) -> str:
    day = TODAY() + dt.timedelta(days=days_from_now)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour))).isoformat()


def charged(api, prosecutor, case) -> dict:
    defendant = str(case.defendants.get().public_id)
    answer = api(prosecutor).post(
        f"/api/cases/{case.public_id}/decision/",
        {
            "decision": "charge",
            "charges": [{"defendant": defendant, "statute": PATRON, "filed_on": days(-20)}],
        },
    )
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_prosecutor_charges_amends_disposes_and_sentences_counts(api, case, wash_prosecutor):
    client = api(wash_prosecutor)
    path = f"/api/cases/{case.public_id}/"
    assert charged(api, wash_prosecutor, case)["status"] == "charged"
    first = case.charges.get()
    assert (first.count_number, first.statute.citation, first.status) == (1, PATRON, "active")
    defendant = str(case.defendants.get().public_id)
    filed = client.post(
        path + "charges/",
        {"defendant": defendant, "statute": "609.322 subd. 1a", "filed_on": days(-10)},
    )
    assert filed.status_code == 201 and filed.json()["count_number"] == 2
    amended = client.post(
        path + f"charges/{first.public_id}/amend/",
        {"statute": "609.324 subd. 1(c)", "amended_on": days(-5)},
    )
    assert amended.status_code == 201
    first.refresh_from_db()
    assert (
        first.status == "amended" and str(first.amended_to.public_id) == amended.json()["public_id"]
    )
    assert Charge.objects.get(public_id=amended.json()["public_id"]).count_number == 1
    second = filed.json()["public_id"]
    disposed = client.post(
        path + f"charges/{second}/dispose/",
        {"disposition": "pleaded_as_charged", "disposed_on": days(-2)},
    )
    assert disposed.status_code == 200 and disposed.json()["status"] == "disposed"
    assert Charge.objects.get(public_id=second).disposition == "pleaded_as_charged"
    sentenced = client.post(
        path + f"charges/{second}/sentence/",
        {"sentenced_on": days(-1), "assessment": "750.00", "probation_months": 24},
    )
    assert sentenced.status_code == 201, sentenced.json()
    sentence = Sentence.objects.get(charge__public_id=second)
    assert (sentence.assessment, sentence.probation_months) == (750, 24)
    detail = client.get(path).json()
    assert [c["status"] for c in detail["charges"]].count("active") == 1
    assert AuditEvent.objects.filter(action="charge.amended").exists()


def test_bad_count_input_names_the_field_and_saves_nothing(
    api, case, wash_prosecutor, ramsey_prosecutor
):
    client = api(wash_prosecutor)
    path = f"/api/cases/{case.public_id}/"
    defendant = str(case.defendants.get().public_id)
    unknown = client.post(
        path + "charges/", {"defendant": defendant, "statute": "609.999", "filed_on": days(-1)}
    )
    assert unknown.status_code == 400 and "statute" in unknown.json()["fields"]
    stranger = client.post(
        path + "charges/", {"defendant": MISSING, "statute": PATRON, "filed_on": days(-1)}
    )
    assert stranger.status_code == 400 and "defendant" in stranger.json()["fields"]
    future = client.post(
        path + "charges/", {"defendant": defendant, "statute": PATRON, "filed_on": days(3)}
    )
    assert future.status_code == 400 and "filed_on" in future.json()["fields"]
    decline = client.post(path + "decision/", {"decision": "decline"})
    assert decline.status_code == 400 and "reason" in decline.json()["fields"]
    assert not Charge.objects.exists()
    charged(api, wash_prosecutor, case)
    count = case.charges.get()
    no_day = client.post(path + f"charges/{count.public_id}/dispose/", {"disposition": "dismissed"})
    assert no_day.status_code == 400 and "disposed_on" in no_day.json()["fields"]
    not_convicted = client.post(
        path + f"charges/{count.public_id}/sentence/",
        {"sentenced_on": days(0), "assessment": "500"},
    )
    assert not_convicted.status_code == 400 and not_convicted.json()["fields"]["non_field_errors"]
    assert client.post(path + f"charges/{MISSING}/dispose/", {}).status_code == 404
    assert client.post(path + "charges/nonsense/dispose/", {}).status_code == 404
    # A count of another case of the same office is not found under this case.
    assert count.status == "active" and not Sentence.objects.exists()


def test_another_office_gets_404_on_every_court_step_like_a_missing_case(
    api, case, wash_prosecutor, ramsey_prosecutor
):
    charged(api, wash_prosecutor, case)
    count = case.charges.get()
    hearing = (
        api(wash_prosecutor)
        .post(f"/api/cases/{case.public_id}/hearings/", {"kind": "omnibus", "starts_at": at(7)})
        .json()
    )
    steps = [
        ("decision/", {"decision": "decline", "reason": "x"}),
        ("charges/", {"defendant": MISSING, "statute": PATRON, "filed_on": days(-1)}),
        (f"charges/{count.public_id}/amend/", {"statute": PATRON, "amended_on": days(0)}),
        (
            f"charges/{count.public_id}/dispose/",
            {"disposition": "dismissed", "disposed_on": days(0)},
        ),
        (f"charges/{count.public_id}/sentence/", {"sentenced_on": days(0), "assessment": "500"}),
        ("hearings/", {"kind": "trial", "starts_at": at(30)}),
        (
            f"hearings/{hearing['public_id']}/continue/",
            {"starts_at": at(40), "continued_by": "state", "reason": "x"},
        ),
        (f"hearings/{hearing['public_id']}/record/", {"status": "cancelled"}),
        ("speedy-trial-demand/", {"demanded_on": days(0), "level": "felony"}),
        ("detention/", {"detained_at": at(-1), "facility": "secure_juvenile"}),
        ("detention/release/", {"released_at": at(0, 0)}),
    ]
    other = api(ramsey_prosecutor)
    for step, body in steps:
        hidden = other.post(f"/api/cases/{case.public_id}/{step}", body)
        absent = other.post(f"/api/cases/{MISSING}/{step}", body)
        assert hidden.status_code == absent.status_code == 404, step
        assert (
            hidden.json()
            == absent.json()
            == {"code": "not_found", "message": "Not found.", "fields": {}}
        )
    count.refresh_from_db()
    assert count.status == "active" and CourtEvent.objects.count() == 1
    assert not SpeedyTrialDemand.objects.exists() and not JuvenileDetention.objects.exists()


def test_hearings_are_scheduled_continued_and_recorded(api, case, wash_prosecutor):
    client = api(wash_prosecutor)
    path = f"/api/cases/{case.public_id}/hearings/"
    omnibus = client.post(path, {"kind": "omnibus", "starts_at": at(7), "courtroom": "Room 3"})
    assert omnibus.status_code == 201, omnibus.json()
    omnibus_id = omnibus.json()["public_id"]
    earlier = client.post(
        path + f"{omnibus_id}/continue/",
        {"starts_at": at(1), "continued_by": "defense", "reason": "x"},
    )
    assert earlier.status_code == 400 and "starts_at" in earlier.json()["fields"]
    moved = client.post(
        path + f"{omnibus_id}/continue/",
        {"starts_at": at(21), "continued_by": "defense", "reason": "New counsel"},
    )
    assert moved.status_code == 201 and moved.json()["courtroom"] == "Room 3"
    old = CourtEvent.objects.get(public_id=omnibus_id)
    assert (old.status, old.continued_by, str(old.continued_to.public_id)) == (
        "continued",
        "defense",
        moved.json()["public_id"],
    )
    appearance = client.post(path, {"kind": "first_appearance", "starts_at": at(-25)}).json()
    wrong = client.post(path + f"{appearance['public_id']}/record/", {"status": "continued"})
    assert wrong.status_code == 400 and "status" in wrong.json()["fields"]
    held = client.post(
        path + f"{appearance['public_id']}/record/",
        {"status": "held", "outcome": "Bail set", "combined_with_rule8": True},
    )
    assert held.status_code == 200 and held.json()["status"] == "held"
    assert CourtEvent.objects.get(public_id=appearance["public_id"]).outcome == "Bail set"
    assert Deadline.objects.filter(rule="omnibus_hearing", object_id=case.pk).exists()
    future = client.post(path + f"{moved.json()['public_id']}/record/", {"status": "held"})
    assert future.status_code == 400 and "status" in future.json()["fields"]


def test_speedy_trial_demand_and_juvenile_detention_start_their_clocks(api, case, wash_prosecutor):
    client = api(wash_prosecutor)
    path = f"/api/cases/{case.public_id}/"
    misdemeanor = client.post(
        path + "speedy-trial-demand/", {"demanded_on": days(0), "level": "misdemeanor"}
    )
    assert misdemeanor.status_code == 400
    assert "pleaded_not_guilty_on" in misdemeanor.json()["fields"]
    demand = client.post(
        path + "speedy-trial-demand/",
        {"demanded_on": days(-1), "level": "felony", "in_custody": True},
    )
    assert demand.status_code == 201, demand.json()
    assert SpeedyTrialDemand.objects.get(case=case).in_custody is True
    rules = set(Deadline.objects.filter(object_id=case.pk).values_list("rule", flat=True))
    assert {"speedy_trial", "custody_release"} <= rules
    assert demand.json()["pleaded_not_guilty_on"] is None
    again = client.post(path + "speedy-trial-demand/", {"demanded_on": days(0), "level": "felony"})
    assert again.status_code == 400 and "demanded_on" in again.json()["fields"]
    bad_level = client.post(
        path + "speedy-trial-demand/", {"demanded_on": days(0), "level": "urgent"}
    )
    assert bad_level.status_code == 400 and "level" in bad_level.json()["fields"]

    held = client.post(path + "detention/", {"detained_at": at(-2), "facility": "secure_juvenile"})
    assert held.status_code == 201, held.json()
    hearing_due = Deadline.objects.get(object_id=case.pk, rule="juvenile_detention_hearing")
    assert hearing_due.status == "open"
    twice = client.post(path + "detention/", {"detained_at": at(-1), "facility": "adult_jail"})
    assert twice.status_code == 400 and "detained_at" in twice.json()["fields"]
    early = client.post(path + "detention/release/", {"released_at": at(-3)})
    assert early.status_code == 400 and "released_at" in early.json()["fields"]
    released = client.post(path + "detention/release/", {"released_at": at(-1)})
    assert released.status_code == 200 and released.json()["released_at"]
    assert JuvenileDetention.objects.get(case=case).released_at is not None
    hearing_due.refresh_from_db()
    assert hearing_due.status == "waived"
    none_open = client.post(path + "detention/release/", {"released_at": at(0, 0)})
    assert none_open.status_code == 400 and "released_at" in none_open.json()["fields"]


def test_days_and_amounts_at_the_ends_of_their_ranges_are_400_not_500(api, case, wash_prosecutor):
    client = api(wash_prosecutor)
    path = f"/api/cases/{case.public_id}/"
    charged(api, wash_prosecutor, case)
    count = f"charges/{case.charges.get().public_id}/"
    steps = [
        ("speedy-trial-demand/", {"demanded_on": "0001-01-01", "level": "felony"}, "demanded_on"),
        ("speedy-trial-demand/", {"demanded_on": "9999-12-31", "level": "felony"}, "demanded_on"),
        (
            count + "dispose/",
            {"disposition": "dismissed", "disposed_on": "0001-01-01"},
            "disposed_on",
        ),
        (count + "sentence/", {"sentenced_on": days(0), "assessment": "NaN"}, "assessment"),
        (count + "sentence/", {"sentenced_on": days(0), "assessment": "1e9"}, "assessment"),
        ("hearings/", {"kind": "trial", "starts_at": "9999-12-31T23:00:00Z"}, "starts_at"),
    ]
    for step, body, field in steps:
        answer = client.post(path + step, body)
        assert answer.status_code == 400 and field in answer.json()["fields"], (step, body)
    # A detention long ago is a fact the engine can count from, not an error.
    old = client.post(
        path + "detention/", {"detained_at": "1900-01-02T00:00:00Z", "facility": "adult_jail"}
    )
    assert old.status_code == 201


def test_the_final_disposition_date_starts_the_victims_notice(
    api, case, wash_prosecutor, ramsey_prosecutor, patron_13_15
):
    from cases.services.charges import ChargeInput, charge_dispose, charging_decide
    from cases.services.notices import case_victim_add
    from cases.services.people import PersonData

    case_victim_add(actor=wash_prosecutor, case=case, role="victim",
                    data=PersonData(first_name="Ana", last_name="Ruiz"))  # fmt: skip
    charging_decide(actor=wash_prosecutor, case=case, decision="charge",
                    charges=[ChargeInput(case.defendants.get(), patron_13_15,
                                         dt.date.fromisoformat(days(-60)))])  # fmt: skip
    charge_dispose(actor=wash_prosecutor, charge=case.charges.get(), disposition="convicted",
                   disposed_on=dt.date.fromisoformat(days(-2)))  # fmt: skip
    path = f"/api/cases/{case.public_id}/final-disposition/"
    assert api(ramsey_prosecutor).post(path, {"final_disposition_on": days(-2)}).status_code == 404
    future = api(wash_prosecutor).post(path, {"final_disposition_on": days(1)})
    assert future.status_code == 400 and "final_disposition_on" in future.json()["fields"]
    answer = api(wash_prosecutor).post(path, {"final_disposition_on": days(-2)})
    assert answer.status_code == 200 and answer.json()["final_disposition_on"] == days(-2)
    assert Deadline.objects.get(rule="disposition_notice").event_at.date().isoformat() == days(-2)
