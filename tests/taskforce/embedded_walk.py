"""Run by test_embedded.py in a process of its own on SQLite: every demo login opens the pages
a newcomer clicks first, and the first record on each list. Prints JSON: {what: status}."""

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from taskforce.models import User  # noqa: E402

PAGES = ["home", "cases:list", "cases:intake", "cases:operation_list", "cases:arrest_list",
         "referrals:list", "deadlines", "notifications", "reminder_settings", "shares",
         "cases:runaway_queue"]  # fmt: skip
DETAIL = re.compile(
    r'href="(/(?:cases|operations|arrests|referrals|victims|runaways)/[0-9a-f-]{36}/)"'
)

failures = {}
opened = 0
for user in User.objects.filter(is_active=True, is_superuser=False).order_by("username"):
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(user)
    for name in PAGES:
        response = client.get(reverse(name))
        opened += 1
        if response.status_code >= 500:
            failures[f"{user.username} {name}"] = response.status_code
        elif response.status_code == 200:
            for link in sorted(set(DETAIL.findall(response.content.decode())))[:3]:
                detail = client.get(link)
                opened += 1
                if detail.status_code >= 500:
                    failures[f"{user.username} {link}"] = detail.status_code
print(json.dumps({"failures": failures, "opened": opened}))
