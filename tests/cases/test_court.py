"""The court side of a case: hearings and continuances, victims and notices, sentences."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import CourtEvent, Sentence, VictimNotice
from cases.services.charges import ChargeInput, charge_dispose, charging_decide
from cases.services.court import (
    court_event_continue,
    court_event_record,
    court_event_schedule,
    sentence_record,
)
from cases.services.handoffs import handoff_create
from cases.services.notices import case_victim_add, notices_due, victim_notice_record
from cases.services.people import PersonData
from taskforce.models import AuditEvent
from tests.factories import verified_login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def case(sheriff_liaison, operation, make_arrests, wash_cao):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    return handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)[0].case


@pytest.fixture
def count(case, patron_13_15, wash_prosecutor):
    charging_decide(
        actor=wash_prosecutor,
        case=case,
        decision="charge",
        charges=[ChargeInput(case.defendants.get(), patron_13_15, TODAY() - dt.timedelta(days=20))],
    )
    return case.charges.get()


def soon(days=7, hour=9):
    return timezone.make_aware(
        dt.datetime.combine(TODAY() + dt.timedelta(days=days), dt.time(hour))
    )


def test_a_hearing_before_the_arrest_is_refused(case, wash_prosecutor):
    with pytest.raises(ValidationError) as raised:
        court_event_schedule(
            actor=wash_prosecutor, case=case, kind="first_appearance",
            starts_at=timezone.now() - dt.timedelta(days=365),
        )  # fmt: skip
    assert "before the arrest" in raised.value.message_dict["starts_at"][0]
    assert not CourtEvent.objects.exists()


def test_a_continuance_keeps_both_dates_and_who_asked(case, wash_prosecutor):
    omnibus = court_event_schedule(
        actor=wash_prosecutor, case=case, kind="omnibus", starts_at=soon(), courtroom="Room 3"
    )
    later = court_event_continue(
        actor=wash_prosecutor, event=omnibus, starts_at=soon(21), continued_by="defense",
        reason="New counsel",
    )  # fmt: skip
    omnibus.refresh_from_db()
    assert (omnibus.status, omnibus.continued_to, omnibus.continued_by) == (
        "continued",
        later,
        "defense",
    )
    assert (later.kind, later.courtroom, later.status) == ("omnibus", "Room 3", "scheduled")
    with pytest.raises(ValidationError, match="later"):
        court_event_continue(actor=wash_prosecutor, event=later, starts_at=soon(1),
                             continued_by="state", reason="x")  # fmt: skip
    with pytest.raises(ValidationError, match="not happened yet"):
        court_event_record(actor=wash_prosecutor, event=later, status="held", outcome="")


def test_the_hearing_page_shows_errors_beside_the_field(client, case, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:hearing_new", args=[case.public_id]),
        {"kind": "omnibus", "starts_at": "2001-01-01T09:00"},
    )
    assert "before the arrest" in str(response.context["form"].errors["starts_at"])
    response = client.post(
        reverse("cases:hearing_new", args=[case.public_id]),
        {"kind": "omnibus", "starts_at": soon().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert "Omnibus hearing" in client.get(response["Location"]).content.decode()


def test_a_minor_victim_marks_the_case_juvenile_and_notices_fall_due(case, count, wash_prosecutor):
    victim = case_victim_add(
        actor=wash_prosecutor, case=case, role="recovered",
        data=PersonData(first_name="Ava", last_name="Doe",
                        date_of_birth=TODAY() - dt.timedelta(days=15 * 365)),
    )  # fmt: skip
    case.refresh_from_db()
    assert case.is_juvenile
    assert [kind for kind, _ in notices_due(case)] == ["charging"]

    with pytest.raises(ValidationError, match="future"):
        victim_notice_record(actor=wash_prosecutor, case=case, victim=victim, kind="charging",
                             given_on=TODAY() + dt.timedelta(days=1), method="phone")  # fmt: skip
    victim_notice_record(actor=wash_prosecutor, case=case, victim=victim, kind="charging",
                         given_on=TODAY(), method="advocate")  # fmt: skip
    assert notices_due(case) == []
    court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus", starts_at=soon())
    assert [kind for kind, _ in notices_due(case)] == ["hearing"]
    assert VictimNotice.objects.count() == 1


def test_victims_are_seen_only_by_the_case_agency(
    client, case, wash_prosecutor, ramsey_cao, ramsey_prosecutor
):
    from taskforce import access

    case_victim_add(actor=wash_prosecutor, case=case, role="victim",
                    data=PersonData(first_name="Ava", last_name="Doe"))  # fmt: skip
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Conflict check")
    verified_login(client, ramsey_prosecutor)
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Doe" not in page
    verified_login(client, wash_prosecutor)
    assert "Doe, Ava" in client.get(reverse("cases:detail", args=[case.public_id])).content.decode()


def test_a_sentence_needs_a_conviction_and_a_lawful_assessment(count, wash_prosecutor):
    with pytest.raises(ValidationError, match="conviction or plea"):
        sentence_record(actor=wash_prosecutor, charge=count, sentenced_on=TODAY(),
                        assessment=Decimal("500"))  # fmt: skip
    charge_dispose(actor=wash_prosecutor, charge=count, disposition="pleaded_as_charged",
                   disposed_on=TODAY() - dt.timedelta(days=5))  # fmt: skip
    count.refresh_from_db()
    for assessment, reduced, reason, field in [
        (Decimal("0"), False, "", "assessment"),  # not waivable
        (Decimal("1200"), False, "", "assessment"),
        (Decimal("50"), True, "No income", "assessment"),
        (Decimal("100"), True, "", "reduction_reason"),
    ]:
        with pytest.raises(ValidationError) as raised:
            sentence_record(actor=wash_prosecutor, charge=count, sentenced_on=TODAY(),
                            assessment=assessment, assessment_reduced_for_indigence=reduced,
                            reduction_reason=reason)  # fmt: skip
        assert field in raised.value.message_dict
    assert not Sentence.objects.exists()

    sentence = sentence_record(
        actor=wash_prosecutor, charge=count, sentenced_on=TODAY(), assessment=Decimal("750"),
        custody_days=90, custody_stayed=True, probation_months=24, assessment_paid=Decimal("150"),
        installments=5,
    )  # fmt: skip
    assert sentence.split() == [
        ("Arresting agency", Decimal("300.00")),
        ("Prosecuting agency", Decimal("150.00")),
        ("Safe Harbor for Youth account (victim-service organizations)", Decimal("300.00")),
    ]
    assert AuditEvent.objects.filter(action="charge.sentenced").exists()


def test_an_acquitted_count_cannot_be_sentenced_from_the_page(client, case, count, wash_prosecutor):
    charge_dispose(
        actor=wash_prosecutor, charge=count, disposition="acquitted", disposed_on=TODAY()
    )
    verified_login(client, wash_prosecutor)
    url = reverse("cases:sentence_new", args=[case.public_id, count.public_id])
    response = client.post(url, {"sentenced_on": TODAY().isoformat(), "custody_days": 0,
                                 "probation_months": 0, "fine": 0, "assessment": 500,
                                 "assessment_paid": 0, "installments": 1})  # fmt: skip
    assert response.status_code == 200
    assert "conviction or plea" in response.content.decode()
    assert not Sentence.objects.exists()


def test_steps_on_another_agencys_case_are_404(client, case, count, ramsey_prosecutor):
    verified_login(client, ramsey_prosecutor)
    for name, args in [
        ("cases:hearing_new", [case.public_id]),
        ("cases:victim_new", [case.public_id]),
        ("cases:notice_new", [case.public_id]),
        ("cases:sentence_new", [case.public_id, count.public_id]),
        ("cases:charge_amend", [case.public_id, count.public_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_each_victim_is_notified_and_a_new_hearing_needs_a_new_notice(case, count, wash_prosecutor):
    first = case_victim_add(actor=wash_prosecutor, case=case, role="victim",
                            data=PersonData(first_name="Ava", last_name="Doe"))  # fmt: skip
    case_victim_add(actor=wash_prosecutor, case=case, role="victim",
                    data=PersonData(first_name="Bea", last_name="Roe"))  # fmt: skip
    victim_notice_record(actor=wash_prosecutor, case=case, victim=first, kind="charging",
                         given_on=TODAY(), method="phone")  # fmt: skip
    [(kind, why)] = notices_due(case)
    assert kind == "charging" and "Roe, Bea" in why and "Doe, Ava" not in why

    court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus", starts_at=soon())
    victim_notice_record(actor=wash_prosecutor, case=case, victim=first, kind="hearing",
                         given_on=TODAY(), method="phone")  # fmt: skip
    assert all("Doe, Ava" not in why for kind, why in notices_due(case) if kind == "hearing")
    court_event_schedule(actor=wash_prosecutor, case=case, kind="trial", starts_at=soon(30))
    hearing = [why for kind, why in notices_due(case) if kind == "hearing"]
    assert hearing and "Doe, Ava" in hearing[0]  # told of the omnibus, not of the trial date


def test_a_victim_who_was_a_minor_at_the_arrest_marks_the_case_juvenile(case, wash_prosecutor):
    arrested_on = timezone.localdate(case.handoffs.get().arrest.arrested_at)
    born = arrested_on.replace(year=arrested_on.year - 18) + dt.timedelta(days=5)  # 17 then
    minor = PersonData(first_name="Cy", last_name="Lund", date_of_birth=born)
    case_victim_add(actor=wash_prosecutor, case=case, role="victim", data=minor)
    case.refresh_from_db()
    assert case.is_juvenile


# Minn. Stat. 609.3241(a): the range follows the offence of conviction (statute and level).
ASSESSMENT_RANGES = [
    ("609.27 subd. 1(1)", "misdemeanor", Decimal("500"), Decimal("750")),
    ("609.27 subd. 1(1)", "felony", Decimal("750"), Decimal("1000")),
    ("609.324 subd. 2", "gross_misdemeanor", Decimal("500"), Decimal("750")),
    ("609.324 subd. 2", "misdemeanor", Decimal("500"), Decimal("750")),
    ("609.33", "gross_misdemeanor", Decimal("500"), Decimal("750")),
    ("617.293 subd. 1", "misdemeanor", Decimal("500"), Decimal("750")),
    ("609.324 subd. 1(b)", "felony", Decimal("750"), Decimal("1000")),
    ("609.324 subd. 3", "misdemeanor", Decimal("750"), Decimal("1000")),
    ("609.322 subd. 1", "felony", Decimal("750"), Decimal("1000")),
    ("609.3243", "misdemeanor", Decimal("750"), Decimal("1000")),
]


@pytest.mark.parametrize(("citation", "level", "low", "high"), ASSESSMENT_RANGES)
def test_the_assessment_range_follows_the_offence_of_conviction(citation, level, low, high):
    from cases.models.court import assessment_range

    assert assessment_range(citation, level)[:2] == (low, high)


def test_a_felony_sentence_refuses_a_500_assessment_naming_the_range_and_why(
    count, wash_prosecutor
):
    charge_dispose(actor=wash_prosecutor, charge=count, disposition="convicted",
                   disposed_on=TODAY() - dt.timedelta(days=5))  # fmt: skip
    count.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        sentence_record(actor=wash_prosecutor, charge=count, sentenced_on=TODAY(),
                        assessment=Decimal("500"))  # fmt: skip
    assert raised.value.message_dict["assessment"] == [
        "For a felony conviction of 609.324 subd. 1(b) the assessment is $750 to $1,000 "
        "(Minn. Stat. 609.3241(a)) and cannot be waived; "
        "tick the indigence reduction to order less."
    ]
    assert not Sentence.objects.exists()


def test_a_public_place_patron_count_takes_500_to_750_and_the_page_says_so(
    client, case, wash_prosecutor
):
    from cases.models import Statute

    public_place = Statute.objects.get(citation="609.324 subd. 2")
    charging_decide(actor=wash_prosecutor, case=case, decision="charge",
                    charges=[ChargeInput(case.defendants.get(), public_place,
                                         TODAY() - dt.timedelta(days=20))])  # fmt: skip
    count = case.charges.get()
    charge_dispose(actor=wash_prosecutor, charge=count, disposition="convicted",
                   disposed_on=TODAY() - dt.timedelta(days=5))  # fmt: skip
    verified_login(client, wash_prosecutor)
    url = reverse("cases:sentence_new", args=[case.public_id, count.public_id])
    form = {"sentenced_on": TODAY().isoformat(), "custody_days": 0, "probation_months": 0,
            "fine": 0, "assessment_paid": 0, "installments": 1}  # fmt: skip
    page = client.get(url).content.decode()
    assert "$500 to $750 for a violation of 609.324 subd. 2" in page
    assert "Safe Harbor for Youth account" in page
    response = client.post(url, {**form, "assessment": 800})
    assert response.status_code == 200
    assert response.context["form"].errors["assessment"] == [
        "For a violation of 609.324 subd. 2 (gross misdemeanor conviction of 609.324 subd. 2) the "
        "assessment is $500 to $750 (Minn. Stat. 609.3241(a)) and cannot be waived; tick the "
        "indigence reduction to order less."
    ]
    assert client.post(url, {**form, "assessment": 500}).status_code == 302
    assert Sentence.objects.get(charge=count).assessment == Decimal("500")
