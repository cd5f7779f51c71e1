"""Start-up configuration: bad environment variables stop with one line; production is hardened."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from taskforce.config import ConfigError, env_private_files

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#Qm2!vR9pL$wZ4tY8nB1cK6hJ3dF5gS0aE@uI*oP&lM^zX%vC-bN=qW+eR_tY",
    "ALLOWED_HOSTS": "caseload.example.gov",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/taskforce",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "FIELD_ENCRYPTION_KEYS": "b7Yq2pLx9-production-like-field-key",
}
# Variables the suite sets that a production deployment would not.
TEST_ONLY = ["SECURE_SSL_REDIRECT", "SECURE_COOKIES", "CELERY_QUEUE"]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY} | PRODUCTION | env
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL must be a postgres:// or sqlite:/// URL"),
        ("DATABASE_URL", "postgres://127.0.0.1", "DATABASE_URL names no database"),
        ("REDIS_URL", "http://cache", "REDIS_URL must look like redis://host:6379/0"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS='a year' is not a whole number"),
        ("TIME_ZONE", "Minnesota", "TIME_ZONE='Minnesota' is not a time zone name"),
        ("EMAIL_URL", "pigeon://loft", "EMAIL_URL is not an email URL"),
        ("SECRET_KEY", "", "SECRET_KEY is required when DEBUG is off"),
        ("AUDIT_RETENTION_DAYS", "90", "AUDIT_RETENTION_DAYS=90 must be at least 365"),
        ("FIELD_ENCRYPTION_KEYS", "", "FIELD_ENCRYPTION_KEYS is required when DEBUG is off"),
        ("PRIVATE_FILES_URL", "/srv/documents", "PRIVATE_FILES_URL must look like s3://bucket"),
        ("BEAT_LOCK_SECONDS", "10", "BEAT_LOCK_SECONDS=10 must be at least 15"),
    ],
)
def test_malformed_variable_stops_start_up_with_one_line_naming_it(name, value, expected):
    result = manage("check", **{name: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"Configuration error: {expected}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_redis_password_is_not_echoed_in_the_error():
    result = manage("check", REDIS_URL="http://user:hunter2-secret@cache:6379")
    assert result.returncode == 2
    assert "hunter2-secret" not in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://docs/tf?endpont=https://s3.local", "unknown option(s) endpont"),
        ("s3://docs?sse=none", "sse must be AES256 or aws:kms"),
        ("s3://docs?kms_key=alias/x", "kms_key needs sse=aws:kms"),
        ("s3://docs?endpoint=http://minio.county.local:9000", "must use https://"),
        ("s3://onlykey@docs", "give both KEY:SECRET"),
    ],
)
def test_a_bad_documents_url_is_refused_naming_what_is_wrong(monkeypatch, url, expected):
    monkeypatch.setenv("PRIVATE_FILES_URL", url)
    with pytest.raises(ConfigError, match=re.escape(expected)):
        env_private_files("PRIVATE_FILES_URL", "/unused")


def test_the_documents_url_sets_a_private_encrypted_bucket_and_echoes_no_secret(monkeypatch):
    monkeypatch.setenv(
        "PRIVATE_FILES_URL",
        "s3://AKIA1:s3cr%2Fet@county-docs/caseload/?endpoint=https://objects.county.gov&region=us-gov-west-1",
    )
    storage = env_private_files("PRIVATE_FILES_URL", "/unused")
    assert storage["BACKEND"] == "taskforce.storage.PrivateS3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("county-docs", "caseload")
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}
    assert options["default_acl"] is None and options["querystring_auth"] is False
    assert (options["access_key"], options["secret_key"]) == ("AKIA1", "s3cr/et")
    assert options["addressing_style"] == "path"

    monkeypatch.setenv("PRIVATE_FILES_URL", "ftp://AKIA1:s3cr3t@county-docs/")
    with pytest.raises(ConfigError) as error:
        env_private_files("PRIVATE_FILES_URL", "/unused")
    assert "s3cr3t" not in str(error.value)


def test_unset_the_documents_stay_in_a_folder_on_this_machine(monkeypatch):
    monkeypatch.delenv("PRIVATE_FILES_URL", raising=False)
    storage = env_private_files("PRIVATE_FILES_URL", "/srv/private")
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert storage["OPTIONS"]["location"] == "/srv/private"


@pytest.mark.django_db
def test_postgresql_runs_without_jit_compilation_unless_asked():
    # Compiling cost more than it saved on every page measured (README: DATABASE_JIT).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
