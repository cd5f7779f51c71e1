"""The embedded default of `scripts/run.sh`: SQLite, no Redis, demo data, every login works."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(900)  # migrating and seeding SQLite takes minutes on a loaded 2-core machine
def test_the_embedded_demo_migrates_seeds_and_serves_every_login_on_sqlite(tmp_path):
    """What a newcomer gets from `bash scripts/run.sh`, minus the servers: the suite itself
    runs on PostgreSQL, so SQLite's own limits (e.g. no LIMIT inside a UNION) are caught here."""
    env = {
        key: value for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    } | {
        "DEBUG": "true", "MFA_REQUIRED": "false", "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"), "PRIVATE_FILES_ROOT": str(tmp_path / "private"),
    }  # fmt: skip

    def run(*args):
        done = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run("manage.py", "migrate", "--noinput", "-v0")
    run("manage.py", "seed_demo")
    walked = json.loads(run("tests/taskforce/embedded_walk.py").strip().splitlines()[-1])
    assert walked["failures"] == {}
    assert walked["opened"] > 150  # 16 logins by 10 pages, and the records they list
    # The coordinator and every supervisor read each reports page, its tables' CSVs and the
    # grant export (the medians on SQLite's fallback); everyone else is answered 404.
    reports = walked["reports"]
    assert {"taskforce_coordinator", "wash_supervisor", "scv_supervisor"} <= set(reports)
    assert "wash_prosecutor" not in reports
    assert reports["taskforce_coordinator"] > 6 + 20  # 6 pages and their tables' CSVs
