#!/usr/bin/env bash
# Runs the whole test suite: lint, migration check, then pytest on real PostgreSQL and Redis with a
# real Celery worker and headless Chromium. Installs or starts what is missing. Extra arguments go
# to pytest (e.g. `bash scripts/test.sh tests/taskforce -k login`).
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
TEST_WORKERS="${TEST_WORKERS:-2}"
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

say "lint (ruff)"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

say "layers: imports run one way (import-linter)"
"$VENV/bin/lint-imports"

say "migrations match the models"
py manage.py makemigrations --check --dry-run

say "pytest"
py -m pytest -n "$TEST_WORKERS" --dist loadgroup "$@"
