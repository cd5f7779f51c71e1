"""The health endpoint checks the database and the broker for load balancers and operators."""

import pytest
from django.urls import reverse

from taskforce.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_database_and_broker_answer(client):
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.json()
    assert any("Database" in name for name in body)
    assert any("Broker" in name for name in body)
    assert set(body.values()) == {"OK"}


def test_health_fails_when_the_broker_is_down(client, monkeypatch):
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get(reverse("health"), HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    broker = next(value for name, value in response.json().items() if "Broker" in name)
    assert "broker unreachable" in broker


def test_health_needs_no_sign_in_and_shows_no_connection_details(client):
    response = client.get(reverse("health"), HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    assert "127.0.0.1" not in response.content.decode()
    assert "postgres" not in response.content.decode().lower()
