"""Sessions end after 30 minutes idle and 12 hours in all; sign out everywhere; accounts unused
for 90 days are disabled (CJIS 5.9.5), on a frozen clock."""

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import tasks
from taskforce.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory, verified_login

pytestmark = pytest.mark.django_db


def minutes(n):
    return timezone.timedelta(minutes=n)


def test_thirty_minutes_idle_ends_the_session(client, wash_prosecutor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        verified_login(client, wash_prosecutor)
        clock.move_to(start + minutes(29))
        assert client.get(reverse("home")).status_code == 200  # activity slides the window
        clock.move_to(start + minutes(29 + 29))
        assert client.get(reverse("home")).status_code == 200
        clock.move_to(start + minutes(29 + 29 + 31))
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_active_session_is_read_from_the_cache_and_saved_at_most_once_a_minute(
    client, wash_prosecutor
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        verified_login(client, wash_prosecutor)
        clock.move_to(start + timezone.timedelta(seconds=61))
        client.get(reverse("home"))
        clock.move_to(start + timezone.timedelta(seconds=90))
        with CaptureQueriesContext(connection) as quiet:
            assert client.get(reverse("home")).status_code == 200
        clock.move_to(start + timezone.timedelta(seconds=125))
        with CaptureQueriesContext(connection) as touched:
            assert client.get(reverse("home")).status_code == 200
    assert not [q for q in quiet.captured_queries if "django_session" in q["sql"]]
    writes = [q["sql"] for q in touched.captured_queries if "django_session" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("UPDATE")


def test_twelve_hours_after_signing_in_the_person_signs_in_again(client, wash_prosecutor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        verified_login(client, wash_prosecutor)
        for step in range(1, 12 * 60 // 25 + 1):  # busy all day: never 30 minutes idle
            clock.move_to(start + minutes(25 * step))
            assert client.get(reverse("home")).status_code == 200
        clock.move_to(start + minutes(12 * 60 + 1))
        response = client.get(reverse("cases:list"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next=/cases/"
        assert SESSION_KEY not in client.session
        page = client.get(response["Location"]).content.decode()
    assert "sign in again" in page
    assert AuditEvent.objects.filter(action="auth.session_expired", actor=wash_prosecutor).exists()


def test_sign_out_everywhere_ends_other_sessions_and_keeps_this_one(wash_prosecutor):
    laptop, phone = Client(), Client()
    verified_login(laptop, wash_prosecutor)
    verified_login(phone, wash_prosecutor)
    response = phone.post(reverse("sign_out_everywhere"))
    assert response["Location"] == reverse("account_settings")
    assert phone.get(reverse("home")).status_code == 200
    assert laptop.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action="auth.signed_out_everywhere").count() == 1


def test_sign_out_everywhere_is_a_post(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert client.get(reverse("sign_out_everywhere")).status_code == 405


def test_sign_in_and_sign_out_are_audited_with_where_from(client, wash_prosecutor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import totp_code

    device = TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    client.post(
        reverse("login"),
        {"username": "wash_prosecutor", "password": TEST_PASSWORD},
        HTTP_USER_AGENT="Firefox/140",
    )
    client.post(reverse("mfa_verify"), {"token": totp_code(device)})
    client.post(reverse("logout"))
    signed_in = AuditEvent.objects.get(action="auth.signed_in")
    assert (signed_in.actor, signed_in.user_agent, signed_in.ip_address) == (
        wash_prosecutor,
        "Firefox/140",
        "127.0.0.1",
    )
    assert signed_in.actor_agency == wash_prosecutor.agency
    assert AuditEvent.objects.filter(action="mfa.verified", actor=wash_prosecutor).exists()
    assert AuditEvent.objects.filter(action="auth.signed_out", actor=wash_prosecutor).exists()


def test_accounts_unused_for_90_days_are_disabled_by_the_beat_task(
    wash_prosecutor, wash_supervisor
):
    now = timezone.now()
    never_signed_in = UserFactory(username="newcomer")
    for user, days in ((wash_prosecutor, 91), (wash_supervisor, 89)):
        user.date_joined = now - timezone.timedelta(days=400)
        user.last_login = now - timezone.timedelta(days=days)
        user.save()
    with time_machine.travel(now + timezone.timedelta(days=1), tick=False):
        assert tasks.disable_inactive_accounts.run() == 1
    with time_machine.travel(now + timezone.timedelta(days=95), tick=False):
        assert tasks.disable_inactive_accounts.run() == 2  # the supervisor, the newcomer
    for user in (wash_prosecutor, wash_supervisor, never_signed_in):
        user.refresh_from_db()
        assert not user.is_active
    event = AuditEvent.objects.filter(action="account.disabled_inactive").first()
    assert event.actor is None and event.target_agency is not None


def test_the_task_is_on_the_beat_schedule(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.disable_inactive_accounts" in schedule


def test_a_disabled_persons_open_session_ends(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    wash_prosecutor.date_joined = timezone.now() - timezone.timedelta(days=400)
    wash_prosecutor.last_login = timezone.now() - timezone.timedelta(days=100)
    wash_prosecutor.save()
    assert tasks.disable_inactive_accounts.run() == 1
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_an_administrator_re_enabling_an_account_restarts_its_clock(client, wash_prosecutor):
    wash_prosecutor.date_joined = timezone.now() - timezone.timedelta(days=400)
    wash_prosecutor.last_login = timezone.now() - timezone.timedelta(days=100)
    wash_prosecutor.save()
    tasks.disable_inactive_accounts.run()
    administrator = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, administrator)
    url = reverse("admin:taskforce_user_change", args=[wash_prosecutor.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {
        "is_active": "on",
        "date_joined_0": f"{wash_prosecutor.date_joined:%Y-%m-%d}",
        "date_joined_1": f"{wash_prosecutor.date_joined:%H:%M:%S}",
        "last_login_0": f"{wash_prosecutor.last_login:%Y-%m-%d}",
        "last_login_1": f"{wash_prosecutor.last_login:%H:%M:%S}",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    wash_prosecutor.refresh_from_db()
    assert wash_prosecutor.is_active and wash_prosecutor.reactivated_at is not None
    assert tasks.disable_inactive_accounts.run() == 0
    assert AuditEvent.objects.filter(action="account.reactivated", actor=administrator).exists()
