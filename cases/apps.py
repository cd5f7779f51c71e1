"""App config for cases."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Stings and cases"

    def ready(self) -> None:
        # Registers with the deadline engine (deadlines/rules.py) the rules of criminal and
        # juvenile procedure and of victims' notices, and who hears of a hearing.
        from cases import deadlines  # noqa: F401
