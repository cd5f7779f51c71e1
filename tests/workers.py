"""Starts and stops real Celery worker processes for the suite (no eager mode, no threads)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from taskforce.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Worker:
    hostname: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _test_database_url() -> str:
    """DATABASE_URL with the test database's name, which pytest-django chose for this run."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@contextlib.contextmanager
def running_worker(*, concurrency: int = 1, ready_timeout: float = 60):
    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log_dir = ROOT / "test-artifacts" / "workers"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{hostname.split('@')[0]}.log"
    env = os.environ | {"DATABASE_URL": _test_database_url()}
    command = [
        sys.executable, "-m", "celery", "-A", "taskforce", "worker",
        "--hostname", hostname,
        "--queues", settings.CELERY_TASK_DEFAULT_QUEUE,
        "--pool", "prefork" if concurrency > 1 else "solo",
        "--concurrency", str(concurrency),
        "--without-gossip", "--without-mingle",
        "--loglevel", "INFO",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = Worker(hostname=hostname, process=process, log_path=log_path)
    try:
        _wait_until_ready(worker, ready_timeout)
        yield worker
    finally:
        _stop(process)


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
