"""The prosecutor's caseload: columns that matter, search, filters, sort, saved filters, export."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors.cases import CaseFilters, case_count
from cases.services.cases import case_create
from cases.services.court import court_event_schedule
from cases.services.handoffs import handoff_create
from taskforce import access
from taskforce.models import County, SavedFilter
from taskforce.web.pagination import count_parts
from tests.factories import search, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor):
    arrests = make_arrests(sheriff_liaison, operation, 2)
    handed = handoff_create(actor=sheriff_liaison, arrests=arrests, to_agency=wash_cao)
    other = case_create(
        actor=wash_prosecutor, number="26-CR-0900", title="State v. Trafficking Ring",
        kind="trafficking", county=County.objects.get(name="Ramsey"),
        assigned_prosecutor=wash_prosecutor,
    )  # fmt: skip
    return [h.case for h in handed] + [other]


def numbers(client, **params):
    if "q" in params:
        page = search(client, reverse("cases:list"), params.pop("q"), **params).context["page"]
    else:
        page = client.get(reverse("cases:list"), params).context["page"]
    return [case.number for case in page.rows]


def test_rows_show_defendants_next_hearing_and_counts(client, caseload, wash_prosecutor):
    hearing_at = timezone.now() + dt.timedelta(days=3)
    court_event_schedule(
        actor=wash_prosecutor, case=caseload[0], kind="omnibus", starts_at=hearing_at
    )
    verified_login(client, wash_prosecutor)
    rows = {c.number: c for c in client.get(reverse("cases:list")).context["page"].rows}
    first = rows[caseload[0].number]
    assert [p.last_name for p in first.defendants.all()] == ["Buyer01"]
    assert first.next_hearing == hearing_at
    assert (first.active_counts, first.victim_count) == (0, 0)
    assert rows["26-CR-0900"].next_hearing is None
    # Defendants and assigned prosecutors are read for the page's rows together.
    assert [p.last_name for p in first.defendants_shown] == ["Buyer01"]
    assert first.assigned_prosecutor is None
    assert rows["26-CR-0900"].assigned_prosecutor.display_name() == wash_prosecutor.display_name()


def test_search_finds_title_words_numbers_and_defendants(client, caseload, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert numbers(client, q="trafficking") == ["26-CR-0900"]  # full-text on the title
    assert numbers(client, q="rings") == ["26-CR-0900"]  # stemmed: ring/rings
    assert numbers(client, q="0900") == ["26-CR-0900"]
    defendant = caseload[1].defendants.get()
    defendant.last_name = "Okafor-Nwosu"
    defendant.save()
    # Names are encrypted: whole names match, in any order, blind to case, accents and hyphens.
    assert numbers(client, q="PAT okafornwosu") == [caseload[1].number]
    assert numbers(client, q="Okafor-Nwosu") == [caseload[1].number]
    assert numbers(client, q="nothing like it") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the title's words: PostgreSQL")
def test_the_title_words_follow_every_change_of_the_title(client, caseload, wash_prosecutor):
    """The words searched are kept on the row by a trigger (cases 0040), so a title changed by a
    bulk UPDATE (as imports and `record_update` write) is searched by its new words at once."""
    verified_login(client, wash_prosecutor)
    Case.objects.filter(number="26-CR-0900").update(title="Motel labor scheme")
    assert numbers(client, q="schemes") == ["26-CR-0900"]  # stemmed: only the vector finds it
    assert numbers(client, q="rings") == []
    stored = Case.objects.filter(number="26-CR-0900").values_list("title_vector", flat=True)
    assert set(re.findall(r"'(\w+)'", stored.get())) == {"motel", "labor", "scheme"}


def test_filters_and_sorts(client, caseload, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert numbers(client, kind="trafficking") == ["26-CR-0900"]
    washington = County.objects.get(name="Washington").pk
    assert set(numbers(client, county=washington)) == {c.number for c in caseload[:2]}
    assert numbers(client, scope="mine") == ["26-CR-0900"]
    assert numbers(client, sort="number") == sorted(c.number for c in caseload)


def test_a_saved_filter_comes_back_and_is_its_owners_alone(
    client, caseload, wash_prosecutor, wash_supervisor
):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("saved_filter_save"),
        {
            "list_name": "cases:list",
            "name": "Buyer intake",
            "query": "kind=buyer&status=intake&after=x",
        },
    )
    saved = SavedFilter.objects.get()
    assert saved.query == "kind=buyer&status=intake"  # the page cursor is never saved
    assert response["Location"] == reverse("cases:list") + "?kind=buyer&status=intake"
    page = client.get(reverse("cases:list")).content.decode()
    assert "Buyer intake" in page

    verified_login(client, wash_supervisor)
    assert "Buyer intake" not in client.get(reverse("cases:list")).content.decode()
    assert client.post(reverse("saved_filter_delete", args=[saved.pk])).status_code == 404
    verified_login(client, wash_prosecutor)
    client.post(reverse("saved_filter_delete", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_for_an_unknown_page_is_refused(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    client.post(
        reverse("saved_filter_save"), {"list_name": "admin:index", "name": "x", "query": ""}
    )
    assert not SavedFilter.objects.exists()


def test_the_export_carries_the_caseload_columns(client, caseload, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    body = b"".join(client.get(reverse("cases:export")).streaming_content).decode()
    header = body.splitlines()[0]
    assert "Defendants" in header and "Next hearing" in header and "Victims" in header
    assert "Buyer01, Pat" in body


def test_the_export_gives_a_hearing_in_local_time_with_its_offset(
    client, caseload, wash_prosecutor
):
    """A 9:00 hearing on Dec 24 (CST, UTC-6) is `2026-12-24T09:00:00-06:00`, not 15:00 UTC."""
    nine = timezone.make_aware(dt.datetime(2026, 12, 24, 9, 0))
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 12, 1, 12, 0)), tick=False):
        court_event_schedule(actor=wash_prosecutor, case=caseload[0], kind="omnibus",
                             starts_at=nine)  # fmt: skip
        verified_login(client, wash_prosecutor)
        body = b"".join(client.get(reverse("cases:export")).streaming_content).decode()
    assert "2026-12-24T09:00:00-06:00" in body and "+00:00" not in body


def test_search_words_never_reach_an_address_a_link_or_the_audit_trail(
    client, caseload, wash_prosecutor
):
    from taskforce.models import AuditEvent

    defendant = caseload[1].defendants.get()
    defendant.last_name = "Lindqvist"
    defendant.save()
    verified_login(client, wash_prosecutor)
    posted = client.post(reverse("cases:list"), {"_filters": "1", "q": "Lindqvist", "kind": ""})
    assert posted.status_code == 302
    assert "Lindqvist" not in posted["Location"] and posted["Location"].startswith("/cases/?s=")
    page = client.get(posted["Location"])
    assert [case.number for case in page.context["page"].rows] == [caseload[1].number]
    assert 'value="Lindqvist"' in page.content.decode()  # the box still holds the words
    links = [link for link in re.findall(r'href="([^"]*)"', page.content.decode()) if "s=" in link]
    assert links and not any("Lindqvist" in link for link in links)
    export_url = reverse("cases:export") + "?" + page.context["query"]
    exported = b"".join(client.get(export_url).streaming_content).decode()
    assert caseload[1].number in exported and caseload[0].number not in exported
    event = AuditEvent.objects.filter(action="case.exported").latest("id")
    assert "Lindqvist" not in str(event.changes)
    assert event.changes["filters"]["q"] == "(search words not recorded)"

    # An old link with the words is moved to a token address at once.
    moved = client.get(reverse("cases:list"), {"q": "Lindqvist"})
    assert moved.status_code == 302 and "Lindqvist" not in moved["Location"]

    # A token is this session's alone: elsewhere it stands for no search at all.
    token_address = posted["Location"]
    client.logout()
    verified_login(client, wash_prosecutor)
    assert len(client.get(token_address).context["page"].rows) == len(caseload)


def test_a_saved_filter_keeps_the_filters_but_not_the_search_words(
    client, caseload, wash_prosecutor
):
    verified_login(client, wash_prosecutor)
    client.post(
        reverse("saved_filter_save"),
        {"list_name": "cases:list", "name": "Mine", "query": "scope=mine&q=Lindqvist&s=abc"},
    )
    assert SavedFilter.objects.get(user=wash_prosecutor).query == "scope=mine"


def test_the_api_keeps_its_query_parameters(client, caseload, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    answer = client.get("/api/cases/", {"number": "26-cr-0900", "q": "Trafficking"})
    assert answer.status_code == 200
    assert [row["number"] for row in answer.json()["results"]] == ["26-CR-0900"]


def test_the_total_counts_own_and_shared_in_cases_in_one_query(
    caseload, wash_prosecutor, ramsey_prosecutor, ramsey_cao
):
    ramsey = County.objects.get(name="Ramsey")
    theirs = case_create(
        actor=ramsey_prosecutor, number="26-CR-0950", title="State v. Elsewhere",
        kind="trafficking", county=ramsey, assigned_prosecutor=ramsey_prosecutor,
    )  # fmt: skip
    case_create(
        actor=ramsey_prosecutor, number="26-CR-0951", title="State v. Unshared",
        kind="trafficking", county=ramsey, assigned_prosecutor=ramsey_prosecutor,
    )  # fmt: skip
    access.share(
        actor=ramsey_prosecutor, obj=theirs, to_agency=wash_prosecutor.agency, reason="Co-counsel"
    )
    parts = access.visible_parts(wash_prosecutor, Case)
    assert len(parts) == 2  # owned, and shared in
    with CaptureQueriesContext(connection) as counted:
        total = count_parts(parts)
    assert total == len(caseload) + 1 == sum(part.count() for part in parts)
    assert len(counted.captured_queries) == 1
    assert case_count(actor=wash_prosecutor, filters=CaseFilters()) == len(caseload) + 1


def test_shared_and_agency_scopes_list_count_and_export_only_their_cases(
    client, caseload, wash_prosecutor, ramsey_prosecutor
):
    """The "shared with my agency" scope reads only the part shared in, "my agency's" only the
    owned part (issue #22: the shared export walked every owned case to keep none)."""
    ramsey = County.objects.get(name="Ramsey")
    theirs = case_create(
        actor=ramsey_prosecutor, number="26-CR-0950", title="State v. Elsewhere", county=ramsey,
    )  # fmt: skip
    case_create(actor=ramsey_prosecutor, number="26-CR-0951", title="Unshared", county=ramsey)
    access.share(
        actor=ramsey_prosecutor, obj=theirs, to_agency=wash_prosecutor.agency, reason="Co-counsel"
    )
    verified_login(client, wash_prosecutor)
    own = sorted(c.number for c in caseload)
    assert numbers(client, scope="shared") == ["26-CR-0950"]
    assert sorted(numbers(client, scope="agency")) == own
    assert case_count(actor=wash_prosecutor, filters=CaseFilters(scope="shared")) == 1
    assert case_count(actor=wash_prosecutor, filters=CaseFilters(scope="agency")) == len(own)
    export = reverse("cases:export")
    shared = b"".join(client.get(export, {"scope": "shared"}).streaming_content).decode()
    assert "26-CR-0950" in shared and "26-CR-0951" not in shared
    assert not any(number in shared for number in own)
    mine = b"".join(client.get(export, {"scope": "agency"}).streaming_content).decode()
    assert all(number in mine for number in own) and "26-CR-0950" not in mine
    # A colleague of an agency nothing is shared with has no shared-in part at all.
    assert case_count(actor=ramsey_prosecutor, filters=CaseFilters(scope="shared")) == 0


@time_machine.travel(dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC), tick=True)
def test_a_row_shows_its_values_escaped_its_link_and_its_local_times(
    client, caseload, wash_prosecutor
):
    """The rows are built in Python (cases/views/cases.py, ROW): every value escaped as the
    template would, the case's own link, times in local time with their ISO form."""
    case = caseload[0]
    case.title = "<img src=x onerror=alert(1)> & co"
    case.save()
    hearing_at = timezone.make_aware(dt.datetime(2027, 1, 5, 9, 30))
    court_event_schedule(actor=wash_prosecutor, case=case, kind="omnibus", starts_at=hearing_at)
    verified_login(client, wash_prosecutor)
    page = client.get(reverse("cases:list")).content.decode()
    assert "<img src=x" not in page
    assert '<br><span class="muted">&lt;img src=x onerror=alert(1)&gt; &amp; co</span>' in page
    link = reverse("cases:detail", kwargs={"public_id": case.public_id})
    assert f'<td><a href="{link}">{case.number}</a></td>' in page
    assert '<time datetime="2027-01-05T09:30:00-06:00">Jan 5, 2027 09:30</time>' in page
