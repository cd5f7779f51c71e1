"""Two whole nodes behind one load balancer: on each a gunicorn web process, a Celery worker and a
beat, all on one PostgreSQL and one Redis. The API's rate limit counts requests to either node
together; the reminder sweep is sent once per period by whichever beat holds the lock; and when
one node dies in the middle of a sweep (SIGKILL to its web process, its worker and its beat) the
other takes over: the task the dead worker had taken is handed to the live one and finishes, the
schedule goes on, and every due reminder is sent, once."""

import collections
import datetime as dt
import itertools
import os
import re
import time

import pytest
import requests
from django.utils import timezone

from api.tokens import api_token_create
from taskforce.celery import app as celery_app
from taskforce.models import Notification, Reminder
from tests.workers import (
    Beat,
    Worker,
    _stop,
    own_queue,
    queued_tasks,
    running_worker,
    wait_for,
    web_node,
)

SWEEP = 2  # REMINDER_SWEEP_SECONDS
LOOP, LOCK = 1, 3  # BEAT_LOOP_SECONDS, BEAT_LOCK_SECONDS
# A dead worker's task goes to the other this long after it was taken; longer than one sweep of
# the test's reminders takes (a live worker's task is never handed out twice).
REDELIVERY = 6
RATE = 4  # API requests per minute per token, on both nodes together
DEPUTIES = 1500  # each receives a reminder of each of the arrest's two deadlines

SWEPT = re.compile(r"Task deadlines\.tasks\.dispatch_reminders\[([\w-]+)\] (received|succeeded)")
BATCH = re.compile(r"reminders sent \d+ \[([^\]]*)\]")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="several nodes need Redis"),
]


def sweeps(worker: Worker, state: str) -> list[str]:
    """Ids of the reminder sweeps a worker's log says it received, or finished."""
    return [task for task, said in SWEPT.findall(worker.log()) if said == state]


def unfinished(worker: Worker) -> set[str]:
    return set(sweeps(worker, "received")) - set(sweeps(worker, "succeeded"))


def sent() -> int:
    return Reminder.objects.filter(status="sent").count()


@pytest.fixture
def waiting_reminders(transactional_db, django_db_serialized_rollback, sheriff_liaison, operation,
                      sheriff, washington, patron_13_15):  # fmt: skip
    """3,000 reminders of one arrest's two deadlines to 1,500 deputies, none due yet: six batches
    of a sweep."""
    from cases.services.arrests import arrests_create
    from taskforce.models import Deadline, Membership, User
    from tests.stings_fixtures import arrest_row

    row = arrest_row(washington, patron_13_15, 1, arrested_at=timezone.now() - dt.timedelta(days=6))
    arrests_create(actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=[row])
    Reminder.objects.all().delete()
    deputies = User.objects.bulk_create([User(username=f"deputy{n:04d}") for n in range(DEPUTIES)])
    Membership.objects.bulk_create(
        [Membership(user=u, agency=sheriff, role="police_liaison") for u in deputies]
    )
    later = timezone.now() + dt.timedelta(days=1)
    Reminder.objects.bulk_create(
        [
            Reminder(deadline=d, recipient=u, lead_minutes=1, send_at=later)
            for d in Deadline.objects.all()
            for u in deputies
        ]
    )
    return Reminder.objects.count()


@pytest.fixture
def queue():
    with own_queue() as name:
        yield name


