"""The home page: each role lands on its own, with navigation and plain empty states."""

import pytest
from django.urls import reverse

from tests.factories import verified_login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor", "heading", "empty_state"),
    [
        ("wash_prosecutor", "My caseload", "No cases are assigned to you yet."),
        ("woodbury_liaison", "Operations and arrests", "No operations yet."),
        ("advocate", "Referrals and follow-ups", "No new Safe Harbor referrals."),
        ("wash_supervisor", "Washington County Attorney", "Nothing is due this week."),
        ("coordinator", "Task force overview", "Task-force figures, last 12 months"),
    ],
)
def test_each_role_lands_on_its_own_home(client, request, actor, heading, empty_state):
    user = request.getfixturevalue(actor)
    verified_login(client, user)
    page = client.get(reverse("home")).content.decode()
    assert f"<h1>{heading}" in page
    assert empty_state in page
    assert user.membership.get_role_display() in page


def test_supervisor_sees_their_own_team_and_no_one_elses(
    client, wash_supervisor, wash_prosecutor, ramsey_prosecutor
):
    verified_login(client, wash_supervisor)
    team = client.get(reverse("home")).context["team"]
    assert {m.user for m in team} == {wash_supervisor, wash_prosecutor}


def test_a_deactivated_colleague_leaves_the_team_list(client, wash_supervisor, wash_prosecutor):
    wash_prosecutor.is_active = False
    wash_prosecutor.save()
    verified_login(client, wash_supervisor)
    team = client.get(reverse("home")).context["team"]
    assert [m.user for m in team] == [wash_supervisor]


def test_coordinator_sees_member_agencies_but_not_inactive_ones(
    client, coordinator, wash_cao, ramsey_cao
):
    ramsey_cao.is_active = False
    ramsey_cao.save()
    verified_login(client, coordinator)
    agencies = list(client.get(reverse("home")).context["agencies"])
    assert wash_cao in agencies
    assert ramsey_cao not in agencies


def test_a_user_without_an_agency_is_told_to_ask_an_administrator(client):
    from tests.factories import UserFactory

    verified_login(client, UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "Your account is not in an agency" in page


def test_pages_have_landmarks_a_skip_link_and_a_title(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert '<nav class="site-nav" aria-label="Main">' in page
    assert "<title>Home · Task Force Caseload</title>" in page


def test_static_files_are_served_by_the_app_not_a_cdn(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("home")).content.decode()
    assert "https://" not in page
    assert "/static/css/app" in page


def test_home_pages_start_the_day_with_real_work(client):
    """On the demo task force: the prosecutor's intake, the liaison's sting, nothing foreign."""
    from home.demo import seed_demo
    from taskforce.models import User

    seed_demo()
    verified_login(client, User.objects.get(username="wash_prosecutor"))
    context = client.get(reverse("home")).context
    assert context["intake_count"] == 3
    assert {h.to_agency.short_name for h in context["intake"]} == {"WCAO"}

    verified_login(client, User.objects.get(username="wcso_liaison"))
    page = client.get(reverse("home"))
    # The sheriff's own stings, newest first: the demo's two-week sweep of September leads.
    names = [op.name for op in page.context["operations"]]
    assert "Operation Northern Lights (demo)" in names and "Operation Guardian Angel" in names
    assert len(page.context["arrests"]) == 5

    verified_login(client, User.objects.get(username="oakdale_liaison"))
    page = client.get(reverse("home"))
    assert page.context["operations"] == [] and page.context["arrests"] == []
    assert "No operations yet." in page.content.decode()


@pytest.mark.parametrize("first", ["wash", "ramsey"])
def test_each_prosecution_home_shows_its_own_intake_whichever_was_compiled_first(
    client, sheriff_liaison, operation, make_arrests, wash_cao, ramsey_cao, wash_prosecutor,
    ramsey_prosecutor, first,
):  # fmt: skip
    """The intake panel's hand-offs are the policy's, kept compiled per person
    (`folded.kept_sql`): each agency's prosecutor sees the hand-offs to their own agency."""
    from cases.services.handoffs import handoff_create
    from taskforce import folded

    arrests = make_arrests(sheriff_liaison, operation, 3)
    handoff_create(actor=sheriff_liaison, arrests=arrests[:2], to_agency=wash_cao)
    handoff_create(actor=sheriff_liaison, arrests=arrests[2:], to_agency=ramsey_cao)
    folded._COMPILED.clear()
    people = {"wash": wash_prosecutor, "ramsey": ramsey_prosecutor}
    seen = {}
    for name in [first, "ramsey" if first == "wash" else "wash"]:
        verified_login(client, people[name])
        context = client.get(reverse("home")).context
        seen[name] = (context["intake_count"], {h.to_agency_id for h in context["intake"]},
                      len(context["intake"]))  # fmt: skip
    assert seen == {"wash": (2, {wash_cao.pk}, 2), "ramsey": (1, {ramsey_cao.pk}, 1)}
