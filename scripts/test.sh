#!/usr/bin/env bash
# Runs the whole test suite: lint, migration check, then pytest on real PostgreSQL and Redis with a
# real Celery worker and headless Chromium, then the clock-sensitive modules again at each instant
# of CLOCK_INSTANTS. Installs or starts what is missing. With arguments, only pytest runs, with
# them (e.g. `bash scripts/test.sh tests/taskforce -k login`), in one process unless TEST_WORKERS
# says otherwise: a single test starts in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taskforce}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/1}"
# The suite runs with production defaults except HTTPS, which the test servers do not speak.
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-test-only-secret-key-not-for-any-real-deployment-0123456789}"
export FIELD_ENCRYPTION_KEYS="${FIELD_ENCRYPTION_KEYS:-test-only-field-key}"
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost,testserver}"
export CELERY_QUEUE="${CELERY_QUEUE:-taskforce-test-$$}"
# Test processes run in parallel (pytest-xdist), each on its own test database, Celery queue and
# cache keys (tests/conftest.py). TEST_WORKERS=0 runs in this one process; "auto" is one per
# core, at most 3.
if [ $# -gt 0 ]; then TEST_WORKERS="${TEST_WORKERS:-0}"; else TEST_WORKERS="${TEST_WORKERS:-2}"; fi
if [ "$TEST_WORKERS" = auto ]; then
  TEST_WORKERS="$(nproc)"
  [ "$TEST_WORKERS" -le 3 ] || TEST_WORKERS=3
fi
# Kept apart from var/ so a demo run's collected files never mix with the suite's.
export STATIC_ROOT="$PWD/test-artifacts/static"
export PRIVATE_FILES_ROOT="$PWD/test-artifacts/private"
mkdir -p "$STATIC_ROOT"

ensure_build_deps
ensure_venv requirements-dev.txt
ensure_postgres
ensure_redis
ensure_chromium
ensure_ops_tools

# --reuse-db: each test database is copied from a template kept per set of migrations
# (tests/databases.py), made again when a migration file changes; a fresh clone makes it.
PYTEST=("$VENV/bin/python" -m pytest -n "$TEST_WORKERS" --dist loadgroup --reuse-db)

if [ $# -gt 0 ]; then
  say "pytest $*"
  exec "${PYTEST[@]}" "$@"
fi

say "lint (ruff)"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

say "layers: imports run one way (import-linter)"
"$VENV/bin/lint-imports"

say "migrations match the models"
py manage.py makemigrations --check --dry-run

say "pytest"
"${PYTEST[@]}"

# A suite that passes at any hour: the modules that count by local day, hour or expiry run again
# with the whole session started at each of these local instants (TEST_CLOCK, tests/conftest.py;
# America/Chicago unless TIME_ZONE says otherwise): past midnight, the hour CI once failed in,
# before midnight, both 2026 DST change days (02:00 is skipped on March 8 and 01:00-02:00 happens
# twice on November 1) and New Year's Eve. A real Celery worker process and Chromium keep the real
# clock, and so does PostgreSQL's now(): `worker` and `browser` tests are left out.
CLOCK_INSTANTS="${CLOCK_INSTANTS-2026-06-10T00:30 2026-06-10T01:30 2026-06-10T23:30 2026-03-08T01:30 2026-11-01T01:30 2026-12-31T23:30}"
CLOCK_TESTS=(
  tests/deadlines
  tests/taskforce/test_reports.py tests/taskforce/test_report_periods.py
  tests/accounts/test_sessions.py tests/accounts/test_lockout.py tests/accounts/test_mfa.py
  tests/referrals/test_consent_edges.py tests/referrals/test_consent_gating.py
  tests/api/test_deadlines_api.py tests/api/test_court_api.py tests/api/test_tokens.py
  tests/cases/test_court.py tests/cases/test_charging.py tests/cases/test_outcomes.py
  tests/cases/test_stings.py tests/cases/test_runaway.py tests/cases/test_staged_imports.py
)
started=$SECONDS
for instant in $CLOCK_INSTANTS; do
  say "pytest at $instant (clock-sensitive modules)"
  TEST_CLOCK="$instant" "${PYTEST[@]}" -q --durations=5 -m "not worker and not browser" \
    "${CLOCK_TESTS[@]}"
done
say "clock runs took $((SECONDS - started)) s"
