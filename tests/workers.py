"""Starts and stops the real processes the suite runs against: Celery workers and beats (no eager
mode, no threads), gunicorn web nodes, a Redis server of a test's own."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse

from taskforce.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Worker:
    hostname: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, in the middle of whatever it runs: a node lost."""
        self.process.kill()
        self.process.wait(timeout=10)


def _test_database_url() -> str:
    """DATABASE_URL with the test database's name, which pytest-django chose for this run."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@contextlib.contextmanager
def running_worker(
    *, concurrency: int = 1, ready_timeout: float = 60, beat: bool = False, env: dict | None = None,
    queue: str | None = None,
):  # fmt: skip
    """A worker process on the suite's queue (or `queue`); `beat` embeds the beat scheduler; `env`
    overrides its environment (e.g. a broker of the test's own), and readiness is then read from
    its log, since the test process cannot ping a worker on another broker."""
    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log_dir = ROOT / "test-artifacts" / "workers"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{hostname.split('@')[0]}.log"
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    own = {"DATABASE_URL": _test_database_url(), "CELERY_QUEUE": queue}
    full_env = os.environ | own | (env or {})
    command = [
        sys.executable, "-m", "celery", "-A", "taskforce", "worker",
        "--hostname", hostname,
        "--queues", queue,
        "--pool", "prefork" if concurrency > 1 else "solo",
        "--concurrency", str(concurrency),
        "--without-gossip", "--without-mingle",
        "--loglevel", "INFO",
    ]  # fmt: skip
    if beat:
        command += ["--beat", "--schedule", str(log_dir / f"{hostname.split('@')[0]}.beat")]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    worker = Worker(hostname=hostname, process=process, log_path=log_path)
    try:
        if env:
            _wait_for_log(worker, " ready.", ready_timeout)
        else:
            _wait_until_ready(worker, ready_timeout)
        yield worker
    finally:
        _stop(process)


def _wait_for_log(worker: Worker, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in worker.log():
        if worker.process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{worker.log()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Celery worker not ready after {timeout}s:\n{worker.log()}")
        time.sleep(0.1)


@dataclass
class RedisServer:
    """A Redis server of a test's own, which the test may kill and start again."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _port_open(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: the server and every queued message are gone, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    """A loopback port nobody listens on now, for a server the suite starts."""
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, log_path: Path, *, timeout: float = 30,
                  request_timeout: float = 10) -> None:  # fmt: skip
    """Wait until a server process the suite started answers `url` (any status); if it exits or
    does not answer in `timeout` seconds, fail with its log."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=request_timeout)
            return
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer:\n{log_path.read_text()}") from None
            time.sleep(0.2)


@contextlib.contextmanager
def private_redis():
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _wait_until_ready(worker: Worker, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{worker.log()}")
        if celery_app.control.ping(destination=[worker.hostname], timeout=0.5):
            return
    raise RuntimeError(f"Celery worker not ready after {timeout}s:\n{worker.log()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finish the current task
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def own_queue():
    """A Celery queue (and so a redbeat key prefix) of a test's own on the suite's Redis, and its
    keys deleted afterwards: beats keep their schedule in Redis, which must not outlive the test."""
    import redis

    name = f"nodes-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        yield name
    finally:
        stale = [name, *client.scan_iter(f"redbeat:{name}:*"), *client.scan_iter(f"*{name}*")]
        client.delete(*stale)


def queued_tasks(queue: str) -> list[str]:
    """The names of the tasks waiting in a queue on the suite's Redis."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return [json.loads(body)["headers"]["task"] for body in client.lrange(queue, 0, -1)]


SENT = re.compile(r"\[([\d-]+ [\d:,]+): INFO/MainProcess\] Scheduler: Sending due task (\S+)")


class Beat:
    """A `celery beat` process (celery-redbeat on the suite's Redis) for `queue`."""

    def __init__(self, name: str, queue: str, env: dict):
        self.log_path = ROOT / "test-artifacts" / "beats" / f"{queue}-{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "taskforce", "beat", "--loglevel", "INFO"],
                cwd=ROOT, env=os.environ | env | {"CELERY_QUEUE": queue},
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def holds_lock(self) -> bool:
        return "beat: Acquired lock" in self.log()

    def sends(self) -> list[tuple[dt.datetime, str]]:
        """(when, schedule entry) of each task this beat sent, as its log says."""
        return [
            (dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f"), entry)
            for stamp, entry in SENT.findall(self.log())
        ]

    def kill(self) -> None:
        """SIGKILL: a node lost; a lock it held is never released."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def wait_for(condition, timeout: float, what: str, *logs) -> float:
    """Poll `condition` until it holds; fail after `timeout` seconds with the processes' logs
    (each of `logs` has a .log()). Returns the seconds waited."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            text = "\n".join(each.log() for each in logs)
            raise AssertionError(f"{what}: not after {timeout}s\n{text}")
        time.sleep(0.1)
    return time.monotonic() - started


@dataclass
class WebNode:
    url: str
    process: subprocess.Popen

    def kill(self) -> None:
        """SIGKILL to gunicorn's whole process group (arbiter and its worker): a node lost."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextlib.contextmanager
def web_node(name: str, env: dict):
    """A gunicorn process (one sync worker) on a free port, on the test database by default, in
    a process group of its own so a test can kill it whole."""
    port = free_port()
    log_path = ROOT / "test-artifacts" / "web-nodes" / f"{name}-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "taskforce.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "30"],
            cwd=ROOT, env=os.environ | {"DATABASE_URL": _test_database_url()} | env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    node = WebNode(f"http://127.0.0.1:{port}", process)
    try:
        wait_for_http(node.url + reverse("login"), process, log_path)
        yield node
    finally:
        _stop(process)
