"""Demo data: a realistic task force, one user per role per kind of agency, safe to seed twice."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from home.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
from taskforce.models import ROLES_BY_AGENCY_KIND, Agency, Membership, User

pytestmark = pytest.mark.django_db


def snapshot():
    from cases.models import Arrest, Case, HandOff, Operation

    return (
        [model.objects.count() for model in (Operation, Arrest, Case, HandOff)],
        sorted(Agency.objects.values_list("name", "kind", "updated_at")),
        sorted(User.objects.values_list("username", "password", "last_login")),
        sorted(
            Membership.objects.values_list("user__username", "agency__name", "role", "started_at")
        ),
    )


def test_seeding_twice_changes_nothing():
    first = seed_demo()
    before = snapshot()
    second = seed_demo()
    assert first.changed_anything
    assert not second.changed_anything
    assert snapshot() == before


def test_every_role_of_every_kind_of_agency_has_a_demo_login():
    seed_demo()
    present = set(
        Membership.objects.filter(ended_at__isnull=True).values_list("agency__kind", "role")
    )
    expected = {(kind, role) for kind, roles in ROLES_BY_AGENCY_KIND.items() for role in roles}
    assert expected <= present


def test_demo_logins_work_with_the_documented_password(client):
    seed_demo()
    for spec in DEMO_USERS[:3]:
        response = client.post(
            reverse("login"), {"username": spec.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, spec.username
        client.logout()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)


def test_seeding_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to seed"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_the_readme_lists_every_demo_login():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for spec in DEMO_USERS:
        assert f"`{spec.username}`" in readme
    assert DEMO_PASSWORD in readme


def test_the_demo_sting_is_shared_as_a_real_one_would_be():
    from cases.models import Arrest, Operation
    from taskforce import access

    seed_demo()
    users = {u.username: u for u in User.objects.all()}
    operation = Operation.objects.get()
    assert access.can(users["woodbury_liaison"], access.Action.VIEW, operation)
    assert not access.can(users["oakdale_liaison"], access.Action.VIEW, operation)
    assert access.visible(users["wash_prosecutor"], Arrest).count() == 3
    assert access.visible(users["ramsey_prosecutor"], Arrest).count() == 1
    assert not access.visible(users["scv_advocate"], Arrest).exists()


def test_the_west_central_region_has_its_nineteen_counties_and_navigator():
    from referrals.models import Region

    seed_demo()
    region = Region.objects.get(name="West Central")
    assert region.counties.count() == 19
    assert region.navigator.short_name == "WC Navigator"
