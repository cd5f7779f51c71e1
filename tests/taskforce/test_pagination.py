"""Keyset pages over the policy's parts: every row once, in order, across the agency's own
records and those shared with it, in a fixed number of queries."""

import pytest
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.services.cases import case_create
from taskforce import access, folded
from taskforce.web.pagination import keyset_page

pytestmark = pytest.mark.django_db

ORDER = ("-updated_at", "-id")


def test_pages_of_own_and_shared_cases_come_in_order_one_query_each(
    wash_prosecutor, ramsey_prosecutor, wash_cao
):
    own = [case_create(actor=wash_prosecutor, number=f"W-{n}", title="") for n in range(4)]
    theirs = [case_create(actor=ramsey_prosecutor, number=f"R-{n}", title="") for n in range(3)]
    for case in theirs[:2]:
        access.share(actor=ramsey_prosecutor, obj=case, to_agency=wash_cao, reason="Co-counsel")
    case_create(actor=ramsey_prosecutor, number="R-unshared", title="")
    expected = sorted(own + theirs[:2], key=lambda c: (c.updated_at, c.id), reverse=True)
    parts = access.visible_parts(wash_prosecutor, Case)
    assert len(parts) == 2  # owned and granted: both parts are merged

    seen, after = [], None
    while True:
        with CaptureQueriesContext(connection) as asked:
            page = keyset_page(
                parts, order=ORDER, after=after, size=2, select_related=("owner_agency",),
                with_total=False,
            )  # fmt: skip
        # Keys and rows in one query on PostgreSQL, merged from each part's own first rows.
        assert len(asked) == (1 if connection.vendor == "postgresql" else 3)
        seen += page.rows
        if not page.has_next:
            break
        after = page.rows[-1]
    assert [c.number for c in seen] == [c.number for c in expected]
    assert {c.owner_agency.short_name for c in seen} == {
        wash_prosecutor.agency.short_name,
        ramsey_prosecutor.agency.short_name,
    }


def test_an_annotated_page_is_the_same_page(wash_prosecutor, ramsey_prosecutor, wash_cao):
    for n in range(3):
        case_create(actor=wash_prosecutor, number=f"W-{n}", title="")
    shared = case_create(actor=ramsey_prosecutor, number="R-1", title="")
    access.share(actor=ramsey_prosecutor, obj=shared, to_agency=wash_cao, reason="Co-counsel")
    parts = access.visible_parts(wash_prosecutor, Case)
    plain = keyset_page(parts, order=ORDER, size=3)
    annotated = keyset_page(parts, order=ORDER, size=3, annotate={"marker": Value(1)})
    assert [c.pk for c in plain.rows] == [c.pk for c in annotated.rows]
    assert (plain.has_next, plain.total) == (annotated.has_next, annotated.total) == (True, 4)
    assert all(c.marker == 1 for c in annotated.rows)


@pytest.mark.parametrize("annotate", [None, {"marker": Value(1)}])
def test_a_kept_first_page_is_the_same_page_and_follows_later_changes(
    wash_prosecutor, ramsey_prosecutor, wash_cao, annotate
):
    """The first page's count and keys compiled once per process (`kept`): the same rows,
    total and next page as building them, for each person their own, and a share made after
    compiling shows at the next use (the SQL is kept, never the rows)."""
    folded._COMPILED.clear()
    for n in range(3):
        case_create(actor=wash_prosecutor, number=f"W-{n}", title="")
    shared = case_create(actor=ramsey_prosecutor, number="R-1", title="")
    case_create(actor=ramsey_prosecutor, number="R-2", title="")

    def pages(person):
        build = lambda: access.visible_parts(person, Case)  # noqa: E731
        kept = keyset_page(build, model=Case, kept=("test", access.policy_key(person)),
                           order=ORDER, size=3, annotate=annotate)  # fmt: skip
        built = keyset_page(build(), order=ORDER, size=3, annotate=annotate)
        return kept, built

    for person, total in ((wash_prosecutor, 3), (ramsey_prosecutor, 2)):
        kept, built = pages(person)
        assert [c.pk for c in kept.rows] == [c.pk for c in built.rows]
        assert (kept.has_next, kept.total) == (built.has_next, built.total) == (False, total)
    access.share(actor=ramsey_prosecutor, obj=shared, to_agency=wash_cao, reason="Co-counsel")
    kept, built = pages(wash_prosecutor)
    assert [c.pk for c in kept.rows] == [c.pk for c in built.rows]
    assert shared.pk in [c.pk for c in kept.rows]
    assert (kept.has_next, kept.total) == (True, 4)


def test_a_first_page_that_holds_the_whole_list_asks_no_count(wash_prosecutor, ramsey_prosecutor,
                                                              wash_cao):  # fmt: skip
    """A list shorter than a page (a search's few matches) is counted from its rows: one
    query fewer, the same total; a longer one is still counted in full."""
    for n in range(3):
        case_create(actor=wash_prosecutor, number=f"W-{n}", title="")
    shared = case_create(actor=ramsey_prosecutor, number="R-1", title="")
    access.share(actor=ramsey_prosecutor, obj=shared, to_agency=wash_cao, reason="Co-counsel")
    parts = access.visible_parts(wash_prosecutor, Case)
    for size, total, asked in ((10, 4, 1), (4, 4, 1), (3, 4, 2)):
        with CaptureQueriesContext(connection) as seen:
            page = keyset_page(parts, order=ORDER, size=size)
        assert page.total == total and page.has_next == (size < total)
        if connection.vendor == "postgresql":
            assert len(seen) == asked, size
