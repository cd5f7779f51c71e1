"""Prosecution: the status machine, the charging decision, and counts kept as a history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseStatusChange, Charge, ChargingDecision, Statute
from cases.services.cases import case_create, case_delete, case_transition, case_update
from cases.services.charges import (
    ChargeInput,
    charge_amend,
    charge_dispose,
    charge_file,
    charging_decide,
)
from cases.services.handoffs import handoff_create
from taskforce import access
from taskforce.models import AuditEvent, Role
from tests.factories import AgencyFactory, member, verified_login

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def intake_case(sheriff_liaison, operation, make_arrests, wash_cao):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    [handoff] = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    return handoff.case


@pytest.fixture
def defendant(intake_case):
    return intake_case.defendants.get()


@pytest.fixture
def solicitation(db):
    return Statute.objects.get(citation="609.352 subd. 2a")


def test_a_handed_off_case_arrives_with_its_defendant_kind_and_history(intake_case, defendant):
    assert intake_case.kind == "buyer"
    assert intake_case.county.name == "Washington"
    assert defendant.last_name == "Buyer01"
    [opened] = CaseStatusChange.objects.filter(case=intake_case)
    assert (opened.from_status, opened.to_status) == ("", "intake")


def test_charging_files_the_first_count_and_moves_the_case(
    client, intake_case, defendant, patron_13_15, wash_prosecutor
):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:decide", args=[intake_case.public_id]),
        {"decision": "charge", "defendant": defendant.pk, "statute": patron_13_15.pk,
         "filed_on": TODAY().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    intake_case.refresh_from_db()
    assert intake_case.status == "charged"
    [count] = Charge.objects.filter(case=intake_case)
    assert (count.count_number, count.level, count.statute) == (1, "felony", patron_13_15)
    assert ChargingDecision.objects.get(case=intake_case).decision == "charge"
    steps = list(intake_case.status_changes.values_list("from_status", "to_status"))
    assert steps == [("", "intake"), ("intake", "charged")]
    assert AuditEvent.objects.filter(action="case.charging_decision").exists()


def test_charging_needs_a_count_beside_its_fields(client, intake_case, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:decide", args=[intake_case.public_id]), {"decision": "charge"}
    )
    errors = response.context["form"].errors
    assert errors["defendant"] == ["Needed to charge."] and errors["statute"] == [
        "Needed to charge."
    ]
    intake_case.refresh_from_db()
    assert intake_case.status == "intake"


def test_declining_needs_a_reason_and_keeps_it(intake_case, wash_prosecutor):
    with pytest.raises(ValidationError) as raised:
        charging_decide(actor=wash_prosecutor, case=intake_case, decision="decline")
    assert "reason" in raised.value.message_dict
    assert not ChargingDecision.objects.exists()
    charging_decide(
        actor=wash_prosecutor, case=intake_case, decision="decline", reason="Insufficient evidence"
    )
    intake_case.refresh_from_db()
    assert intake_case.status == "declined"
    assert intake_case.status_changes.last().reason == "Insufficient evidence"
    with pytest.raises(ValidationError, match="already has a charging decision"):
        charging_decide(actor=wash_prosecutor, case=intake_case, decision="decline", reason="Again")


def test_referring_shares_the_case_with_the_other_office(
    intake_case, wash_prosecutor, ramsey_cao, ramsey_prosecutor
):
    charging_decide(
        actor=wash_prosecutor,
        case=intake_case,
        decision="refer",
        reason="Solicitation happened in Saint Paul",
        referred_to=ramsey_cao,
    )
    intake_case.refresh_from_db()
    assert intake_case.status == "declined"
    assert access.can(ramsey_prosecutor, access.Action.VIEW, intake_case)
    assert not access.can(ramsey_prosecutor, access.Action.CHANGE, intake_case)


def test_an_impossible_step_is_refused_with_the_possible_ones(client, intake_case, wash_prosecutor):
    with pytest.raises(ValidationError) as raised:
        case_transition(actor=wash_prosecutor, case=intake_case, to_status="sentenced")
    assert "can go to: under review, charged, declined" in str(raised.value)
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:move", args=[intake_case.public_id]), {"to_status": "trial"}, follow=True
    )
    assert "Choose where the case goes next." in response.content.decode()
    intake_case.refresh_from_db()
    assert intake_case.status == "intake"


def test_counts_are_amended_and_disposed_but_never_erased(
    intake_case, defendant, patron_13_15, solicitation, wash_prosecutor
):
    charging_decide(
        actor=wash_prosecutor,
        case=intake_case,
        decision="charge",
        charges=[ChargeInput(defendant, patron_13_15, TODAY() - dt.timedelta(days=10))],
    )
    [original] = Charge.objects.all()
    amended = charge_amend(
        actor=wash_prosecutor, charge=original, statute=solicitation, amended_on=TODAY()
    )
    original.refresh_from_db()
    assert (original.status, original.amended_to) == ("amended", amended)
    assert amended.count_number == original.count_number == 1
    second = charge_file(
        actor=wash_prosecutor,
        case=intake_case,
        charge=ChargeInput(defendant, patron_13_15, TODAY()),
    )
    assert second.count_number == 2

    with pytest.raises(ValidationError, match="needs its date"):
        charge_dispose(
            actor=wash_prosecutor, charge=amended, disposition="dismissed", disposed_on=None
        )
    with pytest.raises(ValidationError, match="before"):
        charge_dispose(
            actor=wash_prosecutor,
            charge=amended,
            disposition="dismissed",
            disposed_on=TODAY() - dt.timedelta(days=30),
        )
    charge_dispose(
        actor=wash_prosecutor, charge=amended, disposition="pleaded_lesser", disposed_on=TODAY()
    )
    with pytest.raises(ValidationError, match="no longer active"):
        charge_dispose(
            actor=wash_prosecutor, charge=amended, disposition="dismissed", disposed_on=TODAY()
        )
    assert Charge.objects.filter(case=intake_case).count() == 3


def test_the_lead_investigator_sees_the_case_until_replaced(
    wash_prosecutor, sheriff_liaison, woodbury_liaison_user
):
    case = case_create(
        actor=wash_prosecutor,
        number="26-CR-9",
        title="State v. Vale",
        lead_investigator=sheriff_liaison,
    )
    assert access.can(sheriff_liaison, access.Action.VIEW, case)
    assert not access.can(sheriff_liaison, access.Action.CHANGE, case)
    case_update(
        actor=wash_prosecutor,
        case=case,
        expected_version=case.version,
        data={"lead_investigator": woodbury_liaison_user},
    )
    assert not access.can(sheriff_liaison, access.Action.VIEW, case)
    assert access.can(woodbury_liaison_user, access.Action.VIEW, case)


def test_a_case_that_came_from_police_is_declined_not_deleted(client, intake_case, wash_supervisor):
    with pytest.raises(ValidationError, match="decline or close it instead"):
        case_delete(actor=wash_supervisor, case=intake_case, reason="Entered twice")
    verified_login(client, wash_supervisor)
    response = client.post(
        reverse("cases:delete", args=[intake_case.public_id]), {"reason": "Entered twice"}
    )
    assert response.status_code == 200
    assert "decline or close it instead" in response.content.decode()
    assert Case.objects.filter(pk=intake_case.pk).exists()


def test_the_timeline_tells_the_story_in_order(
    client, intake_case, defendant, patron_13_15, wash_prosecutor
):
    charging_decide(
        actor=wash_prosecutor,
        case=intake_case,
        decision="charge",
        charges=[ChargeInput(defendant, patron_13_15, TODAY())],
    )
    verified_login(client, wash_prosecutor)
    timeline = client.get(reverse("cases:detail", args=[intake_case.public_id])).context["timeline"]
    whats = [entry.what for entry in timeline]
    assert whats[0] == "Opened in intake"  # the hand-off opened it, in the same moment
    assert whats[1].startswith("Handed off by Washington County Sheriff")
    assert "Decision: Charge" in whats
    assert "Count 1 filed: 609.324 subd. 1(b)" in whats
    assert "Intake → Charged" in whats


def test_the_case_page_links_the_arrests_it_came_from(client, intake_case, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    arrests = client.get(reverse("cases:detail", args=[intake_case.public_id])).context["arrests"]
    assert [a.arrestee.last_name for a in arrests] == ["Buyer01"]


def test_replacing_the_lead_investigator_on_the_edit_page_ends_the_old_ones_access(
    client, wash_prosecutor, sheriff_liaison, woodbury_liaison_user
):
    """The edit form has already put the new investigator on the case object when the service
    runs: the grant to revoke is read from the stored case, not from that object."""
    case = case_create(
        actor=wash_prosecutor, number="26-CR-10", title="State v. Lind",
        lead_investigator=sheriff_liaison,
    )  # fmt: skip
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:edit", args=[case.public_id]),
        {"number": case.number, "title": case.title, "kind": case.kind,
         "lead_investigator": woodbury_liaison_user.pk, "version": case.version},
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_investigator == woodbury_liaison_user
    assert access.can(woodbury_liaison_user, access.Action.VIEW, case)
    assert not access.can(sheriff_liaison, access.Action.VIEW, case)
    assert AuditEvent.objects.filter(action="access.unassigned", target_id=case.pk).exists()


def test_the_edit_page_offers_only_investigators_of_agencies_involved_in_the_case(
    client, intake_case, wash_prosecutor, sheriff_liaison, make_arrests, wash_cao,
    woodbury_pd, woodbury_liaison, shared_sting,
):  # fmt: skip
    """The list holds the county's police, the agencies that hand off arrests to the office,
    those the case is shared with, and the current investigator; a liaison of another county's
    agency is neither offered nor accepted, and the refusal shows next to the field (#22)."""
    elsewhere = AgencyFactory(name="Duluth Police Department", county="St. Louis")
    woodbury_pd.county = "Hennepin"  # outside the county, but it hands off to the office
    woodbury_pd.save()
    [arrest] = make_arrests(woodbury_liaison, shared_sting, 1, start=2)
    handoff_create(actor=woodbury_liaison, arrests=[arrest], to_agency=wash_cao)
    stranger = member(elsewhere, Role.POLICE_LIAISON, username="duluth_liaison")
    partner = member(
        AgencyFactory(name="Hennepin County Sheriff", county="Hennepin"),
        Role.POLICE_LIAISON,
        username="hennepin_liaison",
    )
    access.share(
        actor=wash_prosecutor, obj=intake_case, to_agency=partner.agency, reason="Joint sting"
    )
    verified_login(client, wash_prosecutor)
    url = reverse("cases:edit", args=[intake_case.public_id])
    offered = set(client.get(url).context["form"].fields["lead_investigator"].queryset)
    assert sheriff_liaison in offered and partner in offered
    assert woodbury_liaison in offered
    assert stranger not in offered
    response = client.post(
        url,
        {"number": intake_case.number, "title": "", "kind": intake_case.kind,
         "lead_investigator": stranger.pk, "version": intake_case.version},
    )  # fmt: skip
    assert response.status_code == 200
    assert "lead_investigator" in response.context["form"].errors
    assert Case.objects.get(pk=intake_case.pk).lead_investigator_id is None
