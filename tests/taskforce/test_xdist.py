"""Test processes of one parallel run (pytest-xdist) share PostgreSQL and Redis, nothing else."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from taskforce.celery import app as celery_app
from taskforce.tasks import ping
from tests.conftest import keep_xdist_workers_apart


def routed_queue() -> str:
    return celery_app.amqp.router.route({}, ping.name)["queue"].name


@pytest.mark.django_db
def test_each_test_process_has_its_own_database_queue_and_cache_keys():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        pytest.skip("runs under pytest-xdist (scripts/test.sh, TEST_WORKERS above 1)")
    assert settings.DATABASES["default"]["NAME"].endswith(f"_{worker}")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue.endswith(f"-{worker}")
    assert os.environ["CELERY_QUEUE"] == queue  # what the processes of tests/workers.py are given
    assert routed_queue() == queue
    assert cache.make_key("throttle_api_user:1").startswith(f"taskforce-{worker}:")


def test_another_process_name_gives_another_queue_and_key_prefix(monkeypatch):
    queue, key = settings.CELERY_TASK_DEFAULT_QUEUE, cache.make_key("k")
    monkeypatch.setenv("CELERY_QUEUE", queue)
    apart = keep_xdist_workers_apart("gw7")
    try:
        assert settings.CELERY_TASK_DEFAULT_QUEUE == os.environ["CELERY_QUEUE"] == f"{queue}-gw7"
        assert routed_queue() == f"{queue}-gw7"
        assert cache.make_key("k") != key
        assert cache.make_key("k").endswith("-gw7:1:k")
    finally:
        apart.disable()
        celery_app.conf.task_default_queue = queue
    assert routed_queue() == queue
    assert cache.make_key("k") == key
