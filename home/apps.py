"""App config for home pages, notifications, shares, the access log, sealing and the demo."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home pages, notifications, shares, the access log, sealing and the demo"
