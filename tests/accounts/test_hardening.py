"""Web hardening: security.txt, SECURITY.md, headers, CSRF, the MFA deploy check, passwords and
upload checks on the consent form (documents' are in tests/cases/test_documents.py)."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, verified_login
from tests.taskforce.test_config import manage

pytestmark = pytest.mark.django_db


def test_security_txt_follows_rfc_9116(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@caseload.example.gov"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@caseload.example.gov"
    assert fields["Policy"].endswith("/.well-known/security-policy.txt")
    expires = dt.datetime.fromisoformat(fields["Expires"])
    assert timezone.now() < expires < timezone.now() + dt.timedelta(days=365)


def test_security_txt_takes_an_explicit_expiry(client, settings):
    settings.SECURITY_TXT_EXPIRES = dt.date(2027, 6, 30)
    assert (
        "Expires: 2027-06-30T23:59:59Z" in client.get("/.well-known/security.txt").content.decode()
    )


def test_a_malformed_expiry_stops_start_up():
    result = manage("check", SECURITY_TXT_EXPIRES="next summer")
    assert result.returncode == 2
    assert "SECURITY_TXT_EXPIRES='next summer' is not a date" in result.stderr


def test_the_policy_link_serves_security_md(client):
    text = client.get("/.well-known/security-policy.txt").content.decode()
    assert text.startswith("# Security policy")
    assert "Reporting a vulnerability" in text


def test_security_txt_is_reachable_before_the_second_step(client, wash_prosecutor):
    client.force_login(wash_prosecutor)
    assert client.get("/.well-known/security.txt").status_code == 200


def test_check_deploy_warns_when_mfa_is_off():
    result = manage("check", "--deploy", "--fail-level", "WARNING", MFA_REQUIRED="false")
    assert result.returncode != 0
    assert "taskforce.W901" in result.stderr + result.stdout


def test_pages_carry_the_hardening_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy


def test_forms_refuse_a_post_without_the_csrf_token(wash_prosecutor):
    strict = Client(enforce_csrf_checks=True)
    login = strict.post(
        reverse("login"), {"username": "wash_prosecutor", "password": TEST_PASSWORD}
    )
    assert login.status_code == 403
    strict.cookies = verified_login(Client(), wash_prosecutor).cookies  # signed in, no token
    assert strict.get(reverse("home")).status_code == 200
    assert strict.post(reverse("sign_out_everywhere")).status_code == 403


def test_passwords_follow_nist_length_and_blocklist_without_composition_rules(
    client, wash_prosecutor
):
    verified_login(client, wash_prosecutor)

    def change(new):
        return client.post(
            reverse("password_change"),
            {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
        )

    assert "too short" in change("a1b2c3d").content.decode()  # 7 characters
    assert "too common" in change("password1").content.decode()
    # 8 lowercase letters, no digit or symbol: fine (NIST SP 800-63B: no composition rules).
    assert change("quokkabr").status_code == 302


@pytest.fixture
def victim(referral, advocate):
    from referrals.services import referral_open_victim, referral_transition

    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    return referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Mother"
    )


def consent_post(client, victim, wash_cao, upload):
    data = {
        "to_agency": wash_cao.pk,
        "scope": "contact",
        "purpose": "Court",
        "signed_on": timezone.localdate().isoformat(),
        "expires_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "signed_by_minor": "on",
        "guardian_name": "Ruth",
        "guardian_relationship": "Mother",
        "signed_form": upload,
    }
    return client.post(reverse("victims:consent_new", args=[victim.public_id]), data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("release.docx", b"PK\x03\x04 word", "not accepted. Use JPG, PDF, PNG"),
        ("release.exe", b"MZ", "not accepted"),
        ("release.png", b"%PDF-1.7", "not a PNG"),
        ("release.pdf", b"", "empty"),
    ],
)
def test_a_consent_form_of_the_wrong_kind_is_refused_beside_the_field(
    client, victim, advocate, wash_cao, name, content, message
):
    from victims.models import Consent

    verified_login(client, advocate)
    response = consent_post(client, victim, wash_cao, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["signed_form"])
    assert not Consent.objects.exists()


def test_a_consent_form_over_the_size_limit_is_refused(
    client, victim, advocate, wash_cao, settings
):
    from victims.models import Consent

    settings.MAX_UPLOAD_BYTES = 1024
    verified_login(client, advocate)
    big = SimpleUploadedFile("release.pdf", b"%PDF-1.7" + b"0" * 4096)
    response = consent_post(client, victim, wash_cao, big)
    assert "larger than" in str(response.context["form"].errors["signed_form"])
    assert not Consent.objects.exists()


def test_a_kept_consent_form_downloads_as_an_attachment_that_cannot_run(
    client, victim, advocate, wash_cao
):
    from victims.models import Consent

    verified_login(client, advocate)
    consent_post(client, victim, wash_cao, SimpleUploadedFile("release.pdf", b"%PDF-1.7 ok"))
    consent = Consent.objects.get()
    response = client.get(
        reverse("victims:consent_form", args=[victim.public_id, consent.public_id])
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.search(r"default-src 'none'", response["Content-Security-Policy"])
    # The stored name is random: nothing of the person's reaches the disk.
    assert "release" not in consent.signed_form.name


def test_every_environment_variable_of_the_settings_is_in_the_readme_table():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    settings_source = (root / "taskforce" / "settings.py").read_text()
    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_source))
    table = "\n".join(
        line for line in (root / "README.md").read_text().splitlines() if line.startswith("| `")
    )
    assert {"MFA_REQUIRED", "SESSION_MAX_AGE_SECONDS", "SECURITY_CONTACT"} <= names
    assert not {name for name in names if f"`{name}`" not in table}
