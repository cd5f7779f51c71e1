"""The every-channel canary harness (issue #18).

Records are made through the services carrying unique canary strings, shared and derived across
agencies. Then, as every actor, the harness reads everything they can reach: every HTML page
reachable by links from home (CSV exports, reports and the audit log included), every API list
and detail with all its cursor pages, and the calendar feed. A canary may appear only where the
access matrix says. Then records are sealed, a share revoked, consent withdrawn and a person
expunged, and the harness reads again; after the expunge it scans every table, in clear and as
the name's keyed hash.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Person
from cases.models.people import name_key
from cases.services.arrests import arrests_create
from cases.services.handoffs import handoff_create
from cases.services.notes import note_add
from cases.services.people import PersonData, person_create
from deadlines.preferences import calendar_feed_rotate
from referrals.services import referral_open_victim, referral_send, referral_transition
from taskforce import access
from taskforce.models import Role
from taskforce.sealing import record_expunge, record_seal
from taskforce.services import membership_end
from tests.factories import UserFactory, member, verified_login
from tests.stings_fixtures import arrest_row
from victims.services import advocate_note_add, consent_record, consent_revoke

# Each test reads every channel as every role several times: minutes on a loaded 2-core machine.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(900)]

CANARIES = {
    "buyer": "Zorblatt",  # the arrestee's surname
    "buyer birth": "1977-07-07",
    "buyer phone": "6515550123",
    "booking": "BKCANARY4242",
    "narrative": "Narrcanary",
    "case note": "Notecanary",
    "youth": "Quimbleby",  # the referred youth's surname
    "referral reason": "Reasoncanary",
    "victim address": "Addrcanary",
    "advocate note": "Advnotecanary",
}
# Other spellings of the same fact a page may print.
SPELLINGS = {"buyer birth": ("Jul 7, 1977", "07/07/1977"), "buyer phone": ("651-555-0123",)}

LINK = re.compile(r"""href="([^"#]+)""")
API_LISTS = (
    "operations", "arrests", "people", "handoffs", "cases", "victims", "referrals", "deadlines",
    "runaways", "notifications",
)  # fmt: skip
NEVER_FOLLOW = ("/accounts/logout", "/admin/", "/static/", "/api/docs", "/api/schema")
MOST_PAGES = 250


def reachable(client: Client) -> dict[str, str]:
    """Every GET page reachable by links from home, and every API list and detail with all its
    pages: address → text."""
    seen: dict[str, str] = {}
    queue = deque(["/"])
    while queue and len(seen) < MOST_PAGES:
        address = queue.popleft()
        if address in seen:
            continue
        response = client.get(address)
        text = (
            b"".join(response.streaming_content).decode(errors="replace")
            if getattr(response, "streaming", False)
            else response.content.decode(errors="replace")
        )
        seen[address] = text if response.status_code == 200 else ""
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(text):
            href = href.replace("&amp;", "&")
            target = urlsplit(urljoin(address, href))
            if target.netloc not in ("", "testserver") or target.path.startswith(NEVER_FOLLOW):
                continue
            if (
                target.query
                and not target.path.startswith("/reports/")
                and not re.search(r"(^|&)export=", target.query)
            ):
                continue  # filters and sorting show the same records again
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    for name in API_LISTS:
        address = f"/api/{name}/"
        while address:
            response = client.get(address)
            if response.status_code != 200:
                break
            page = response.json()
            seen[address] = json.dumps(page)
            for row in page.get("results", []):
                if "public_id" in row:
                    detail = f"/api/{name}/{row['public_id']}/"
                    seen[detail] = client.get(detail).content.decode()
            address = page.get("next") or ""
            address = urlsplit(address).path + (
                f"?{urlsplit(address).query}" if urlsplit(address).query else ""
            )
    return seen


def found(pages: dict[str, str]) -> dict[str, list[str]]:
    """Canary → the addresses where it appears."""
    where = {}
    for canary, text in CANARIES.items():
        spellings = (text, *SPELLINGS.get(canary, ()))
        hits = [address for address, page in pages.items() if any(s in page for s in spellings)]
        if hits:
            where[canary] = hits
    return where


