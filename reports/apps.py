"""App config for aggregate reports and grant exports."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Aggregate reports and grant exports"

    def ready(self) -> None:
        from reports.headlines import headline_figures
        from taskforce.web.headlines import HEADLINE_SOURCES

        if headline_figures not in HEADLINE_SOURCES:
            HEADLINE_SOURCES.append(headline_figures)
