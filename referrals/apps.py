"""App config for Safe Harbor referrals."""

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Safe Harbor referrals"
