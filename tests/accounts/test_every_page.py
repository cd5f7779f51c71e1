"""Every page of the URLconf, rendered for someone allowed to see it, carries the strict
Content-Security-Policy and no inline script, event handler or style attribute."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from taskforce import access
from taskforce.models import Notification, SavedFilter
from tests.factories import UserFactory, verified_login

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
REQUIRED_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]


def url_names(patterns=None, namespace=""):
    """(name, pattern) of every named URL of the project, namespaced; the admin apart."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace.startswith("api:") and not isinstance(entry.pattern, RoutePattern):
                continue  # the router's JSON endpoints: tests/api/test_schema.py covers each
            yield f"{namespace}{entry.name}", entry


@pytest.fixture
def world(
    sheriff_liaison, operation, make_arrests, wash_cao, ramsey_cao, patron_13_15, wash_prosecutor,
    wash_supervisor, referral, advocate, advocate_supervisor, sheriff,
):  # fmt: skip
    """One record of every kind a page shows, made through the services."""
    from api.tokens import api_token_create
    from cases.models import CaseDocument, RunawayReport
    from cases.services.arrests import ArrestRow  # noqa: F401 - arrests come from make_arrests
    from cases.services.charges import ChargeInput, charging_decide
    from cases.services.court import court_event_schedule
    from cases.services.handoffs import handoff_create
    from cases.services.imports import arrest_import_stage
    from cases.services.notes import document_upload
    from cases.services.notices import case_victim_add
    from cases.services.people import PersonData
    from deadlines.preferences import calendar_feed_rotate
    from referrals.services import referral_open_victim, referral_transition
    from taskforce.models import Deadline
    from victims.services import consent_record

    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    handoff = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)[0]
    case = handoff.case
    charging_decide(
        actor=wash_prosecutor, case=case, decision="charge",
        charges=[ChargeInput(case.defendants.get(), patron_13_15, TODAY() - dt.timedelta(days=20))],
    )  # fmt: skip
    hearing = court_event_schedule(
        actor=wash_prosecutor, case=case, kind="omnibus",
        starts_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    case_victim = case_victim_add(
        actor=wash_prosecutor, case=case, role="victim",
        data=PersonData(first_name="Ana", last_name="Lund", date_of_birth=dt.date(1990, 1, 1)),
    )  # fmt: skip
    document_upload(
        actor=wash_prosecutor, case=case, title="Complaint", visibility="agency",
        upload=SimpleUploadedFile("complaint.pdf", b"%PDF-1.7 complaint"),
    )  # fmt: skip
    share = access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Co-counsel")
    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting", guardian_note="Mother"
    )
    consent = consent_record(
        actor=advocate, victim=victim, to_agency=wash_cao, scope="contact", purpose="Court",
        signed_on=TODAY(), expires_on=TODAY() + dt.timedelta(days=90), signed_by_minor=True,
        guardian_name="Ruth", guardian_relationship="Mother",
        signed_form=SimpleUploadedFile("release.pdf", b"%PDF-1.7 signed"),
    )  # fmt: skip
    header = "last_name,first_name,arrested_at,county,custody_status,charges\n"
    staged = arrest_import_stage(
        actor=sheriff_liaison, file_name="arrests.csv", operation=operation,
        arresting_agency=sheriff,
        data=(header + "Doe,John,2026-03-14 21:30,Washington,booked,609.324 subd. 1(b)\n").encode(),
    )  # fmt: skip
    from cases.services.runaways import runaway_import_stage
    from taskforce.records import record_create

    report = record_create(
        actor=wash_prosecutor, model=RunawayReport, youth=case.defendants.get(),
        reported_at=timezone.now() - dt.timedelta(days=300), reported_by="Group home",
    )  # fmt: skip
    runaways = runaway_import_stage(
        actor=wash_prosecutor, file_name="runaways.csv",
        data=b"last_name,first_name,reported_at,reported_by\nDoe,Jo,2024-05-01,Mother\n",
    )  # fmt: skip
    from cases.services.access_requests import access_request_create
    from cases.services.people import person_create
    from victims.services import service_record

    service = service_record(actor=advocate, victim=victim, kind="housing", offered_on=TODAY())
    # The county attorney's own record of the arrestee, which the sheriff cannot see: the
    # sheriff asks for it, and the county attorney's supervisor decides.
    arrestee = arrest.arrestee
    person_create(actor=wash_prosecutor, data=PersonData(
        first_name=arrestee.first_name, last_name=arrestee.last_name,
        date_of_birth=arrestee.date_of_birth,
    ))  # fmt: skip
    access_request = access_request_create(actor=sheriff_liaison, subject=arrestee, reason="Ours")
    from cases.services import case_imports
    from cases.services.spreadsheets import spreadsheet_stage, spreadsheet_template
    from referrals import imports as referral_imports
    from victims import imports as victim_imports

    sheets = {
        kind.slug: spreadsheet_stage(actor=actor, kind=kind, file_name="sheet.csv",
                                     data=spreadsheet_template(kind).encode())
        for kind, actor in ((case_imports.KIND, wash_prosecutor), (victim_imports.KIND, advocate),
                            (referral_imports.KIND, advocate))
    }  # fmt: skip
    administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True)
    kwargs = {
        **{
            f"{app}:{slug}_import_preview": {"public_id": staged.public_id}
            for slug, staged in sheets.items()
            for app in ("cases", "victims", "referrals")
            if slug == app
        },
        "victims:service_end": {"public_id": victim.public_id, "service_id": service.public_id},
        "access_request_": {"public_id": access_request.matches.get().public_id},
        "cases:": {"public_id": case.public_id},
        "cases:charge_": {"public_id": case.public_id, "charge_id": case.charges.get().public_id},
        "cases:sentence_new": {
            "public_id": case.public_id, "charge_id": case.charges.get().public_id
        },
        "cases:hearing_": {"public_id": case.public_id, "event_id": hearing.public_id},
        "cases:document_download": {
            "public_id": case.public_id, "document_id": CaseDocument.objects.get().public_id,
        },
        "cases:operation_": {"public_id": operation.public_id},
        "cases:arrest_import_preview": {"public_id": staged.public_id},
        "cases:arrest_": {"public_id": arrest.public_id},
        "cases:handoff_": {"public_id": handoff.public_id},
        "cases:runaway_": {"public_id": report.public_id},
        "cases:runaway_import_preview": {"public_id": runaways.public_id},
        "cases:person_": {"public_id": arrest.arrestee.public_id},
        # A person the county attorney's office entered: its supervisor may merge into them.
        "cases:person_merge": {"public_id": case_victim.person.public_id},
        "referrals:": {"public_id": referral.public_id},
        "victim_open": {"referral_id": referral.public_id},
        "victims:consent_": {"public_id": victim.public_id, "consent_id": consent.public_id},
        "victims:": {"public_id": victim.public_id},
        "deadline_": {"public_id": Deadline.objects.first().public_id},
        "share_": {"public_id": share.public_id},
        "notification_": {
            "public_id": Notification.objects.create(user=wash_prosecutor, title="Due",
                                                     url="/").public_id
        },
        "saved_filter_": {
            "pk": SavedFilter.objects.create(user=wash_prosecutor, list_name="cases", name="M").pk
        },
        "calendar_feed": {"token": calendar_feed_rotate(actor=wash_prosecutor)},
        "sealing_act": {"public_id": case.public_id, "act": "unseal"},
        "report": {"section": "victims"},
        "api_token_": {
            "public_id": api_token_create(actor=wash_prosecutor, name="Sync").token.public_id
        },
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(wash_prosecutor.pk)),
            "token": default_token_generator.make_token(wash_prosecutor),
        },
    }  # fmt: skip
    people = [wash_prosecutor, wash_supervisor, sheriff_liaison, advocate, advocate_supervisor,
              administrator]  # fmt: skip
    return kwargs, people, case