@pytest.fixture
def world(
    sheriff, sheriff_liaison, operation, washington, patron_13_15, wash_cao, wash_prosecutor,
    wash_supervisor, ramsey_prosecutor, woodbury_liaison, advocacy_center, advocate, coordinator,
):  # fmt: skip
    row = arrest_row(
        washington, patron_13_15, 5, last_name=CANARIES["buyer"], first_name="Orrin",
        date_of_birth=dt.date(1977, 7, 7), phone=CANARIES["buyer phone"],
        booking_number=CANARIES["booking"], narrative=f"{CANARIES['narrative']} at the motel",
    )  # fmt: skip
    [arrest] = arrests_create(
        actor=sheriff_liaison, operation=operation, arresting_agency=sheriff, rows=[row]
    )
    [handoff] = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)
    case = handoff.case
    note_add(actor=wash_prosecutor, case=case, body=CANARIES["case note"], visibility="agency")
    youth = person_create(
        actor=sheriff_liaison,
        data=PersonData(first_name="Lia", last_name=CANARIES["youth"],
                        date_of_birth=timezone.localdate() - dt.timedelta(days=16 * 365)),
    )  # fmt: skip
    referral = referral_send(
        actor=sheriff_liaison, person=youth, to_agency=advocacy_center, source="police",
        reason=f"{CANARIES['referral reason']}: recovered in the sting", urgency="urgent",
    )  # fmt: skip
    for status in ("received", "accepted"):
        referral_transition(actor=advocate, referral=referral, to_status=status)
    victim = referral_open_victim(
        actor=advocate, referral=referral, identified_how="sting",
        address=f"12 {CANARIES['victim address']} Lane", guardian_note="Aunt has custody",
    )  # fmt: skip
    advocate_note_add(actor=advocate, victim=victim, body=CANARIES["advocate note"])
    administrator = UserFactory(username="administrator", is_staff=True, is_superuser=True)
    actors = {
        "sheriff liaison": sheriff_liaison,
        "county prosecutor": wash_prosecutor,
        "county supervisor": wash_supervisor,
        "other county prosecutor": ramsey_prosecutor,
        "other police": woodbury_liaison,
        "advocate": advocate,
        "advocacy supervisor": member(advocacy_center, Role.SUPERVISOR, username="scv_sup"),
        "coordinator": coordinator,
    }
    return {"arrest": arrest, "case": case, "victim": victim, "referral": referral,
            "youth": youth, "actors": actors, "administrator": administrator}  # fmt: skip


POLICE_AND_PROSECUTION = {"sheriff liaison", "county prosecutor", "county supervisor"}
PROSECUTION = {"county prosecutor", "county supervisor"}
ADVOCACY = {"advocate", "advocacy supervisor"}
# Who may read each canary at the start: the access matrix of the world above.
MATRIX = {
    "buyer": POLICE_AND_PROSECUTION,
    "buyer birth": POLICE_AND_PROSECUTION,
    "buyer phone": POLICE_AND_PROSECUTION,
    "booking": POLICE_AND_PROSECUTION,
    "narrative": POLICE_AND_PROSECUTION,
    "case note": PROSECUTION,
    "youth": {"sheriff liaison"} | ADVOCACY,
    "referral reason": {"sheriff liaison"} | ADVOCACY,
    "victim address": ADVOCACY,
    "advocate note": ADVOCACY,
}


def read_as_everyone(world) -> dict[str, dict[str, list[str]]]:
    """Actor → canary → addresses where it appeared."""
    seen = {}
    for name, user in world["actors"].items():
        client = Client()
        verified_login(client, user)
        pages = reachable(client)
        feed = reverse("calendar_feed", args=[calendar_feed_rotate(actor=user)])
        pages[feed] = client.get(feed).content.decode()
        seen[name] = found(pages)
    return seen


