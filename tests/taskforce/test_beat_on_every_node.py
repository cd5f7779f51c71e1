"""A beat on every node (celery-redbeat): two real `celery beat` processes on the suite's Redis;
one holds the lock and sends the schedule, the other waits; killed, the holder's lock lapses and
the other takes over, and no period's task is sent twice."""

import datetime as dt
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.workers import _stop

ROOT = Path(__file__).resolve().parents[2]
SWEEP = 2  # seconds between two sends of dispatch-reminders (REMINDER_SWEEP_SECONDS)
LOOP, LOCK = 1, 3  # BEAT_LOOP_SECONDS, BEAT_LOCK_SECONDS
SENT = re.compile(r"\[([\d-]+ [\d:,]+): INFO/MainProcess\] Scheduler: Sending due task (\S+)")

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="a beat on every node needs Redis (REDIS_URL)"
)


class Beat:
    def __init__(self, name: str, queue: str):
        self.log_path = ROOT / "test-artifacts" / "beats" / f"{queue}-{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "CELERY_QUEUE": queue, "REMINDER_SWEEP_SECONDS": str(SWEEP),
            "BEAT_LOOP_SECONDS": str(LOOP), "BEAT_LOCK_SECONDS": str(LOCK),
        }  # fmt: skip
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "taskforce", "beat", "--loglevel", "INFO"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def holds_lock(self) -> bool:
        return "beat: Acquired lock" in self.log()

    def sends(self) -> list[tuple[dt.datetime, str]]:
        return [
            (dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f"), entry)
            for stamp, entry in SENT.findall(self.log())
        ]


def wait_for(condition, timeout: float, what: str, *beats: Beat) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            logs = "\n".join(beat.log() for beat in beats)
            raise AssertionError(f"{what}: not after {timeout}s\n{logs}")
        time.sleep(0.1)
    return time.monotonic() - started


def queued_tasks(client: redis.Redis, queue: str) -> list[str]:
    return [json.loads(body)["headers"]["task"] for body in client.lrange(queue, 0, -1)]


@pytest.fixture
def queue():
    """A queue (and so a redbeat key prefix) of this test's own, emptied afterwards."""
    name = f"beats-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    yield name
    stale = [name, *client.scan_iter(f"redbeat:{name}:*"), *client.scan_iter(f"*{name}*")]
    client.delete(*stale)


@pytest.mark.timeout(90)
def test_two_beats_send_each_sweep_once_and_the_second_takes_over_when_the_first_dies(queue):
    assert settings.CELERY_BEAT_SCHEDULER == "redbeat.RedBeatScheduler"
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    first = Beat("first", queue)
    second = None
    try:
        wait_for(first.holds_lock, 30, "the first beat takes the lock", first)
        second = Beat("second", queue)
        # Both running: three sweeps' worth of time, sent by the lock holder alone.
        wait_for(lambda: len(first.sends()) >= 3, 20, "three sweeps sent", first, second)
        assert second.process.poll() is None and not second.holds_lock()
        assert second.sends() == []

        first.process.send_signal(signal.SIGKILL)  # a node lost: its lock is never released
        first.process.wait(timeout=10)
        took_over_in = wait_for(second.holds_lock, LOCK + LOOP + 10, "takeover", second)
        assert took_over_in <= LOCK + LOOP + 2  # the lock lapses, the waiting beat retries
        wait_for(lambda: len(second.sends()) >= 2, 15, "sweeps after the takeover", second)
    finally:
        for beat in (first, second):
            if beat is not None:
                _stop(beat.process)

    sweeps = sorted(
        at for at, entry in first.sends() + second.sends() if entry == "dispatch-reminders"
    )
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(sweeps)]
    assert min(gaps) >= SWEEP - 0.5, gaps  # never two sends in one period, across the takeover
    # What the logs say was sent is what reached the broker: once each.
    queued = queued_tasks(client, queue)
    assert queued.count("deadlines.tasks.dispatch_reminders") == len(sweeps)
    assert len(queued) == len(first.sends()) + len(second.sends())
