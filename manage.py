#!/usr/bin/env python
"""Django's command-line utility for Task Force Caseload."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from taskforce.config import ConfigError

    try:
        # Load settings now, so a bad environment variable is one line, not a traceback.
        settings.INSTALLED_APPS  # noqa: B018
    except ConfigError as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
