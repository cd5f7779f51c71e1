"""App config for victims."""

from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"
    verbose_name = "Victims and consent"
