"""Five failed sign-ins in 15 minutes lock an account for LOCKOUT_MINUTES, or until a supervisor
or administrator releases it (CJIS 5.9.5); one address failing for many accounts is refused
without locking them. Through the real sign-in page."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from taskforce.models import AuditEvent, Role
from tests.factories import TEST_PASSWORD, UserFactory, member, verified_login

pytestmark = pytest.mark.django_db

LOCKED = "This account is locked"


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", **extra)
    return response


def minutes(n):
    return timezone.timedelta(minutes=n)


def test_five_failures_lock_the_account_even_with_the_right_password(client, wash_prosecutor):
    fourth = fail(client, "wash_prosecutor", 4)
    assert fourth.status_code == 200 and LOCKED not in fourth.content.decode()
    fifth = fail(client, "wash_prosecutor", 1)
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    right = sign_in(client, "wash_prosecutor", TEST_PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert (
        AuditEvent.objects.filter(action="auth.locked_out", target_id=wash_prosecutor.pk).count()
        == 1
    )


def test_the_lock_is_by_username_from_any_address(client, wash_prosecutor):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        fail(client, "wash_prosecutor", 1, REMOTE_ADDR=address)
    assert (
        sign_in(client, "wash_prosecutor", TEST_PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 429
    )


def test_failures_spread_over_more_than_15_minutes_do_not_lock(client, wash_prosecutor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, "wash_prosecutor", 4)
        clock.move_to(start + minutes(16))
        fail(client, "wash_prosecutor", 4)
        assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 302


def test_five_failures_inside_a_sliding_15_minutes_lock(client, wash_prosecutor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, "wash_prosecutor", 2)
        clock.move_to(start + minutes(10))
        fail(client, "wash_prosecutor", 2)
        clock.move_to(start + minutes(20))  # the first two fall out of the window
        fail(client, "wash_prosecutor", 2)
        assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 302
        client.logout()
        # A success starts the count again.
        fail(client, "wash_prosecutor", 4)
        assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 302


def test_a_lock_lifts_by_itself_after_the_lockout_minutes(client, wash_prosecutor):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        locked = fail(client, "wash_prosecutor", 5)
        assert "opens again by itself 10 minutes after the last wrong attempt" in (
            locked.content.decode()
        )
        clock.move_to(start + minutes(9))
        assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 429
        clock.move_to(start + minutes(9) + minutes(10) + timezone.timedelta(seconds=1))
        assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 302


def test_with_lockout_minutes_zero_a_lock_lasts_until_released(client, wash_prosecutor, settings):
    settings.LOCKOUT_MINUTES = 0
    settings.AXES_COOLOFF_TIME = None
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail(client, "wash_prosecutor", 5)
        clock.move_to(start + timezone.timedelta(days=3))
        assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 429


def test_the_person_and_their_supervisors_are_told_of_the_lock(
    client, wash_prosecutor, wash_supervisor, ramsey_prosecutor, mailoutbox
):
    from taskforce.models import Notification

    wash_prosecutor.email, wash_supervisor.email = "pat@example.org", "sam@example.org"
    wash_prosecutor.save()
    wash_supervisor.save()
    fail(client, "wash_prosecutor", 5)
    told = Notification.objects.filter(title__contains="locked")
    assert [n.user for n in told] == [wash_supervisor]
    assert told.get().url == reverse("lockouts")
    assert sorted(m.to[0] for m in mailoutbox) == ["pat@example.org", "sam@example.org"]
    assert "opens again by itself" in mailoutbox[0].body
    fail(client, "wash_prosecutor", 2)  # already locked: nobody is told twice
    assert told.count() == 1 and len(mailoutbox) == 2


def test_one_address_naming_many_accounts_is_refused_without_locking_them(
    client, wash_prosecutor, wash_supervisor
):
    others = [UserFactory(username=f"guess{n}") for n in range(10)]
    for person in others:
        fail(client, person.username, 2, REMOTE_ADDR="203.0.113.7")
    # 20 failures from that address: now every attempt from it is refused, even the right one.
    refused = sign_in(client, "wash_prosecutor", TEST_PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    for _ in range(5):
        sign_in(client, "wash_supervisor", "not-the-password", REMOTE_ADDR="203.0.113.7")
    # Those refusals did not count against the accounts they named.
    assert (
        sign_in(client, "wash_supervisor", TEST_PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 302
    )
    client.logout()
    assert (
        sign_in(client, "wash_prosecutor", TEST_PASSWORD, REMOTE_ADDR="10.1.1.2").status_code == 302
    )


def test_the_supervisor_of_the_agency_sees_and_releases_the_lock(
    client, wash_prosecutor, wash_supervisor
):
    fail(client, "wash_prosecutor", 5)
    verified_login(client, wash_supervisor)
    page = client.get(reverse("lockouts")).content.decode()
    assert "wash_prosecutor" in page

    refused = client.post(reverse("lockouts"), {"username": "wash_prosecutor", "reason": ""})
    assert "Say how you checked it was them." in refused.content.decode()
    released = client.post(
        reverse("lockouts"), {"username": "wash_prosecutor", "reason": "Called her desk"}
    )
    assert released["Location"] == reverse("lockouts")
    event = AuditEvent.objects.get(action="auth.lockout_released")
    assert (event.actor, event.target_id, event.reason) == (
        wash_supervisor,
        wash_prosecutor.pk,
        "Called her desk",
    )
    assert event.target_agency == wash_prosecutor.agency
    client.logout()

    # Released: the failures that locked it do not count again.
    fail(client, "wash_prosecutor", 1)
    assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 302


def test_a_supervisor_of_another_agency_gets_404_and_an_empty_list(
    client, wash_prosecutor, ramsey_cao
):
    ramsey_supervisor = member(ramsey_cao, Role.SUPERVISOR, username="ramsey_supervisor")
    fail(client, "wash_prosecutor", 5)
    verified_login(client, ramsey_supervisor)
    page = client.get(reverse("lockouts"))
    assert page.status_code == 200
    assert "wash_prosecutor" not in page.content.decode()
    assert "No account you look after is locked." in page.content.decode()
    response = client.post(reverse("lockouts"), {"username": "wash_prosecutor", "reason": "x"})
    assert response.status_code == 404
    assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 429


def test_people_who_are_not_supervisors_get_404_on_the_lockouts_page(
    client, wash_prosecutor, ramsey_prosecutor
):
    fail(client, "wash_prosecutor", 5)
    verified_login(client, ramsey_prosecutor)
    assert client.get(reverse("lockouts")).status_code == 404
    assert (
        client.post(reverse("lockouts"), {"username": "wash_prosecutor", "reason": "x"}).status_code
        == 404
    )


def test_an_administrator_releases_anyone(client, wash_prosecutor):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    fail(client, "wash_prosecutor", 5)
    verified_login(client, administrator)
    assert "wash_prosecutor" in client.get(reverse("lockouts")).content.decode()
    client.post(reverse("lockouts"), {"username": "wash_prosecutor", "reason": "Met in person"})
    client.logout()
    assert sign_in(client, "wash_prosecutor", TEST_PASSWORD).status_code == 302


def test_nobody_releases_their_own_lock(client, wash_supervisor):
    verified_login(client, wash_supervisor)  # a session still open elsewhere
    fail(client.__class__(), "wash_supervisor", 5)
    response = client.post(reverse("lockouts"), {"username": "wash_supervisor", "reason": "me"})
    assert response.status_code == 404


def test_failures_are_audited_without_the_password_or_an_unknown_username(client, wash_prosecutor):
    sign_in(client, "wash_prosecutor", "hunter2-secret")
    sign_in(client, "hunter2-typed-in-username", "whatever-secret")
    known, unknown = AuditEvent.objects.filter(action="auth.sign_in_failed").order_by("id")
    assert known.target_id == wash_prosecutor.pk and known.actor is None
    assert known.target_agency == wash_prosecutor.agency
    assert known.ip_address == "127.0.0.1"
    assert unknown.target_id is None and unknown.changes == {
        "known_account": False,
        "locked": False,
    }
    trail = repr(list(AuditEvent.objects.values()))
    for secret in ("hunter2-secret", "hunter2-typed-in-username", "whatever-secret"):
        assert secret not in trail


def test_no_password_reaches_the_logs(client, wash_prosecutor, caplog):
    caplog.set_level("DEBUG")
    fail(client, "wash_prosecutor", 5)
    sign_in(client, "wash_prosecutor", TEST_PASSWORD)
    assert caplog.records  # axes did log the failures
    assert "not-the-password" not in caplog.text
    assert TEST_PASSWORD not in caplog.text
