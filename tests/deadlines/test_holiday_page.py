"""Administrators see the computed legal holidays with the rule of 645.44 that made each."""

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory, verified_login

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-03 10:00 -06:00", tick=False)
def test_an_administrator_sees_the_holidays_of_the_years_around_this_one(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, admin)
    home = client.get(reverse("home")).content.decode()
    assert reverse("holidays") in home
    page = client.get(reverse("holidays"))
    assert page.status_code == 200
    html = page.content.decode()
    # Default range: last year to five years ahead.
    assert [year for year, _ in page.context["years"]] == list(range(2025, 2032))
    assert "Fri Jul 3, 2026" in html and "falls on Saturday, observed Friday" in html
    assert "Fri Dec 31, 2027" in html  # New Year's Day 2028 is a Saturday
    assert "Mon Oct 12, 2026" in html and "Indigenous Peoples Day" in html
    assert "645.44 subd. 5: falls on Sunday, observed Monday" in html  # Jul 5, 2027
    assert page.context["missing"] == 0  # the table the rules use has them all


def test_a_range_of_years_is_chosen_and_checked_next_to_the_field(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, admin)
    page = client.get(reverse("holidays"), {"first": 2033, "last": 2034})
    assert [year for year, _ in page.context["years"]] == [2033, 2034]
    # Beyond the seeded table: the page says those days are not counted by the rules yet.
    assert page.context["missing"] == len(page.context["years"][0][1]) + len(
        page.context["years"][1][1]
    )
    assert "not in the table the deadline rules count by" in page.content.decode()
    wrong = client.get(reverse("holidays"), {"first": 2030, "last": 2020})
    assert wrong.context["form"].errors["last"] == ["Choose a year from the first one on."]


def test_everyone_else_gets_404(client, wash_prosecutor, wash_supervisor):
    for user in (wash_prosecutor, wash_supervisor):
        verified_login(client, user)
        assert client.get(reverse("holidays")).status_code == 404
    client.logout()
    assert client.get(reverse("holidays")).status_code == 302  # to sign in
