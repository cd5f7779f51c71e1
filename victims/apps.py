"""App config for victims."""

from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"
    verbose_name = "Victims and consent"

    def ready(self) -> None:
        # Registers the rule of a consent running out with the deadline engine (deadlines/rules.py).
        from victims import deadlines  # noqa: F401
