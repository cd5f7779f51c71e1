"""A beat on every node (celery-redbeat): two real `celery beat` processes on the suite's Redis;
one holds the lock and sends the schedule, the other waits; killed, the holder's lock lapses and
the other takes over, and no period's task is sent twice."""

import itertools
import os

import pytest
from django.conf import settings

from tests.workers import Beat, _stop, own_queue, queued_tasks, wait_for

SWEEP = 2  # seconds between two sends of dispatch-reminders (REMINDER_SWEEP_SECONDS)
LOOP, LOCK = 1, 3  # BEAT_LOOP_SECONDS, BEAT_LOCK_SECONDS
BEATS = {"REMINDER_SWEEP_SECONDS": str(SWEEP), "BEAT_LOOP_SECONDS": str(LOOP),
         "BEAT_LOCK_SECONDS": str(LOCK)}  # fmt: skip

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="a beat on every node needs Redis (REDIS_URL)"
)


@pytest.fixture
def queue():
    with own_queue() as name:
        yield name


@pytest.mark.timeout(90)
def test_two_beats_send_each_sweep_once_and_the_second_takes_over_when_the_first_dies(queue):
    assert settings.CELERY_BEAT_SCHEDULER == "redbeat.RedBeatScheduler"
    first = Beat("first", queue, BEATS)
    second = None
    try:
        wait_for(first.holds_lock, 30, "the first beat takes the lock", first)
        second = Beat("second", queue, BEATS)
        # Both running: three sweeps' worth of time, sent by the lock holder alone.
        wait_for(lambda: len(first.sends()) >= 3, 20, "three sweeps sent", first, second)
        assert second.process.poll() is None and not second.holds_lock()
        assert second.sends() == []
        # Celery logs a send before it publishes it: killed in between, a node loses that one
        # send (the next sweep catches up). Kill it once what it logged is in the broker.
        wait_for(lambda: len(queued_tasks(queue)) >= len(first.sends()), 5,
                 "the logged sends reach the broker", first)  # fmt: skip

        first.kill()  # a node lost: its lock is never released
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
    queued = queued_tasks(queue)
    assert queued.count("deadlines.tasks.dispatch_reminders") == len(sweeps)
    assert len(queued) == len(first.sends()) + len(second.sends())
