"""Two-step sign-in: set up once with an authenticator app, then a code after every password."""

import re
from base64 import b32decode

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from taskforce.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory, totp_code, verified_login

pytestmark = pytest.mark.django_db


def password_step(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def enrol(client):
    """Set up the authenticator as a person would: read the key off the page, type its code."""
    page = client.get(reverse("mfa_enrol")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    code = f"{totp(b32decode(secret.replace(' ', ''))):06d}"
    return client.post(reverse("mfa_enrol"), {"token": code})


def after_the_pause():
    """A few seconds later: django-otp makes a person wait 1 s after a wrong code, 2 s after
    two, and so on."""
    return time_machine.travel(timezone.now() + timezone.timedelta(seconds=5), tick=False)


def test_after_the_password_every_page_waits_for_the_second_step(client, wash_prosecutor):
    password_step(client, wash_prosecutor)
    for url in (reverse("home"), reverse("cases:list"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_enrol"))
    # The page the person asked for is where they land afterwards.
    assert "next=%2Fcases%2F" in client.get(reverse("cases:list"))["Location"]


def test_the_admin_also_needs_the_second_step(client):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    password_step(client, administrator)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("mfa_verify"))


def test_the_admin_login_page_sends_people_to_the_one_sign_in(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/admin/"


def test_a_newcomer_enrols_gets_ten_recovery_codes_once_and_reaches_home(client, wash_prosecutor):
    password_step(client, wash_prosecutor)
    page = client.get(reverse("mfa_enrol"))
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code is drawn in the page, no script
    assert "<script" not in html
    assert page["Cache-Control"] == "no-store"  # it carries the secret

    done = enrol(client)
    assert done["Location"].startswith(reverse("mfa_recovery_codes"))
    codes_page = client.get(done["Location"])
    assert codes_page["Cache-Control"] == "no-store"
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=wash_prosecutor).values_list("token", flat=True)
    )
    # Shown once: a second look sends the person to their settings.
    assert client.get(reverse("mfa_recovery_codes"))["Location"] == reverse("account_settings")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrolled", actor=wash_prosecutor).exists()


def test_a_wrong_code_at_enrolment_is_refused_beside_the_field(client, wash_prosecutor):
    password_step(client, wash_prosecutor)
    client.get(reverse("mfa_enrol"))
    response = client.post(reverse("mfa_enrol"), {"token": "000000"})
    assert response.status_code == 200
    assert "That code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=wash_prosecutor, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="mfa.enrolment_failed").exists()


def test_a_returning_person_types_the_app_code_after_the_password(client, wash_prosecutor):
    device = TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    password_step(client, wash_prosecutor)
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_verify"))

    wrong = client.post(reverse("mfa_verify"), {"token": "123456"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302

    with after_the_pause():
        right = client.post(reverse("mfa_verify") + "?next=/cases/", {"token": totp_code(device)})
    assert right["Location"] == "/cases/"
    assert client.get(reverse("home")).status_code == 200
    actions = list(
        AuditEvent.objects.filter(actor=wash_prosecutor, action__startswith="mfa.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["mfa.failed", "mfa.verified"]


def test_a_code_cannot_be_used_twice(client, wash_prosecutor):
    device = TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    code = totp_code(device)
    password_step(client, wash_prosecutor)
    assert client.post(reverse("mfa_verify"), {"token": code}).status_code == 302
    client.logout()
    password_step(client, wash_prosecutor)
    replay = client.post(reverse("mfa_verify"), {"token": code})
    assert replay.status_code == 200


def test_wrong_codes_in_a_row_slow_the_next_tries(client, wash_prosecutor):
    TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    password_step(client, wash_prosecutor)
    client.post(reverse("mfa_verify"), {"token": "111111"})
    client.post(reverse("mfa_verify"), {"token": "222222"})
    throttled = client.post(reverse("mfa_verify"), {"token": "333333"})
    assert "Too many wrong codes" in throttled.content.decode()
    assert AuditEvent.objects.filter(action="mfa.failed", changes__throttled=True).exists()


def test_a_recovery_code_works_once_and_says_how_many_are_left(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    client.post(reverse("mfa_recovery_codes_renew"))
    page = client.get(reverse("mfa_recovery_codes")).content.decode()
    first = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)[0]
    client.logout()

    password_step(client, wash_prosecutor)
    used = client.post(reverse("mfa_verify"), {"token": first.upper()}, follow=True)
    assert "You used a recovery code; 9 left" in used.content.decode()
    event = AuditEvent.objects.get(action="mfa.recovery_code_used")
    assert event.changes == {"recovery_codes_left": 9}
    client.logout()
    password_step(client, wash_prosecutor)
    again = client.post(reverse("mfa_verify"), {"token": first})
    assert "That code is not right" in again.content.decode()


def test_new_recovery_codes_replace_the_old_ones(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    client.post(reverse("mfa_recovery_codes_renew"))
    old = set(StaticToken.objects.values_list("token", flat=True))
    client.post(reverse("mfa_recovery_codes_renew"))
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10 and not old & new
    assert AuditEvent.objects.filter(action="mfa.recovery_codes_issued").count() == 2


def test_a_password_alone_cannot_replace_the_authenticator(client, wash_prosecutor):
    TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    password_step(client, wash_prosecutor)
    response = client.get(reverse("mfa_enrol"))
    assert response["Location"].startswith(reverse("mfa_verify"))
    client.post(reverse("mfa_enrol"), {"token": "123456"})
    assert TOTPDevice.objects.filter(user=wash_prosecutor).count() == 1


def test_a_verified_person_replaces_the_authenticator_and_the_old_one_stops(
    client, wash_prosecutor
):
    verified_login(client, wash_prosecutor)
    old = TOTPDevice.objects.get(user=wash_prosecutor)
    page = client.get(reverse("mfa_enrol")).content.decode()
    assert "Set up a new authenticator app" in page
    enrol(client)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=wash_prosecutor, confirmed=True).count() == 1
    assert AuditEvent.objects.get(action="mfa.enrolled").changes == {"replaced_earlier": True}
    assert client.get(reverse("home")).status_code == 200


def test_codes_never_reach_the_audit_trail(client, wash_prosecutor):
    device = TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    code = totp_code(device)
    password_step(client, wash_prosecutor)
    client.post(reverse("mfa_verify"), {"token": "654321"})
    with after_the_pause():
        assert client.post(reverse("mfa_verify"), {"token": code}).status_code == 302
        client.post(reverse("mfa_recovery_codes_renew"))
    tokens = list(StaticToken.objects.values_list("token", flat=True))
    trail = repr(list(AuditEvent.objects.values()))
    for secret in [code, "654321", device.key, TEST_PASSWORD, *tokens]:
        assert secret not in trail


def test_with_mfa_off_the_demo_says_so_on_every_page(client, settings, wash_prosecutor):
    settings.MFA_REQUIRED = False
    client.force_login(wash_prosecutor)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "two-step sign-in (MFA) is off" in page.content.decode()
    assert "is off" in client.get(reverse("login")).content.decode()


def test_with_mfa_on_there_is_no_demo_banner(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert "MFA) is off" not in client.get(reverse("home")).content.decode()


def test_the_settings_page_shows_the_authenticator_and_recovery_codes(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    client.post(reverse("mfa_recovery_codes_renew"))
    page = client.get(reverse("account_settings")).content.decode()
    assert "Authenticator app set up on" in page
    assert "10 unused recovery codes left." in page
    assert "Sign out everywhere else" in page
    assert "Locked accounts" not in page  # prosecutors do not release lockouts


def test_an_administrator_resets_a_lost_second_factor_and_it_is_audited(client, wash_prosecutor):
    TOTPDevice.objects.create(user=wash_prosecutor, name="lost phone", confirmed=True)
    StaticToken.objects.create(
        device=wash_prosecutor.staticdevice_set.create(name="codes", confirmed=True), token="abc"
    )
    administrator = UserFactory(is_staff=True, is_superuser=True)
    verified_login(client, administrator)
    lost = TOTPDevice.objects.get(user=wash_prosecutor)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=wash_prosecutor).exists()
    assert not StaticToken.objects.filter(device__user=wash_prosecutor).exists()
    event = AuditEvent.objects.get(action="mfa.reset_by_administrator")
    assert (event.actor, event.target_id) == (administrator, wash_prosecutor.pk)
    client.logout()
    password_step(client, wash_prosecutor)
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_enrol"))


def test_one_time_codes_never_reach_the_logs(client, wash_prosecutor, caplog):
    caplog.set_level("DEBUG")
    device = TOTPDevice.objects.create(user=wash_prosecutor, name="app", confirmed=True)
    code = totp_code(device)
    password_step(client, wash_prosecutor)
    client.post(reverse("mfa_verify"), {"token": "918273"})
    with after_the_pause():
        client.post(reverse("mfa_verify"), {"token": code})
    assert code not in caplog.text and "918273" not in caplog.text
    assert TEST_PASSWORD not in caplog.text
