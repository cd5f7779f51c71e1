"""Membership changes take access away at once: moving agencies, leaving, deactivation."""

import pytest

from cases.models import Case
from cases.services.cases import case_create
from taskforce import access
from taskforce.models import Role
from taskforce.services import membership_end, membership_start
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def wash_case(wash_prosecutor):
    return case_create(actor=wash_prosecutor, number="26-CR-1", title="State v. Amos")


def test_a_prosecutor_who_moves_sees_the_new_agency_and_not_the_old(
    wash_case, wash_prosecutor, ramsey_cao, ramsey_prosecutor
):
    ramsey_case = case_create(actor=ramsey_prosecutor, number="R-9", title="State v. Bly")
    membership_start(user=wash_prosecutor, agency=ramsey_cao, role=Role.PROSECUTOR)
    assert list(access.visible(wash_prosecutor, Case)) == [ramsey_case]
    assert not access.can(wash_prosecutor, access.Action.VIEW, wash_case)


def test_leaving_the_agency_ends_access(wash_case, wash_prosecutor):
    membership_end(membership=wash_prosecutor.membership)
    assert not access.visible(wash_prosecutor, Case).exists()
    with pytest.raises(access.NotFound):
        access.require(wash_prosecutor, access.Action.VIEW, wash_case)


def test_deactivation_signs_the_user_out_and_ends_access(client, wash_case, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    wash_prosecutor.is_active = False
    wash_prosecutor.save()
    assert client.get("/cases/").status_code == 302  # back to the sign-in page
    assert not access.visible(wash_prosecutor, Case).exists()
