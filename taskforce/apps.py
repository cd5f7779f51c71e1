"""App config for the cross-cutting core."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TaskforceConfig(AppConfig):
    default = True
    name = "taskforce"
    verbose_name = "Task force: agencies and people"

    def ready(self) -> None:
        from taskforce import (
            hardening,  # noqa: F401 - registers the deploy check on MFA
            signals,  # noqa: F401 - connects the membership → group sync
        )


class TaskforceAdminConfig(admin_apps.AdminConfig):
    """The admin with our site class (administrators only)."""

    default = False
    default_site = "taskforce.admin_site.TaskforceAdminSite"
