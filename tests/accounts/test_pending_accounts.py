"""Administrators find the accounts a first directory sign-in made (inactive, in no agency): a
filter on the people list and a count on the admin's first page (issue #23)."""

import pytest
from django.urls import reverse

from accounts import sso
from taskforce.models import Role
from taskforce.selectors import accounts_awaiting_approval
from taskforce.services import membership_end, membership_start
from tests.factories import UserFactory, member, verified_login

pytestmark = pytest.mark.django_db

WAITING = reverse("admin:taskforce_user_changelist") + "?approval=waiting"


@pytest.fixture
def administrator():
    return UserFactory(is_staff=True, is_superuser=True, username="county_admin")


def first_sign_in(sub: str, username: str):
    return sso.pending_account_create(claims={"sub": sub, "preferred_username": username})


@pytest.fixture
def people(woodbury_pd):
    """Two people waiting, and four who are not: approved, disabled after a membership, an
    inactive password account, an active directory account."""
    waiting = [first_sign_in("sub-dana", "dana.lee"), first_sign_in("sub-ari", "ari.moss")]
    approved = first_sign_in("sub-kim", "kim.ng")
    membership_start(user=approved, agency=woodbury_pd, role=Role.POLICE_LIAISON)
    sso.account_approve(actor=None, account=approved)
    left = member(woodbury_pd, Role.POLICE_LIAISON, username="left.agency", oidc_subject="sub-x")
    membership_end(membership=left.memberships.get())
    left.is_active = False
    left.save()
    UserFactory(username="password.only", is_active=False)
    UserFactory(username="active.sso", oidc_subject="sub-y")
    return waiting


def listed_usernames(page) -> set[str]:
    return {user.username for user in page.context["cl"].result_list}


def test_the_people_list_filters_accounts_waiting_for_a_membership(client, administrator, people):
    verified_login(client, administrator)

    page = client.get(WAITING)

    assert page.status_code == 200
    assert listed_usernames(page) == {"dana.lee", "ari.moss"}
    assert "Waiting for a membership" in page.content.decode()
    everyone = listed_usernames(client.get(reverse("admin:taskforce_user_changelist")))
    assert {"kim.ng", "left.agency", "password.only", "active.sso"} <= everyone


def test_an_approved_account_leaves_the_list(client, administrator, people, woodbury_pd):
    dana = people[0]
    membership_start(user=dana, agency=woodbury_pd, role=Role.POLICE_LIAISON)
    sso.account_approve(actor=administrator, account=dana)
    verified_login(client, administrator)
    assert listed_usernames(client.get(WAITING)) == {"ari.moss"}
    assert list(accounts_awaiting_approval()) == [people[1]]


def test_the_admin_index_counts_them_and_links_to_the_list(client, administrator, people):
    verified_login(client, administrator)
    page = client.get(reverse("admin:index")).content.decode()
    assert "2 accounts are waiting for a membership" in page
    assert f'href="{WAITING}"' in page


def test_the_admin_index_says_nothing_when_nobody_waits(client, administrator):
    verified_login(client, administrator)
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "waiting for a membership" not in page.content.decode()


def test_every_account_waiting_is_one_is_awaiting_approval_and_none_other(people):
    from taskforce.models import User

    waiting = set(accounts_awaiting_approval())
    assert waiting == {user for user in User.objects.all() if user.is_awaiting_approval}


def test_a_supervisor_with_the_staff_flag_sees_neither_list_nor_count(
    client, wash_supervisor, people
):
    wash_supervisor.is_staff = True
    wash_supervisor.save()
    verified_login(client, wash_supervisor)
    for url in (WAITING, reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