def kwargs_for(name, pattern, kwargs):
    needed = set(pattern.pattern.converters)
    if not needed:
        return {}
    # The longest prefix of the URL's name that has every argument names its records.
    fits = [
        prefix for prefix in kwargs if name.startswith(prefix) and needed <= set(kwargs[prefix])
    ]
    assert fits, f"the page test does not know which record {name} shows"
    return {key: kwargs[max(fits, key=len)][key] for key in needed}


def assert_hardened(url, response):
    policy = response.headers.get("Content-Security-Policy", "")
    if policy == "default-src 'none'; sandbox":
        return  # a download served with a stricter policy of its own: nothing may run at all
    for directive in REQUIRED_DIRECTIVES:
        assert directive in policy, (url, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers.get("X-Frame-Options") == "DENY", url
    if "text/html" in response.headers.get("Content-Type", ""):
        html = response.content.decode()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            assert not pattern.search(html), (url, pattern.pattern, pattern.search(html).group())


def test_every_page_has_the_policy_and_no_inline_script(world):
    kwargs, people, _ = world
    clients = [Client()]
    for person in people:
        clients.append(verified_login(Client(), person))
    rendered, unreachable = set(), []
    for name, pattern in url_names():
        url = reverse(name, kwargs=kwargs_for(name, pattern, kwargs))
        statuses = []
        for client in clients:
            response = client.get(url)
            statuses.append(response.status_code)
            assert response.status_code != 500, url
            assert_hardened(url, response)
            if response.status_code == 200:
                rendered.add(name)
                break
        else:
            # Actions that only take a POST, and links that only redirect, are no page; but
            # someone signed in must reach them (the first client is signed out).
            if not set(statuses[1:]) & {302, 405}:
                unreachable.append((name, statuses))
    assert not unreachable, unreachable
    assert len(rendered) > 50, sorted(rendered)


def test_every_admin_page_has_the_policy_and_no_inline_script(world):
    _, people, _ = world
    client = verified_login(Client(), people[-1])
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(type("R", (), {"user": people[-1]})()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model.objects.first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        # Django's admin keeps its scripts in files; its few style attributes are inert under
        # the policy (style-src 'self'), so only scripts and handlers are checked here.
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group())
        assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html).group())


def test_no_template_of_ours_has_inline_script_handlers_or_styles():
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    for path in templates:
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
            assert not pattern.search(text), (str(path), pattern.search(text).group())
