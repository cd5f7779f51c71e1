"""The intake page in pages: every hand-off reachable, newest first, each once; the waiting ones
counted; the cursor of another agency's hand-off is a 404 (issue #22: the page showed the
newest 200 of the 218,000 the largest agency received, with no way to the others)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.selectors.handoffs import intake_queue
from cases.services.handoffs import handoff_create
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(sheriff_liaison, operation, make_arrests, wash_cao, ramsey_cao):
    """Seven arrests handed to the Washington County Attorney (the first two since decided),
    two to Ramsey's."""
    arrests = make_arrests(sheriff_liaison, operation, 9)
    to_wash = handoff_create(actor=sheriff_liaison, arrests=arrests[:7], to_agency=wash_cao)
    handoff_create(actor=sheriff_liaison, arrests=arrests[7:], to_agency=ramsey_cao)
    for handoff in to_wash[:2]:
        handoff.case.status = "under_review"
        handoff.case.save(update_fields=["status"])
    return to_wash


def _walk(actor, pending: bool, size: int) -> tuple[list, list]:
    pages, after = [], None
    while True:
        page = intake_queue(actor=actor, pending=pending, after=after, size=size)
        pages.append(page)
        if not page.has_next:
            return [h.pk for p in pages for h in p.rows], pages
        after = page.rows[-1]


def test_pages_reach_every_hand_off_once_newest_first(handed, wash_prosecutor, ramsey_prosecutor):
    newest_first = sorted(handed, key=lambda h: (h.created_at, h.pk), reverse=True)
    seen, pages = _walk(wash_prosecutor, pending=False, size=3)
    assert seen == [h.pk for h in newest_first] and len(pages) == 3
    assert [p.total for p in pages] == [None, None, None]  # every one: not counted
    waiting, pages = _walk(wash_prosecutor, pending=True, size=2)
    assert waiting == [h.pk for h in newest_first if h.case.status == "intake"]
    assert [p.total for p in pages] == [5, None, None]  # counted on the first page
    # Another prosecution agency's queue holds none of these.
    theirs, _ = _walk(ramsey_prosecutor, pending=False, size=50)
    assert len(theirs) == 2 and not set(theirs) & {h.pk for h in handed}


def test_the_page_counts_the_waiting_links_the_next_and_refuses_another_agencys_cursor(
    client, handed, wash_prosecutor, ramsey_prosecutor, monkeypatch
):
    monkeypatch.setattr("cases.views.handoffs.INTAKE_PAGE_SIZE", 3)
    verified_login(client, wash_prosecutor)
    first = client.get(reverse("cases:intake"))
    body = first.content.decode()
    assert "5 arrests waiting for a charging decision." in body
    assert 'rel="next"' in body
    newest = sorted(handed, key=lambda h: (h.created_at, h.pk), reverse=True)
    assert f"after={newest[2].public_id}" in body
    second = client.get(reverse("cases:intake"), {"after": newest[2].public_id})
    assert second.status_code == 200
    assert newest[3].arrest.arrestee.display_name in second.content.decode()
    # Every hand-off, decided too, the filter kept in the next page's link.
    every = client.get(reverse("cases:intake"), {"show": "all"}).content.decode()
    assert "waiting for a charging decision" not in every
    assert f"show=all&amp;after={newest[2].public_id}" in every
    # A cursor the person may not see (Ramsey's hand-off) is a 404, as its page would be.
    client.logout()
    verified_login(client, ramsey_prosecutor)
    assert client.get(reverse("cases:intake"), {"after": newest[0].public_id}).status_code == 404


def test_the_page_asks_as_many_queries_for_seven_rows_as_for_one(
    client, handed, wash_prosecutor, monkeypatch
):
    """No per-row query: the columns the queue leaves unread (an arrest's narrative, address)
    are never asked for row by row."""
    verified_login(client, wash_prosecutor)
    asked = {}
    for size in (1, 7):
        monkeypatch.setattr("cases.views.handoffs.INTAKE_PAGE_SIZE", size)
        client.get(reverse("cases:intake"), {"show": "all"})  # warm: sessions, kept SQL
        with CaptureQueriesContext(connection) as seen:
            body = client.get(reverse("cases:intake"), {"show": "all"}).content.decode()
        assert body.count('href="/cases/') >= size
        asked[size] = len(seen)
    assert asked[1] == asked[7]
