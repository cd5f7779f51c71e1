"""Memberships: one agency and role at a time, with the agency's Group kept in step."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from taskforce.models import Agency, AgencyKind, Membership, Role
from taskforce.services import membership_end, membership_start
from tests.factories import AgencyFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_every_agency_gets_its_own_group():
    first = AgencyFactory()
    second = AgencyFactory()
    assert first.group.pk != second.group.pk
    assert Agency.objects.get(group=first.group) == first


def test_joining_an_agency_puts_the_user_in_its_group(wash_cao):
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    assert list(prosecutor.groups.all()) == [wash_cao.group]
    assert prosecutor.agency == wash_cao
    assert prosecutor.role == Role.PROSECUTOR


def test_moving_to_another_agency_leaves_the_old_group_at_once(wash_cao, ramsey_cao):
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    membership_start(user=prosecutor, agency=ramsey_cao, role=Role.PROSECUTOR)

    assert list(prosecutor.groups.all()) == [ramsey_cao.group]
    history = Membership.objects.filter(user=prosecutor).order_by("started_at", "pk")
    assert [m.agency for m in history] == [wash_cao, ramsey_cao]
    assert history[0].ended_at is not None
    assert history[1].ended_at is None


def test_ending_a_membership_removes_the_group(wash_cao):
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    membership_end(membership=prosecutor.membership)
    prosecutor.refresh_from_db()
    assert not prosecutor.groups.exists()
    assert prosecutor.membership is None
    assert prosecutor.agency is None


def test_deleting_a_membership_in_the_admin_way_also_removes_the_group(wash_cao):
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    Membership.objects.get(user=prosecutor).delete()
    assert not prosecutor.groups.exists()


def test_groups_that_are_not_agencies_are_left_alone(wash_cao, ramsey_cao):
    from django.contrib.auth.models import Group

    reviewers = Group.objects.create(name="release-notes-reviewers")
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    prosecutor.groups.add(reviewers)
    membership_start(user=prosecutor, agency=ramsey_cao, role=Role.PROSECUTOR)
    assert set(prosecutor.groups.all()) == {reviewers, ramsey_cao.group}


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (AgencyKind.LAW_ENFORCEMENT, Role.PROSECUTOR),
        (AgencyKind.PROSECUTION, Role.ADVOCATE),
        (AgencyKind.VICTIM_SERVICES, Role.POLICE_LIAISON),
        (AgencyKind.PROSECUTION, Role.COORDINATOR),
    ],
)
def test_a_role_must_fit_the_kind_of_agency(kind, role):
    agency = AgencyFactory(kind=kind)
    user = UserFactory()
    with pytest.raises(ValidationError) as raised:
        membership_start(user=user, agency=agency, role=role)
    assert "role" in raised.value.message_dict
    assert not Membership.objects.filter(user=user).exists()
    assert not user.groups.exists()


def test_supervisors_fit_every_kind_of_agency():
    for kind in AgencyKind.values:
        user = member(AgencyFactory(kind=kind), Role.SUPERVISOR)
        assert user.role == Role.SUPERVISOR


def test_the_database_refuses_two_current_memberships(wash_cao, ramsey_cao):
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=prosecutor, agency=ramsey_cao, role=Role.PROSECUTOR)


def test_an_inactive_agency_gives_its_members_no_current_membership(wash_cao):
    prosecutor = member(wash_cao, Role.PROSECUTOR)
    wash_cao.is_active = False
    wash_cao.save()
    prosecutor.refresh_from_db()
    assert prosecutor.membership is None
