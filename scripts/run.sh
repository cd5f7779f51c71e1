#!/usr/bin/env bash
# Runs Task Force Caseload on this machine with the embedded default: SQLite, a file-based task
# broker, a Celery worker with the beat schedule beside the web server, and demo data.
# Set DATABASE_URL / REDIS_URL to run the same on PostgreSQL / Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export DEBUG="${DEBUG:-true}"
# The demo's public logins sign in with a password alone, and every page says so in a banner.
# MFA_REQUIRED=true bash scripts/run.sh tries the real second step (README: Security).
export MFA_REQUIRED="${MFA_REQUIRED:-false}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

ensure_build_deps
ensure_venv requirements.txt
mkdir -p var/log

say "migrating the database (a new one takes a few seconds)"
py manage.py migrate --noinput
# With DEBUG on, WhiteNoise serves static files from the apps' folders; collect only for DEBUG=false.
if [ "$DEBUG" != true ]; then py manage.py collectstatic --noinput -v0; fi
say "seeding demo data"
py manage.py seed_demo

say "starting the Celery worker and beat (log: var/log/worker.log; mail: var/mail/)"
# The log is appended to across starts and rotated past 5 MB (three old ones kept).
if [ -f var/log/worker.log ] && [ "$(stat -c %s var/log/worker.log)" -gt 5242880 ]; then
  for n in 2 1; do [ -f "var/log/worker.log.$n" ] && mv "var/log/worker.log.$n" "var/log/worker.log.$((n + 1))"; done
  mv var/log/worker.log var/log/worker.log.1
fi
"$VENV/bin/celery" -A taskforce worker --beat --pool=solo --loglevel=INFO \
  --schedule var/celerybeat-schedule >>var/log/worker.log 2>&1 &
worker_pid=$!
trap 'kill "$worker_pid" 2>/dev/null; wait "$worker_pid" 2>/dev/null' EXIT INT TERM

say "serving on http://$HOST:$PORT/ (sign in as wash_prosecutor / taskforce-demo-2026; Ctrl-C stops)"
py manage.py runserver "$HOST:$PORT"
