"""Strict readers for environment settings: a bad value stops start-up with one clear line."""

from __future__ import annotations

import os
import zoneinfo
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_DB_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


class ConfigError(ImproperlyConfigured):
    """An environment variable is missing or malformed; the message names it."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value is None:
        if required:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name}={number} must be at least {minimum}")
    return number


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value.upper() not in choices:
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value.upper()


def env_timezone(name: str, default: str) -> str:
    value = _raw(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name}={value!r} is not a time zone name (e.g. America/Chicago)"
        ) from None
    return value


def env_date(name: str) -> date | None:
    value = _raw(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a date (use YYYY-MM-DD)") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """A DATABASE_URL for PostgreSQL (postgres://user:pass@host:port/db) or SQLite (sqlite:///path)."""
    url = _raw(name) or default
    scheme = urlsplit(url).scheme
    if scheme not in _DB_SCHEMES:
        raise ConfigError(f"{name} must be a postgres:// or sqlite:/// URL (got scheme {scheme!r})")
    config = environ.Env.db_url_config(url)
    if not config.get("NAME"):
        raise ConfigError(f"{name} names no database (expected …/<database name> at the end)")
    return config


def env_redis_url(name: str) -> str | None:
    url = _raw(name)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ConfigError(f"{name} must look like redis://host:6379/0 (got {url.split('@')[-1]!r})")
    try:
        parts.port  # noqa: B018 - raises on a non-numeric port
    except ValueError:
        raise ConfigError(f"{name} has a port that is not a number") from None
    return url


def env_email(name: str, default: str) -> dict:
    url = _raw(name) or default
    try:
        config = environ.Env.email_url_config(url)
    except Exception:
        raise ConfigError(
            f"{name} is not an email URL (e.g. smtp+tls://user:pass@host:587)"
        ) from None
    if not config.get("EMAIL_BACKEND"):
        raise ConfigError(f"{name} has an unknown scheme {urlsplit(url).scheme!r}")
    return config


_S3_OPTIONS = {"endpoint", "region", "sse", "kms_key", "addressing"}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def env_private_files(name: str, default_root: str) -> dict:
    """The STORAGES entry of the uploaded documents. Unset: a folder on this machine (the embedded
    default). Set, an S3-compatible bucket shared by every web and worker node:
    s3://[KEY:SECRET@]bucket[/prefix][?endpoint=https://host&region=…&sse=AES256|aws:kms
    &kms_key=…&addressing=path|virtual]. Without KEY:SECRET in the URL, boto3 finds credentials
    itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role). Objects are
    always written server-side encrypted and with no ACL (private to the bucket's owner)."""
    url = _raw(name)
    if url is None:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": default_root, "base_url": None},
        }
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.hostname or ''}{parts.path}"  # never echo a secret key
    if parts.scheme != "s3" or not parts.hostname:
        raise ConfigError(f"{name} must look like s3://bucket/prefix?endpoint=… (got {shown!r})")
    query = {key: values[-1] for key, values in parse_qs(parts.query, strict_parsing=False).items()}
    unknown = sorted(set(query) - _S3_OPTIONS)
    if unknown:
        raise ConfigError(
            f"{name} has unknown option(s) {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_S3_OPTIONS))})"
        )
    sse = query.get("sse", "AES256")
    if sse not in {"AES256", "aws:kms"}:
        raise ConfigError(f"{name}: sse must be AES256 or aws:kms (got {sse!r})")
    encryption = {"ServerSideEncryption": sse}
    if "kms_key" in query:
        if sse != "aws:kms":
            raise ConfigError(f"{name}: kms_key needs sse=aws:kms")
        encryption["SSEKMSKeyId"] = query["kms_key"]
    options = {
        # hostname is lower-cased by urlsplit; bucket names are lower-case anyway.
        "bucket_name": parts.hostname,
        "location": parts.path.strip("/"),
        "region_name": query.get("region"),
        "object_parameters": encryption,
        # No ACL header: the object belongs to the bucket's owner alone (and a bucket with ACLs
        # disabled, the AWS default since 2023, would refuse any other).
        "default_acl": None,
        "querystring_auth": False,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    if "endpoint" in query:
        endpoint = urlsplit(query["endpoint"])
        if endpoint.scheme not in {"http", "https"} or not endpoint.hostname:
            raise ConfigError(f"{name}: endpoint must be an http(s):// address")
        if endpoint.scheme == "http" and endpoint.hostname not in _LOOPBACK:
            raise ConfigError(
                f"{name}: the endpoint must use https:// unless it is on this machine"
            )
        options["endpoint_url"] = query["endpoint"]
        # Self-hosted stores (MinIO, Ceph) answer on one host name, not one per bucket.
        options["addressing_style"] = "path"
    if "addressing" in query:
        if query["addressing"] not in {"path", "virtual"}:
            raise ConfigError(f"{name}: addressing must be path or virtual")
        options["addressing_style"] = query["addressing"]
    if parts.username or parts.password:
        if not (parts.username and parts.password):
            raise ConfigError(f"{name}: give both KEY:SECRET before the bucket, or neither")
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password)
    return {"BACKEND": "taskforce.storage.PrivateS3Storage", "OPTIONS": options}
