"""Recompute open deadlines after a rule changed (its version went up) or the holiday table did.

    manage.py recompute_deadlines                 # open deadlines computed by an older version
    manage.py recompute_deadlines --holidays      # every open deadline: the holidays changed
    manage.py recompute_deadlines --rule speedy_trial --rule juvenile_detention_review

Each moved deadline takes the rule's current version; its reminders are planned again and the
move is audited (deadlines.services.deadlines_recompute). Met, missed or waived deadlines are
history and are never recomputed.
"""

from django.core.management.base import BaseCommand, CommandError

from deadlines.rules import RULES
from deadlines.services import deadlines_recompute


class Command(BaseCommand):
    help = "Recompute open deadlines computed by an older rule version (or all, --holidays)."

    def add_arguments(self, parser):
        parser.add_argument("--rule", action="append", dest="rules", metavar="NAME")
        parser.add_argument(
            "--holidays",
            action="store_true",
            help="Recompute every open deadline of the rules (the holiday table changed).",
        )

    def handle(self, *args, rules=None, holidays=False, **options):
        unknown = sorted(set(rules or []) - RULES.keys())
        if unknown:
            raise CommandError(f"No such rule: {', '.join(unknown)}.")
        result = deadlines_recompute(rules=rules, every_version=holidays)
        for deadline in result.moved:
            self.stdout.write(f"moved: {deadline.rule} #{deadline.pk} now due {deadline.due_at}")
        for deadline in result.skipped:
            self.stdout.write(
                f"left as it was: {deadline.rule} #{deadline.pk} (what it counted by is unknown)"
            )
        self.stdout.write(
            f"{len(result.moved)} moved, {result.unchanged} unchanged, "
            f"{len(result.skipped)} left as they were."
        )
