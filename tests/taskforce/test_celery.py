"""Celery for real: a worker process consumes from Redis and writes to PostgreSQL."""

import pytest
from django.conf import settings

from taskforce.models import Heartbeat
from taskforce.tasks import ping, record_heartbeat

pytestmark = pytest.mark.worker


def test_the_suite_talks_to_a_real_redis_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_a_worker_process_runs_a_task_and_returns_its_result(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
    assert "taskforce.tasks.ping" in celery_worker_process.log()


def test_the_worker_writes_to_the_database_the_app_reads(celery_worker_process):
    stamped = record_heartbeat.delay("worker-test").get(timeout=30)
    heartbeat = Heartbeat.objects.get(name="worker-test")
    assert heartbeat.last_seen_at.isoformat() == stamped
