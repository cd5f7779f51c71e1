"""Run by test_embedded.py in a process of its own on SQLite: every demo login opens the pages
a newcomer clicks first, and the first record on each list; whoever may read reports opens every
reports page, each table's CSV and the grant export (SQLite has no percentile_cont: the medians
take figures.median_days' fallback). Prints JSON: failures {what: status}, and counts."""

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

from reports.views import SECTIONS  # noqa: E402
from taskforce import access  # noqa: E402
from taskforce.models import User  # noqa: E402

PAGES = ["home", "cases:list", "cases:intake", "cases:operation_list", "cases:arrest_list",
         "referrals:list", "deadlines", "notifications", "reminder_settings", "shares",
         "cases:runaway_queue"]  # fmt: skip
EXPORT = re.compile(r'href="(/reports/[a-z]+/\?[^"]*export=[\w-]+)"')
DETAIL = re.compile(
    r'href="(/(?:cases|operations|arrests|referrals|victims|runaways)/[0-9a-f-]{36}/)"'
)

failures = {}
opened = 0
reports = {}  # username: how many reports pages and CSVs they opened (readers of reports)


def read(client, address):
    """Status and body of a page or a streamed CSV (which fails while written, not before)."""
    try:
        response = client.get(address)
        return response.status_code, b"".join(response).decode()
    except Exception as error:  # reported with its address; the walk goes on
        return f"{type(error).__name__}: {error}", ""


def walk_reports(client, user) -> int:
    """Every reports page, each table's CSV and the grant export: 200 for the coordinator and
    supervisors, 404 for everyone else."""
    addresses = [reverse("report", args=[section]) for section in SECTIONS]
    addresses.append(reverse("report_grant"))
    expected = 200 if access.may_view_reports(user) else 404
    count = 0
    for address in addresses if expected == 200 else addresses[:1]:
        status, body = read(client, address)
        count += 1
        if status != expected:
            failures[f"{user.username} {address}"] = status
        for export in sorted(set(EXPORT.findall(body))):
            export = export.replace("&amp;", "&")
            status, _ = read(client, export)
            count += 1
            if status != 200:
                failures[f"{user.username} {export}"] = status
    return count if expected == 200 else 0


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
    if walked := walk_reports(client, user):
        reports[user.username] = walked
print(json.dumps({"failures": failures, "opened": opened, "reports": reports}))
