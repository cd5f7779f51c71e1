"""The admin is for administrators only; agencies and memberships are managed there."""

import pytest
from django.urls import reverse

from taskforce.models import Agency, AgencyKind, Membership, Role
from tests.factories import UserFactory, verified_login
from tests.stings_fixtures import local_noon

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    return UserFactory(is_staff=True, is_superuser=True)


def test_staff_flag_alone_does_not_open_the_admin(client, wash_supervisor):
    wash_supervisor.is_staff = True
    wash_supervisor.save()
    verified_login(client, wash_supervisor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_administrator_creates_an_agency_and_it_gets_a_group(client, administrator):
    verified_login(client, administrator)
    response = client.post(
        reverse("admin:taskforce_agency_add"),
        {
            "name": "Oakdale Police Department",
            "kind": AgencyKind.LAW_ENFORCEMENT,
            "is_active": "on",
            "charging_target_days": 30,
            "first_contact_days": 2,
            "follow_up_days": 14,
            "sign_in_method": "either",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(name="Oakdale Police Department")
    assert agency.group.name == f"agency:{agency.public_id}"


def test_administrator_adds_a_membership_and_the_role_is_checked(client, administrator, wash_cao):
    user = UserFactory()
    verified_login(client, administrator)
    url = reverse("admin:taskforce_membership_add")
    refused = client.post(
        url,
        {
            "user": user.pk,
            "agency": wash_cao.pk,
            "role": Role.ADVOCATE,
            "started_at_0": "2026-11-01",
            "started_at_1": "09:00",
        },
    )
    assert refused.status_code == 200
    assert "members can be" in refused.content.decode()
    assert not Membership.objects.exists()

    accepted = client.post(
        url,
        {
            "user": user.pk,
            "agency": wash_cao.pk,
            "role": Role.PROSECUTOR,
            "started_at_0": "2026-11-01",
            "started_at_1": "09:00",
        },
    )
    assert accepted.status_code == 302
    assert list(user.groups.all()) == [wash_cao.group]


def test_agency_changelist_lists_agencies(client, administrator, wash_cao, ramsey_cao):
    verified_login(client, administrator)
    page = client.get(reverse("admin:taskforce_agency_changelist")).content.decode()
    assert wash_cao.name.replace("'", "&#x27;") in page
    assert ramsey_cao.name.replace("'", "&#x27;") in page


def test_administrator_edits_statutes_and_counties_but_sees_no_protected_records(
    client, administrator
):
    from cases.models import Statute

    verified_login(client, administrator)
    statute = Statute.objects.get(citation="609.3243")
    response = client.post(
        reverse("admin:cases_statute_change", args=[statute.pk]),
        {"citation": "609.3243", "title": "Loitering with intent", "level": "misdemeanor",
         "is_trafficking_related": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    statute.refresh_from_db()
    assert (statute.title, statute.is_active) == ("Loitering with intent", False)
    assert client.get(reverse("admin:taskforce_county_changelist")).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    for protected in ("Cases", "Arrests", "People", "Operations", "Hand offs"):
        assert f">{protected}<" not in index


def _membership_form(membership, **changes) -> dict:
    return {"title": membership.title, **changes}


def test_ending_a_membership_in_the_admin_takes_back_the_persons_grants(
    client, administrator, wash_prosecutor, woodbury_liaison
):
    """The admin goes through the membership service: the group and the personal grants made
    to the person (a lead investigator's) end with the membership."""
    from cases.services.cases import case_create
    from taskforce import access

    case = case_create(
        actor=wash_prosecutor, number="26-CR-77", title="State v. Admin",
        lead_investigator=woodbury_liaison,
    )  # fmt: skip
    assert access.can(woodbury_liaison, access.Action.VIEW, case)
    membership = Membership.objects.get(user=woodbury_liaison, ended_at__isnull=True)
    # Noon tomorrow, typed as a local wall time: `now + 5 minutes` at 01:30 on the November DST
    # day is a time that happens twice, which the form rightly refuses as ambiguous.
    ends = local_noon(1)
    verified_login(client, administrator)
    before_start = client.post(
        reverse("admin:taskforce_membership_change", args=[membership.pk]),
        _membership_form(membership, ended_at_0="2020-01-01", ended_at_1="09:00"),
    )
    assert before_start.status_code == 200
    assert "cannot end before it started" in before_start.content.decode()
    response = client.post(
        reverse("admin:taskforce_membership_change", args=[membership.pk]),
        _membership_form(membership, ended_at_0=f"{ends:%Y-%m-%d}", ended_at_1=f"{ends:%H:%M}"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.ended_at is not None
    woodbury_liaison.refresh_from_db()
    assert not woodbury_liaison.groups.exists()
    from cases.models import CaseUserObjectPermission

    assert not CaseUserObjectPermission.objects.filter(user=woodbury_liaison).exists()


def test_the_admin_never_moves_a_membership_in_place_nor_deletes_one(
    client, administrator, wash_prosecutor, ramsey_cao
):
    membership = Membership.objects.get(user=wash_prosecutor)
    verified_login(client, administrator)
    url = reverse("admin:taskforce_membership_change", args=[membership.pk])
    response = client.post(
        url, _membership_form(membership, agency=ramsey_cao.pk, role=Role.SUPERVISOR)
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.agency_id, membership.role) == (wash_prosecutor.agency.pk, Role.PROSECUTOR)
    assert (
        client.post(
            reverse("admin:taskforce_membership_delete", args=[membership.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    user_page = client.get(reverse("admin:taskforce_user_change", args=[wash_prosecutor.pk]))
    assert 'name="memberships-0-agency"' not in user_page.content.decode()