@pytest.mark.timeout(150)
def test_two_nodes_share_a_rate_limit_and_a_schedule_and_losing_one_loses_nothing(
    waiting_reminders, woodbury_liaison, queue
):
    total = waiting_reminders
    token = api_token_create(actor=woodbury_liaison, name="integration").secret
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    web = {"DATABASE_CONN_MAX_AGE": "0", "API_RATE_LIMIT": f"{RATE}/minute"}
    tasks = {"TASK_REDELIVERY_SECONDS": str(REDELIVERY), "REMINDER_SWEEP_SECONDS": str(SWEEP),
             "BEAT_LOOP_SECONDS": str(LOOP), "BEAT_LOCK_SECONDS": str(LOCK)}  # fmt: skip
    beats: list[Beat] = []
    with (
        web_node("a", web) as web_a,
        web_node("b", web) as web_b,
        running_worker(queue=queue, env=tasks) as worker_a,
        running_worker(queue=queue, env=tasks) as worker_b,
    ):
        try:
            # The first beat holds the lock; the second waits for it.
            beats.append(Beat("a", queue, tasks))
            beat_a = beats[-1]
            wait_for(beat_a.holds_lock, 30, "the first beat takes the lock", beat_a)
            beats.append(Beat("b", queue, tasks))
            beat_b = beats[-1]
            # A few periods with both nodes up: sweeps that find nothing due yet.
            wait_for(lambda: len(beat_a.sends()) >= 3, 5 * SWEEP + 5, "three sweeps", beat_a)

            # The rate limit counts requests to both nodes together.
            answers = [api.get(node.url + "/api/operations/", timeout=10).status_code
                       for node in (web_a, web_b) * (RATE // 2)]  # fmt: skip
            assert answers == [200] * RATE
            assert api.get(web_a.url + "/api/operations/", timeout=10).status_code == 429

            # Node a's worker alone takes the first sweep that finds the reminders due, so that
            # it is the one in the middle of a sweep when node a dies.
            stop_b = celery_app.control.cancel_consumer(
                queue, destination=[worker_b.hostname], reply=True, timeout=5
            )
            assert stop_b, worker_b.log()
            wait_for(lambda: not unfinished(worker_b), 20, "node b's sweep ends", worker_b)
            Reminder.objects.update(send_at=timezone.now())
            wait_for(lambda: sent() > 0, 30, "reminders go out", worker_a, beat_a)
            [taken] = unfinished(worker_a)
            for process in (worker_a, beat_a, web_a):
                process.kill()
            killed_at = time.monotonic()
            midway = sent()
            assert 0 < midway < total  # node a died in the middle of its sweep
            celery_app.control.add_consumer(
                queue, destination=[worker_b.hostname], reply=True, timeout=5
            )

            # Node b goes on: the rate limit still holds, its beat takes the lock and sends the
            # sweeps, its worker sends the rest and finishes the sweep node a had taken.
            assert api.get(web_b.url + "/api/operations/", timeout=10).status_code == 429
            wait_for(beat_b.holds_lock, LOCK + LOOP + 10, "node b's beat takes over", beat_b)
            wait_for(lambda: sent() == total, 60, "every reminder sent", worker_b, beat_b)
            wait_for(lambda: taken in sweeps(worker_b, "succeeded"), REDELIVERY + 20,
                     "the dead worker's sweep redelivered", worker_b)  # fmt: skip
            redelivered_in = time.monotonic() - killed_at
            after = len(beat_b.sends())
            wait_for(lambda: len(beat_b.sends()) >= after + 2, 4 * SWEEP + 5,
                     "node b's beat goes on", beat_b)  # fmt: skip

            # The last sweeps sent are run before the count.
            _stop(beat_b.process)
            wait_for(lambda: not queued_tasks(queue) and not unfinished(worker_b), 30,
                     "the queue drains", worker_b)  # fmt: skip
        finally:
            for beat in beats:
                _stop(beat.process)

    # Every due reminder sent once: in the database, and in the workers' logs (one line per
    # batch, after its commit; node a's worker may have died before writing its last line).
    assert Reminder.objects.filter(status="sent").count() == total
    assert Notification.objects.count() == total
    assert Notification.objects.values("reminder").distinct().count() == total
    logged = [
        pair.split(":")[0]
        for worker in (worker_a, worker_b)
        for pairs in BATCH.findall(worker.log())
        for pair in pairs.split()
    ]
    assert len(logged) == len(set(logged))

    # Each sweep the beats sent ran to its end once, on one worker or the other: the one node a's
    # worker had taken, on node b's.
    assert taken not in sweeps(worker_a, "succeeded")
    finished = collections.Counter(sweeps(worker_a, "succeeded") + sweeps(worker_b, "succeeded"))
    assert set(finished.values()) == {1}, finished
    sends = sorted(at for at, entry in beat_a.sends() + beat_b.sends()
                   if entry == "dispatch-reminders")  # fmt: skip
    assert len(finished) == len(sends)
    # Once per period, across the takeover: never two sends in one period, and no period
    # without one but those the lapsing lock took.
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(sends)]
    assert min(gaps) >= SWEEP - 0.5, gaps
    assert max(gaps) <= SWEEP + LOCK + 2 * LOOP + 1, gaps
    print(f"killed at {midway} of {total} sent; {len(sends)} sweeps, gaps {gaps}; "
          f"redelivered {redelivered_in:.1f} s after the kill")  # fmt: skip
