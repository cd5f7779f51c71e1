"""App config for the deadline engine: rules come from the apps that register them."""

from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines and reminders"
