"""`manage.py seed_demo`: the demo task force for a first run (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo agencies and one user per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (demo accounts share a published password).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to seed demo accounts with DEBUG off: their password is public. "
                "Pass --allow-production for a throwaway demo server."
            )
        summary = seed_demo()
        if summary.changed_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data: {summary.agencies_created} agencies, {summary.users_created} "
                    f"users, {summary.memberships_started} memberships, "
                    f"{summary.operations_created} stings, "
                    f"{summary.runaway_reports_created} runaway reports, "
                    f"{summary.cases_sentenced} sentenced case, "
                    f"{summary.historic_convictions} past years' convictions, "
                    f"{summary.referrals_created} Safe Harbor referrals, "
                    f"{summary.victims_served} more victims served and "
                    f"{summary.deadlines_overdue} deadline overdue on purpose (escalation demo) "
                    "created. "
                    f"Password for every demo login: {DEMO_PASSWORD}"
                )
            )
        else:
            self.stdout.write("Demo data already present; nothing changed.")
