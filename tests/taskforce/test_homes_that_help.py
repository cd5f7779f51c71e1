"""Homes that help (issue #19 §4): the coordinator's home shows the reports' headline figures,
suppressed as the reports suppress them; the administrator's lists their tasks; deadlines read
in plain words, never a model's field name."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from cases.models.people import Sex
from cases.services.handoffs import handoff_create
from reports.tables import SMALL
from taskforce.models import AuditEvent, Deadline
from tests.factories import UserFactory, verified_login
from tests.taskforce.test_reports import make_victims

pytestmark = pytest.mark.django_db

DOTTED_NAME = re.compile(r"\b[A-Z][A-Za-z]+\.[a-z]+_[a-z_]+\b")  # Agency.charging_target_days


@pytest.fixture
def handed_off(sheriff_liaison, operation, make_arrests, wash_cao):
    """Six arrests in a sting, two handed off to the county attorney (a charging deadline each)."""
    arrests = make_arrests(sheriff_liaison, operation, 6)
    return [h.case for h in handoff_create(actor=sheriff_liaison, arrests=arrests[:2],
                                           to_agency=wash_cao)]  # fmt: skip


def test_the_coordinators_home_shows_the_reports_figures_with_small_counts_hidden(
    client, coordinator, handed_off, advocacy_center, advocate
):
    make_victims(advocacy_center, advocate, 3, Sex.FEMALE, 16)  # a small count: hidden
    verified_login(client, coordinator)
    answer = client.get(reverse("home"))
    page = answer.content.decode()
    groups = {group.title: group for group in answer.context["headlines"]}
    assert list(groups) == ["Operations", "Prosecution", "Victims and referrals"]
    shown = {f.label: f.value.shown for g in groups.values() for f in g.figures}
    assert shown["Operations run"] == "1"
    assert shown["Arrests"] == "6"
    assert shown["Handed off to prosecution"] == "2"
    assert shown["Cases opened"] == "2"
    assert shown["Victims identified"] == SMALL
    # No sensitive figure of 1 to 4 (or median over fewer than 5) shows its number.
    for group in groups.values():
        for figure in group.figures:
            if figure.sensitive and not figure.value.hidden:
                assert not (isinstance(figure.value.value, int) and 1 <= figure.value.value <= 4)
                assert figure.basis is None or not 1 <= figure.basis <= 4
    assert "<dt>Victims identified</dt><dd>x</dd>" in page
    assert "<dt>Victims identified</dt><dd>3</dd>" not in page
    assert "will appear here" not in page
    for section in ("operations", "prosecution", "victims"):
        assert f'href="{reverse("report", args=[section])}"' in page
    # The same numbers as the report page it links to, for the same default period.
    report = client.get(reverse("report", args=["victims"]))
    on_report = {f.label: f.value.shown for f in report.context["figures"]}
    assert {label: shown[label] for label in on_report} == on_report
    # Counting is an audited read, as on the reports pages.
    assert AuditEvent.objects.filter(
        actor=coordinator, action="report.viewed", changes__page="home"
    ).exists()


def test_only_the_coordinators_home_counts(client, wash_supervisor, handed_off):
    verified_login(client, wash_supervisor)
    answer = client.get(reverse("home"))
    assert "headlines" not in answer.context
    assert not AuditEvent.objects.filter(action="report.viewed").exists()


def test_the_administrators_home_lists_their_tasks(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    verified_login(client, admin)
    page = client.get(reverse("home")).content.decode()
    assert "<h1>Administration" in page
    assert "<h1>Your account is not in an agency" not in page
    tasks = [
        reverse("admin:taskforce_membership_changelist"),
        reverse("admin:taskforce_agency_changelist"),
        reverse("sealing"),
        reverse("lockouts"),
        reverse("audit_log"),
        reverse("health"),
    ]
    for url in tasks:
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200, url


def test_someone_without_an_agency_who_is_no_administrator_still_asks_one(client):
    verified_login(client, UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "Your account is not in an agency" in page
    assert reverse("sealing") not in page


def test_deadlines_read_in_plain_words_on_the_deadlines_and_case_pages(
    client, wash_prosecutor, handed_off
):
    # Due this week, so the deadlines page lists them (rule and source unchanged).
    Deadline.objects.filter(rule="charging_decision").update(
        due_at=timezone.now() + dt.timedelta(days=2)
    )
    verified_login(client, wash_prosecutor)
    pages = {
        "deadlines": client.get(reverse("deadlines")).content.decode(),
        "case": client.get(
            reverse("cases:detail", args=[handed_off[0].public_id])
        ).content.decode(),
    }
    for name, page in pages.items():
        assert "The prosecuting office&#x27;s charging target, set by an administrator" in page, (
            name
        )
        assert not DOTTED_NAME.findall(page), (name, DOTTED_NAME.findall(page))


def test_deadlines_set_before_read_in_plain_words_too(handed_off):
    """The migration rewrites the source kept on deadlines set under the old wording."""
    Deadline.objects.update(source="Prosecution agency's target (Agency.charging_target_days)")
    migration = importlib.import_module("taskforce.migrations.0021_deadline_sources_in_plain_words")
    migration.plain_words(apps, None)
    assert set(Deadline.objects.values_list("source", flat=True)) == {
        "The prosecuting office's charging target, set by an administrator"
    }
