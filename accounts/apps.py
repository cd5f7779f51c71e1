"""App config for sign-in security: second factor, lockout, sessions, the sign-in audit."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in security"

    def ready(self) -> None:
        # Connects the receivers that audit signing in and out.
        from accounts import events  # noqa: F401
