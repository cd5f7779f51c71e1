"""Rebuild the reports' monthly rollups (cases.services.rollups): arrests, cases, counts, sentences,
deadlines.

    manage.py rebuild_report_rollups          # the months (and days) due: stale or never built
    manage.py rebuild_report_rollups --all    # every month, one transaction, then ANALYZE

Until a month is rebuilt the reports read it from the arrests themselves: this only makes them
faster, never changes a figure.
"""

from django.core.management.base import BaseCommand

from cases.services.rollups import report_months_rebuild_all, report_rollups_rebuild_due


class Command(BaseCommand):
    help = "Rebuild the stale months of the reports' rollups (or all, --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every month at once.")

    def handle(self, *args, all=False, **options):
        if all:  # the current month's days too
            rebuilt = report_months_rebuild_all()
            self.stdout.write(f"Rebuilt {rebuilt} month(s) of the report rollups.")
            return
        rebuilt = report_rollups_rebuild_due()
        self.stdout.write(
            f"Rebuilt {rebuilt['months']} month(s) and {rebuilt['days']} day(s) of the report"
            " rollups."
        )
