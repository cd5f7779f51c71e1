"""The systemd units in deploy/systemd pass `systemd-analyze verify`, which parses every key
and checks that each ExecStart names an executable. They name the installed layout
(/srv/taskforce); the copy checked here names this checkout, whose .venv has the same
programs, so a misspelt program or a key systemd does not know fails the suite."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
INSTALLED = "/srv/taskforce"


def _installed_copy(tmp_path: Path) -> Path:
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(ROOT)))
    return tmp_path


def _verify(folder: Path, *units: str) -> subprocess.CompletedProcess:
    systemd_analyze = shutil.which("systemd-analyze")
    assert systemd_analyze, "systemd-analyze is missing (Debian package systemd)"
    return subprocess.run(
        [systemd_analyze, "verify", *units], cwd=folder, capture_output=True, text=True, timeout=60
    )


UNIT_NAMES = (
    "taskforce.target",
    "taskforce-web.service",
    "taskforce-worker@1.service",
    "taskforce-worker@2.service",
    "taskforce-beat.service",
    "taskforce-backup.service",
    "taskforce-backup.timer",
)


def test_every_unit_file_is_verified():
    templates = {name.split("@")[0] + "@.service" if "@" in name else name for name in UNIT_NAMES}
    assert templates == {unit.name for unit in UNITS.iterdir()}


def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    result = _verify(_installed_copy(tmp_path), *UNIT_NAMES)
    # verify exits 0 on an unknown key or a value it cannot parse, saying so: both count.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_verify_would_catch_a_program_that_is_not_there(tmp_path):
    folder = _installed_copy(tmp_path)
    web = folder / "taskforce-web.service"
    web.write_text(web.read_text().replace("/.venv/bin/gunicorn", "/.venv/bin/gunicorn-typo"))
    result = _verify(folder, "taskforce-web.service")
    assert result.returncode != 0 and "gunicorn-typo" in result.stderr


def test_the_units_run_the_commands_the_readme_gives():
    web, worker, beat = (
        (UNITS / name).read_text()
        for name in ("taskforce-web.service", "taskforce-worker@.service", "taskforce-beat.service")
    )
    assert "gunicorn taskforce.wsgi" in web and "--bind 127.0.0.1:8000" in web
    assert "celery -A taskforce worker" in worker
    assert "celery -A taskforce beat" in beat
    for unit in (web, worker, beat):
        assert "EnvironmentFile=/etc/taskforce/taskforce.env" in unit
        assert "User=taskforce" in unit and "PartOf=taskforce.target" in unit


def test_web_servers_and_workers_may_be_many_and_the_beat_is_one():
    assert (UNITS / "taskforce-worker@.service").exists()  # worker@1, worker@2, ...
    assert not list(UNITS.glob("taskforce-beat@*"))  # no template to start a second beat
