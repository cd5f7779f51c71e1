"""Behind nginx every request comes from 127.0.0.1; with TRUST_X_REAL_IP the address nginx names
in X-Real-IP is the client's, so one guesser's failures refuse that guesser, not everyone, and
the audit trail records people's addresses. Through the real sign-in page."""

import pytest
from django.test import Client
from django.urls import reverse

from taskforce.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NGINX = "127.0.0.1"


def sign_in(username, password, address):
    # A new Client per request: its handler loads the middleware under the current settings.
    return Client().post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_REAL_IP=address,
    )


def guess_twenty_times(address):
    for person in [UserFactory(username=f"guess{n}-{address}") for n in range(10)]:
        for _ in range(2):
            sign_in(person.username, "not-the-password", address)


def test_behind_nginx_one_guessers_failures_refuse_that_guesser_only(settings, wash_prosecutor):
    settings.TRUST_X_REAL_IP = True
    guess_twenty_times("203.0.113.7")
    assert sign_in("wash_prosecutor", TEST_PASSWORD, "203.0.113.7").status_code == 429
    assert sign_in("wash_prosecutor", TEST_PASSWORD, "198.51.100.20").status_code == 302
    failed = AuditEvent.objects.filter(action="auth.sign_in_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_without_trust_the_header_is_ignored_and_everyone_is_nginx(settings, wash_prosecutor):
    settings.TRUST_X_REAL_IP = False
    guess_twenty_times("203.0.113.7")
    # What TRUST_X_REAL_IP is for: the guesser's failures now refuse every address.
    assert sign_in("wash_prosecutor", TEST_PASSWORD, "198.51.100.20").status_code == 429
    failed = AuditEvent.objects.filter(action="auth.sign_in_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {NGINX}


def test_a_header_that_is_not_one_address_is_ignored(settings, wash_prosecutor):
    settings.TRUST_X_REAL_IP = True
    sign_in("wash_prosecutor", "not-the-password", "203.0.113.7, 10.0.0.1")
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.ip_address == NGINX
