"""App config for Safe Harbor referrals."""

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Safe Harbor referrals"

    def ready(self) -> None:
        # Registers with the deadline engine (deadlines/rules.py) the referral rules (first
        # contact, follow-ups) and the advocates who hear of a hearing.
        from referrals import (
            deadlines,  # noqa: F401
            links,
        )

        # A case's timeline and the runaway review show the referrals made about its people.
        links.register()
