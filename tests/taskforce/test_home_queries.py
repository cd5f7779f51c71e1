"""What a home page costs in queries, for each role, on the demo task force with work on its
panels: a fixed few, however many records the panels list (issue #22; the figures on the
million-case database come from bench/bench_pages.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from home.demo import seed_demo
from taskforce.models import User
from tests.factories import verified_login

pytestmark = pytest.mark.django_db

# The most each home may ask, counted on the demo data, the sign-in's own four reads included
# (the user, the second step's device, the membership, the unread notifications).
HOMES = {
    # intake (the first few and the count, decided row by row; then those few with what the
    # panel shows), my cases (rows, defendants), deadlines and their cases
    "wash_prosecutor": 10,
    # operations (one query for the page), arrests and their hand-offs, deadlines
    "wcso_liaison": 8,
    # referrals (the first ids in their order over every referral, then those rows with their
    # victims), deadlines
    "scv_advocate": 7,
    # a prosecutor's panels, access requests, work left behind (one query), the team
    "wash_supervisor": 12,
    "wcso_supervisor": 11,
    "scv_supervisor": 10,
}


def test_each_home_asks_a_fixed_few_queries(client):
    seed_demo()
    for username, most in HOMES.items():
        verified_login(client, User.objects.get(username=username))
        client.get(reverse("home"))  # the first request after signing in also starts the session
        with CaptureQueriesContext(connection) as seen:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert len(seen) <= most, (username, [q["sql"][:80] for q in seen.captured_queries])
    # The liaison's panels list rows: their count does not grow with them.
    verified_login(client, User.objects.get(username="wcso_liaison"))
    page = client.get(reverse("home")).context
    assert len(page["arrests"]) == 5 and len(page["operations"]) >= 2
