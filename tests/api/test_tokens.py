"""API tokens: made on the person's page and shown once, kept hashed, revoked, rate limited."""

import datetime as dt
import hashlib

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from taskforce.models import AuditEvent
from tests.api.conftest import ApiClient, token_for
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


def test_token_page_shows_the_secret_once_and_stores_only_its_hash(client, woodbury_liaison):
    verified_login(client, woodbury_liaison)
    response = client.post(reverse("api_tokens"), {"name": "RMS nightly export", "days": 30})
    assert response.status_code == 200
    token = ApiToken.objects.get(owner=woodbury_liaison)
    page = response.content.decode()
    start = page.index('value="tfc_') + len('value="')
    secret = page[start : page.index('"', start)]
    assert secret.startswith(token.prefix)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("api_tokens")).content.decode()
    assert "RMS nightly export" in again and token.prefix in again and secret not in again
    assert AuditEvent.objects.filter(action="api_token.created", actor=woodbury_liaison).exists()
    assert ApiClient(secret).get("/api/operations/").status_code == 200


def test_token_form_errors_sit_next_to_their_field(client, woodbury_liaison):
    verified_login(client, woodbury_liaison)
    response = client.post(reverse("api_tokens"), {"name": "", "days": 4000})
    assert response.status_code == 200
    assert ApiToken.objects.count() == 0
    page = response.content.decode()
    assert "This field is required." in page and "less than or equal to 365" in page


def test_empty_token_list_says_so(client, woodbury_liaison):
    verified_login(client, woodbury_liaison)
    assert "You have no API tokens" in client.get(reverse("api_tokens")).content.decode()


def test_revoked_token_is_refused_and_the_refusal_audited(client, woodbury_liaison):
    secret = token_for(woodbury_liaison)
    token = ApiToken.objects.get(owner=woodbury_liaison)
    verified_login(client, woodbury_liaison)
    response = client.post(reverse("api_token_revoke", args=[token.public_id]))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="api_token.revoked").exists()
    answer = ApiClient(secret).get("/api/operations/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed" or answer.json()["code"]
    rejected = AuditEvent.objects.get(action="api_token.rejected")
    assert rejected.changes == {"prefix": token.prefix, "reason": "revoked"}
    assert secret not in str(rejected.changes) and secret not in rejected.reason


def test_someone_elses_token_cannot_be_revoked(client, woodbury_liaison, sheriff_liaison):
    token_for(woodbury_liaison)
    token = ApiToken.objects.get(owner=woodbury_liaison)
    verified_login(client, sheriff_liaison)
    response = client.post(reverse("api_token_revoke", args=[token.public_id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_unknown_and_malformed_tokens_get_401(woodbury_liaison):
    secret = token_for(woodbury_liaison)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for presented in (secret, secret[:-2] + "xx", "tfc_nothere_abc", "not-a-token"):
        response = ApiClient(presented).get("/api/operations/")
        assert response.status_code == 401
        assert response.json()["message"].startswith("The token is not valid")
    reasons = list(
        AuditEvent.objects.filter(action="api_token.rejected").values_list(
            "changes__reason", flat=True
        )
    )
    assert sorted(reasons) == ["expired", "malformed", "unknown", "unknown"]


def test_deactivated_user_token_is_refused(woodbury_liaison):
    secret = token_for(woodbury_liaison)
    woodbury_liaison.is_active = False
    woodbury_liaison.save()
    assert ApiClient(secret).get("/api/operations/").status_code == 401


def test_last_use_is_recorded(woodbury_liaison):
    secret = token_for(woodbury_liaison)
    ApiClient(secret).get("/api/operations/")
    assert ApiToken.objects.get(owner=woodbury_liaison).last_used_at is not None


@override_settings(API_RATE_LIMIT="3/minute")
def test_each_token_has_its_own_rate_limit(woodbury_liaison):
    first, second = ApiClient(token_for(woodbury_liaison)), ApiClient(token_for(woodbury_liaison))
    codes = [first.get("/api/operations/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = first.get("/api/operations/")
    assert refused.json()["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert second.get("/api/operations/").status_code == 200
