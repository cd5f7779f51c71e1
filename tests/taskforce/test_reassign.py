"""The supervisor's Reassign page: one person's open assignments, handed to a colleague at once,
with reminders following and nothing saved when one record was saved meanwhile."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services.cases import case_create, case_update
from cases.services.court import court_event_schedule
from home.reassign import left_behind
from referrals.services import referral_assign
from taskforce import folded
from taskforce.models import AuditEvent, Reminder, ReminderStatus, Role
from taskforce.services import membership_end
from tests.factories import member, verified_login

pytestmark = pytest.mark.django_db
URL = reverse("reassign")


@pytest.fixture
def colleague(wash_cao):
    return member(wash_cao, Role.PROSECUTOR, username="wash_colleague")


@pytest.fixture
def two_cases(wash_prosecutor):
    return [
        case_create(
            actor=wash_prosecutor, number=f"27-CR-26-{n}", assigned_prosecutor=wash_prosecutor
        )
        for n in (1, 2)
    ]


def hearing(case, actor):
    starts_at = timezone.now() + dt.timedelta(days=20)
    return court_event_schedule(
        actor=actor, case=case, kind="first_appearance", starts_at=starts_at
    )


def pending_for(user):
    return Reminder.objects.filter(recipient=user, status=ReminderStatus.PENDING)


def page(client, person, **data):
    url = f"{URL}?person={person.username}"
    return client.post(url, data) if data else client.get(url)


def test_supervisor_hands_a_prosecutors_cases_to_a_colleague(
    wash_supervisor, wash_prosecutor, colleague, two_cases
):
    hearing(two_cases[0], wash_prosecutor)
    assert pending_for(wash_prosecutor).exists() and not pending_for(colleague).exists()
    client = verified_login(Client(), wash_supervisor)
    response = page(client, wash_prosecutor)
    keys = [a.key for a in response.context["assignments"]]
    assert len(keys) == 2
    assert colleague in response.context["colleagues"]
    response = page(client, wash_prosecutor, assignment=keys, to=colleague.username)
    assert response.status_code == 302
    assert set(Case.objects.values_list("assigned_prosecutor", flat=True)) == {colleague.pk}
    # The hearing reminds the new prosecutor now; the old one's reminders are skipped.
    assert not pending_for(wash_prosecutor).exists() and pending_for(colleague).exists()
    summary = AuditEvent.objects.get(action="assignments.reassigned")
    assert summary.changes["to"] == colleague.username and len(summary.changes["records"]) == 2
    assert (
        AuditEvent.objects.filter(
            action__endswith="changed", target_id__in=[c.pk for c in two_cases]
        ).count()
        >= 2
    )


def test_some_only(wash_supervisor, wash_prosecutor, colleague, two_cases):
    client = verified_login(Client(), wash_supervisor)
    keys = [a.key for a in page(client, wash_prosecutor).context["assignments"]]
    page(client, wash_prosecutor, assignment=keys[:1], to=colleague.username)
    assert sorted(Case.objects.values_list("assigned_prosecutor", flat=True)) == sorted(
        [colleague.pk, wash_prosecutor.pk]
    )


def test_one_stale_record_and_nothing_changes(
    wash_supervisor, wash_prosecutor, colleague, two_cases
):
    hearing(two_cases[0], wash_prosecutor)
    client = verified_login(Client(), wash_supervisor)
    keys = [a.key for a in page(client, wash_prosecutor).context["assignments"]]
    # Someone saves the second case after the page was shown.
    second = Case.objects.get(pk=two_cases[1].pk)
    case_update(actor=wash_prosecutor, case=second, expected_version=second.version,
                data={"title": "Renamed"})  # fmt: skip
    response = page(client, wash_prosecutor, assignment=keys, to=colleague.username)
    assert set(Case.objects.values_list("assigned_prosecutor", flat=True)) == {wash_prosecutor.pk}
    assert pending_for(wash_prosecutor).exists() and not pending_for(colleague).exists()
    assert not AuditEvent.objects.filter(action="assignments.reassigned").exists()
    followed = client.get(response.url)
    assert "nothing was reassigned" in followed.content.decode().lower()


def test_an_advocates_referral_goes_to_another_advocate(
    referral, advocate, advocate_supervisor, advocacy_center
):
    other = member(advocacy_center, Role.ADVOCATE, username="scv_other")
    referral_assign(actor=advocate_supervisor, referral=referral, advocate=advocate)
    client = verified_login(Client(), advocate_supervisor)
    [assignment] = page(client, advocate).context["assignments"]
    assert assignment.kind == "advocate"
    page(client, advocate, assignment=[assignment.key], to=other.username)
    referral.refresh_from_db()
    assert referral.assigned_advocate == other


def test_a_former_member_is_listed_and_another_agencys_records_are_not(
    wash_supervisor, wash_prosecutor, colleague, two_cases, ramsey_cao
):
    ramsey_supervisor = member(ramsey_cao, Role.SUPERVISOR, username="ramsey_supervisor")
    client = verified_login(Client(), ramsey_supervisor)
    assert page(client, wash_prosecutor).status_code == 404
    membership_end(membership=wash_prosecutor.membership)
    client = verified_login(Client(), wash_supervisor)
    response = page(client, wash_prosecutor)
    assert response.context["person"] == wash_prosecutor
    assert len(response.context["assignments"]) == 2


def test_only_supervisors_see_the_page(wash_prosecutor, ramsey_cao, two_cases, colleague):
    assert verified_login(Client(), wash_prosecutor).get(URL).status_code == 404
    ramsey_supervisor = member(ramsey_cao, Role.SUPERVISOR, username="ramsey_supervisor")
    client = verified_login(Client(), ramsey_supervisor)
    response = page(client, wash_prosecutor, assignment=["prosecutor:x:1"], to=colleague.username)
    assert response.status_code == 404  # the person is not theirs: as if missing, no change
    assert set(Case.objects.values_list("assigned_prosecutor", flat=True)) == {wash_prosecutor.pk}


def test_rows_go_to_different_colleagues_in_one_go(
    wash_supervisor, wash_prosecutor, colleague, two_cases, wash_cao
):
    third = member(wash_cao, Role.PROSECUTOR, username="wash_third")
    hearing(two_cases[0], wash_prosecutor)
    client = verified_login(Client(), wash_supervisor)
    shown = page(client, wash_prosecutor)
    first, second = shown.context["assignments"]
    # The page lists what follows each record: its open deadline and pending reminders.
    assert [d.rule for d in first.deadlines] and first.reminders >= 1
    html = shown.content.decode()
    assert first.deadlines[0].title in html and "27-CR-26-1" in html
    page(client, wash_prosecutor, assignment=[first.key, second.key],
         **{f"to-{second.row}": third.username}, to=colleague.username)  # fmt: skip
    assert Case.objects.get(pk=two_cases[0].pk).assigned_prosecutor == colleague
    assert Case.objects.get(pk=two_cases[1].pk).assigned_prosecutor == third
    assert pending_for(colleague).exists() and not pending_for(wash_prosecutor).exists()
    summaries = AuditEvent.objects.filter(action="assignments.reassigned")
    assert {e.changes["to"]: len(e.changes["records"]) for e in summaries} == {
        colleague.username: 1,
        third.username: 1,
    }


def test_a_row_without_anyone_to_take_it_saves_nothing(
    wash_supervisor, wash_prosecutor, colleague, two_cases
):
    client = verified_login(Client(), wash_supervisor)
    first, second = page(client, wash_prosecutor).context["assignments"]
    response = page(client, wash_prosecutor, assignment=[first.key, second.key],
                    **{f"to-{first.row}": colleague.username})  # fmt: skip
    assert "Choose who takes Case 27-CR-26-2" in client.get(response.url).content.decode()
    assert set(Case.objects.values_list("assigned_prosecutor", flat=True)) == {wash_prosecutor.pk}
    assert not AuditEvent.objects.filter(action="assignments.reassigned").exists()


def test_work_left_by_someone_who_moved_shows_as_unassigned_until_reassigned(
    wash_supervisor, wash_prosecutor, colleague, two_cases, ramsey_cao
):
    client = verified_login(Client(), wash_supervisor)
    assert "Unassigned:" not in client.get(reverse("home")).content.decode()
    # She leaves: her Washington cases still name her.
    membership_end(membership=wash_prosecutor.membership)
    home = client.get(reverse("home")).content.decode()
    assert "Unassigned:" in home and "2 cases" in home
    assert f"?person={wash_prosecutor.username}" in home
    keys = [a.key for a in page(client, wash_prosecutor).context["assignments"]]
    page(client, wash_prosecutor, assignment=keys, to=colleague.username)
    assert "Unassigned:" not in client.get(reverse("home")).content.decode()
    # Another agency's supervisor never sees Washington's unassigned work.
    ramsey_supervisor = member(ramsey_cao, Role.SUPERVISOR, username="ramsey_supervisor")
    membership_end(membership=colleague.membership)
    other = verified_login(Client(), ramsey_supervisor).get(reverse("home")).content.decode()
    assert "Unassigned:" not in other


def test_a_victim_record_has_an_advocate_who_can_be_replaced(
    referral, advocate, advocate_supervisor, advocacy_center
):
    from referrals.services import referral_open_victim, referral_transition
    from victims.models import Victim

    other = member(advocacy_center, Role.ADVOCATE, username="scv_other")
    referral_assign(actor=advocate_supervisor, referral=referral, advocate=advocate)
    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    # Opened by the supervisor, the record takes the referral's advocate.
    victim = referral_open_victim(actor=advocate_supervisor, referral=referral,
                                  identified_how="sting", guardian_note="Mother")  # fmt: skip
    assert victim.assigned_advocate == advocate
    client = verified_login(Client(), advocate_supervisor)
    shown = page(client, advocate)
    kinds = {a.kind: a for a in shown.context["assignments"]}
    assert set(kinds) == {"advocate", "victim"}
    assert "Victim record" in shown.content.decode()
    page(client, advocate, assignment=[kinds["victim"].key], to=other.username)
    victim = Victim.objects.get(pk=victim.pk)
    assert victim.assigned_advocate == other
    assert AuditEvent.objects.filter(action="victim.changed", target_id=victim.pk).exists()
    # The advocate leaves: her referral shows as unassigned work; the victim record went on.
    membership_end(membership=advocate.membership)
    home = client.get(reverse("home")).content.decode()
    # Read inside the notice: the advocacy home also links "Import victim records".
    unassigned = home.split("<strong>Unassigned:</strong>", 1)[1].split("</div>", 1)[0]
    assert "1 referral" in unassigned and "victim record" not in unassigned
    detail = client.get(reverse("victims:detail", args=[victim.public_id])).content.decode()
    assert other.display_name() in detail


@pytest.mark.parametrize("first", ["wash", "ramsey"])
def test_the_homes_left_behind_list_compiled_once_lists_each_agencys_own(
    wash_supervisor, wash_prosecutor, two_cases, ramsey_cao, ramsey_prosecutor, first
):
    """`left_behind`'s SQL is compiled once for every agency, the agency put in at each use
    (`folded.kept_sql`): whichever supervisor's home is read first, each lists the person who
    left their own agency, never the other's."""
    ramsey_case = case_create(actor=ramsey_prosecutor, number="62-CR-26-9",
                              assigned_prosecutor=ramsey_prosecutor)  # fmt: skip
    assert ramsey_case.assigned_prosecutor == ramsey_prosecutor
    ramsey_supervisor = member(ramsey_cao, Role.SUPERVISOR, username="ramsey_supervisor")
    membership_end(membership=wash_prosecutor.membership)
    membership_end(membership=ramsey_prosecutor.membership)
    folded._COMPILED.clear()
    supervisors = {"wash": wash_supervisor, "ramsey": ramsey_supervisor}
    order = [first, "ramsey" if first == "wash" else "wash"]
    listed = {}
    for name in order:
        supervisor = supervisors[name]
        rows = left_behind(supervisor.membership.agency_id, supervisor)
        listed[name] = [(row["person"], row["summary"]) for row in rows]
    assert listed == {
        "wash": [(wash_prosecutor, "2 cases")],
        "ramsey": [(ramsey_prosecutor, "1 case")],
    }
    assert len([key for key in folded._COMPILED if "left_behind" in key]) == 1