def leaks(seen, matrix) -> list[tuple[str, str, list[str]]]:
    return [
        (actor, canary, addresses[:3])
        for actor, canaries in seen.items()
        for canary, addresses in canaries.items()
        if actor not in matrix.get(canary, set())
    ]


def test_every_canary_appears_only_where_the_access_matrix_says(world):
    seen = read_as_everyone(world)
    assert leaks(seen, MATRIX) == []
    # The harness reaches what it should: each owner reads its own canaries.
    for canary, readers in MATRIX.items():
        assert readers & {actor for actor, found in seen.items() if canary in found}, canary

    # Sealing the buyer takes his name, birth date and phone out of every channel.
    record_seal(actor=world["administrator"], obj=world["arrest"].arrestee, reason="Order 26-1")
    sealed = MATRIX | {"buyer": set(), "buyer birth": set(), "buyer phone": set()}
    assert leaks(read_as_everyone(world), sealed) == []


def test_after_an_expunge_no_table_holds_the_name_in_clear_or_as_its_key(world, client):
    buyer = world["arrest"].arrestee
    # Someone searched for him: the words sit in their session.
    verified_login(client, world["actors"]["county prosecutor"])
    client.post("/cases/", {"_filters": "1", "q": CANARIES["buyer"]})
    record_expunge(actor=world["administrator"], obj=buyer, reason="Expungement order 26-2")
    key = name_key(CANARIES["buyer"])
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        holding = []
        for table in tables:
            for needle in (CANARIES["buyer"], key):
                cursor.execute(
                    f"SELECT count(*) FROM {connection.ops.quote_name(table)} t "  # noqa: S608
                    "WHERE t::text ILIKE %s",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    holding.append((table, needle))
    assert holding == []
    decoded = [str(session.get_decoded()) for session in Session.objects.all()]
    assert not [s for s in decoded if CANARIES["buyer"] in s]
    assert Person.objects.filter(pk=buyer.pk, sealed_at__isnull=False).exists()
    assert not access.visible(world["actors"]["county prosecutor"], Person).filter(pk=buyer.pk)


def test_revoking_withdrawing_and_leaving_take_the_canaries_back(world, sheriff_liaison):
    actors = world["actors"]
    other_police = actors["other police"]
    # Police share the arrest with another department, then revoke it.
    share = access.share(
        actor=sheriff_liaison, obj=world["arrest"], to_agency=other_police.membership.agency,
        reason="Joint follow-up",
    )  # fmt: skip
    arrest_and_arrestee = ("buyer", "buyer birth", "buyer phone", "booking", "narrative")
    shared = MATRIX | {canary: MATRIX[canary] | {"other police"} for canary in arrest_and_arrestee}
    seen = read_as_everyone(world)
    assert leaks(seen, shared) == []
    assert "buyer" in seen["other police"]  # the share did reach them
    access.unshare(actor=sheriff_liaison, share_row=share, reason="Done")
    # The victim consents to the police department seeing her contact details, then withdraws.
    today = timezone.localdate()
    consent = consent_record(
        actor=actors["advocate"], victim=world["victim"],
        to_agency=sheriff_liaison.membership.agency, scope="contact", purpose="Safety planning",
        signed_on=today, expires_on=today + dt.timedelta(days=30), signed_by_minor=True,
        guardian_name="Aunt", guardian_relationship="Aunt",
    )  # fmt: skip
    consented = MATRIX | {"victim address": ADVOCACY | {"sheriff liaison"}}
    seen = read_as_everyone(world)
    assert leaks(seen, consented) == []
    assert "victim address" in seen["sheriff liaison"]
    consent_revoke(actor=actors["advocate"], consent=consent, reason="Withdrawn")
    # The county prosecutor leaves the office.
    membership_end(membership=actors["county prosecutor"].membership)
    left = {canary: readers - {"county prosecutor"} for canary, readers in MATRIX.items()}
    seen = read_as_everyone(world)
    assert leaks(seen, left) == [] and seen["county prosecutor"] == {}
