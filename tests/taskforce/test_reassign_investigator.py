"""A police supervisor's Reassign page: the cases the county attorney owns that their departing
investigator leads, as far as the supervisor may see them, handed to a colleague of their own
department; the prosecutor's side stays the county attorney's."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from guardian.utils import get_user_obj_perms_model

from cases.models import Case
from cases.services.cases import case_create, case_defendant_add, case_investigator_hand_over
from cases.services.people import PersonData, person_create
from deadlines.services import deadline_schedule
from taskforce import access
from taskforce.models import AuditEvent, Reminder, ReminderStatus, Role, ShareLevel
from taskforce.services import membership_end
from tests.factories import member, verified_login
from tests.stings_fixtures import local_noon

pytestmark = pytest.mark.django_db
URL = reverse("reassign")
CANARY_TITLE = "State v. Quillfeather"
CANARY_NAME = "Zebulonsky"


@pytest.fixture
def sheriff_supervisor(sheriff):
    return member(sheriff, Role.SUPERVISOR, username="wcso_supervisor")


@pytest.fixture
def sheriff_colleague(sheriff):
    return member(sheriff, Role.POLICE_LIAISON, username="wcso_colleague")


@pytest.fixture
def seen_case(wash_prosecutor, sheriff_liaison, sheriff, wash_cao):
    """The county attorney's case the investigator leads, shared with the sheriff's office; the
    investigator answers for its charging deadline and is reminded of it."""
    case = case_create(
        actor=wash_prosecutor,
        number="27-CR-26-11",
        title="State v. Marsh",
        assigned_prosecutor=wash_prosecutor,
        lead_investigator=sheriff_liaison,
    )
    access.share(actor=wash_prosecutor, obj=case, to_agency=sheriff, level=ShareLevel.VIEW,
                 reason="Working the investigation together")  # fmt: skip
    deadline_schedule(obj=case, rule="charging_decision", event_at=local_noon(),
                      responsible_agency=wash_cao, responsible_user=sheriff_liaison,
                      actor=wash_prosecutor)  # fmt: skip
    return case


@pytest.fixture
def hidden_case(wash_prosecutor, sheriff_liaison):
    """Another case the investigator leads, never shared with the sheriff's office."""
    case = case_create(
        actor=wash_prosecutor,
        number="27-CR-26-12",
        title=CANARY_TITLE,
        assigned_prosecutor=wash_prosecutor,
        lead_investigator=sheriff_liaison,
    )
    defendant = person_create(
        actor=wash_prosecutor, data=PersonData(first_name="Ansel", last_name=CANARY_NAME)
    )
    case_defendant_add(case=case, person=defendant)
    return case


def page(client, person, **data):
    url = f"{URL}?person={person.username}"
    return client.post(url, data) if data else client.get(url)


def personal_grant(case, user):
    return get_user_obj_perms_model(Case).objects.filter(content_object=case, user=user).exists()


def seen_case_deadline(case):
    from deadlines.services import deadlines_of

    return deadlines_of(case).get()


def pending_for(user):
    return Reminder.objects.filter(recipient=user, status=ReminderStatus.PENDING)


def test_police_supervisor_hands_the_lead_on_a_county_attorney_case_to_a_colleague(
    sheriff_supervisor, sheriff_liaison, sheriff_colleague, wash_prosecutor, seen_case,
    hidden_case,
):  # fmt: skip
    assert pending_for(sheriff_liaison).exists()
    membership_end(membership=sheriff_liaison.membership)  # the investigator left the office
    client = verified_login(Client(), sheriff_supervisor)
    shown = page(client, sheriff_liaison)
    assert shown.status_code == 200
    [row] = shown.context["assignments"]
    assert (row.kind, row.record.pk) == ("investigator", seen_case.pk)
    assert [d.rule for d in row.deadlines] == ["charging_decision"]
    assert row.takers == [sheriff_colleague]
    html = shown.content.decode()
    assert "27-CR-26-11" in html and "Lead investigator" in html
    # The case the office may not see is not on the page: not its number, title or defendant.
    for canary in ("27-CR-26-12", CANARY_TITLE, CANARY_NAME, str(hidden_case.public_id)):
        assert canary not in html

    response = page(client, sheriff_liaison, assignment=[row.key], to=sheriff_colleague.username)
    assert response.status_code == 302
    assert "1 reassigned" in client.get(response.url).content.decode()
    seen_case.refresh_from_db()
    assert seen_case.lead_investigator == sheriff_colleague
    assert seen_case.assigned_prosecutor == wash_prosecutor  # the prosecutor's side untouched
    assert Case.objects.get(pk=hidden_case.pk).lead_investigator == sheriff_liaison
    # The grant went with the role; the deadline and its reminders followed it.
    assert personal_grant(seen_case, sheriff_colleague)
    assert not personal_grant(seen_case, sheriff_liaison)
    assert pending_for(sheriff_colleague).exists() and not pending_for(sheriff_liaison).exists()
    assert seen_case_deadline(seen_case).responsible_user == sheriff_colleague
    by_supervisor = AuditEvent.objects.filter(actor=sheriff_supervisor, target_id=seen_case.pk)
    assert {"case.changed", "access.unassigned", "access.assigned"} <= set(
        by_supervisor.values_list("action", flat=True)
    )
    summary = AuditEvent.objects.get(action="assignments.reassigned")
    assert summary.changes["records"] == [f"investigator:{seen_case.public_id}"]


