"""What every bench sets before Django starts: its own database and Redis db, production
defaults (DEBUG off), throwaway keys. Each setting can be overridden from the environment."""

import os

import django


def configure(database: str, *, redis_db: int = 2) -> None:
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "bench-only-field-key")
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-not-for-any-real-deployment-0123456789"
    )
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
    django.setup()
