"""App config for aggregate reports and grant exports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Aggregate reports and grant exports"