def test_police_supervisor_cannot_change_the_prosecutor(
    sheriff_supervisor, sheriff_liaison, sheriff_colleague, wash_prosecutor, seen_case
):
    client = verified_login(Client(), sheriff_supervisor)
    forged = f"prosecutor:{seen_case.public_id}:{seen_case.version}"
    response = page(client, sheriff_liaison, assignment=[forged], to=sheriff_colleague.username)
    assert "changed hands since you opened it" in client.get(response.url).content.decode()
    seen_case.refresh_from_db()
    assert seen_case.assigned_prosecutor == wash_prosecutor
    assert seen_case.lead_investigator == sheriff_liaison
    # Nor through the services: they may only view the case.
    with pytest.raises(access.Forbidden):
        from cases.services.cases import case_update

        case_update(actor=sheriff_supervisor, case=seen_case, expected_version=seen_case.version,
                    data={"assigned_prosecutor": None})  # fmt: skip


def test_police_supervisor_gives_the_lead_only_to_their_own_investigators(
    sheriff_supervisor, sheriff_liaison, woodbury_liaison, seen_case, hidden_case
):
    client = verified_login(Client(), sheriff_supervisor)
    [row] = page(client, sheriff_liaison).context["assignments"]
    response = page(client, sheriff_liaison, assignment=[row.key],
                    **{f"to-{row.row}": woodbury_liaison.username})  # fmt: skip
    assert "Choose who takes" in client.get(response.url).content.decode()
    with pytest.raises(ValidationError, match="investigator of your agency"):
        case_investigator_hand_over(actor=sheriff_supervisor, case=seen_case,
                                    investigator=woodbury_liaison,
                                    expected_version=seen_case.version)  # fmt: skip
    # A case they may not see is missing to them, as for anyone.
    with pytest.raises(access.NotFound):
        case_investigator_hand_over(actor=sheriff_supervisor, case=hidden_case,
                                    investigator=woodbury_liaison,
                                    expected_version=hidden_case.version)  # fmt: skip
    assert set(Case.objects.values_list("lead_investigator", flat=True)) == {sheriff_liaison.pk}


def test_prosecutor_supervisor_hands_the_lead_only_to_a_police_investigator(
    wash_supervisor, wash_cao, sheriff_liaison, woodbury_liaison, seen_case
):
    prosecutor = member(wash_cao, Role.PROSECUTOR, username="wash_colleague")
    client = verified_login(Client(), wash_supervisor)
    shown = page(client, sheriff_liaison)  # not a member: the lead investigator of their case
    [row] = shown.context["assignments"]
    assert row.kind == "investigator" and woodbury_liaison in row.takers
    assert prosecutor not in row.takers
    response = page(client, sheriff_liaison, assignment=[row.key], to=prosecutor.username)
    followed = client.get(response.url).content.decode()
    assert "a lead investigator works for a police agency" in followed
    assert "Nothing was reassigned" in followed
    assert Case.objects.get(pk=seen_case.pk).lead_investigator == sheriff_liaison
    page(client, sheriff_liaison, assignment=[row.key],
         **{f"to-{row.row}": woodbury_liaison.username})  # fmt: skip
    seen_case.refresh_from_db()
    assert seen_case.lead_investigator == woodbury_liaison
    assert personal_grant(seen_case, woodbury_liaison)
    assert not personal_grant(seen_case, sheriff_liaison)


def test_another_agencys_supervisor_gets_404_for_the_investigator(
    sheriff_liaison, woodbury_pd, ramsey_cao, seen_case
):
    for agency, username in ((woodbury_pd, "wpd_supervisor"), (ramsey_cao, "rcao_supervisor")):
        supervisor = member(agency, Role.SUPERVISOR, username=username)
        client = verified_login(Client(), supervisor)
        assert page(client, sheriff_liaison).status_code == 404
    assert Case.objects.get(pk=seen_case.pk).lead_investigator == sheriff_liaison


def test_a_police_supervisors_home_lists_the_departed_investigators_cases_as_unassigned(
    sheriff_supervisor, sheriff_liaison, sheriff_colleague, seen_case, hidden_case
):
    client = verified_login(Client(), sheriff_supervisor)
    assert client.get(reverse("home")).context["left_behind"] == []
    membership_end(membership=sheriff_liaison.membership)  # the investigator left the office
    home = client.get(reverse("home"))
    [entry] = home.context["left_behind"]
    # One case: the one the office may see; the hidden one is neither counted nor named.
    assert entry["person"] == sheriff_liaison and "1 case" in entry["summary"]
    html = home.content.decode()
    for canary in ("27-CR-26-12", CANARY_TITLE, CANARY_NAME):
        assert canary not in html
    # Handed to a colleague, nothing is left behind.
    [row] = page(client, sheriff_liaison).context["assignments"]
    reassigned = page(client, sheriff_liaison, assignment=[row.key], to=sheriff_colleague.username)
    assert reassigned.status_code == 302
    assert client.get(reverse("home")).context["left_behind"] == []
