"""Strict readers for environment settings: a bad value stops start-up with one clear line."""

from __future__ import annotations

import os
import zoneinfo
from datetime import date
from urllib.parse import urlsplit

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
