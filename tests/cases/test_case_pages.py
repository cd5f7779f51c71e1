"""Case pages: validation beside the field, no silent overwrite, safe exports, audited reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from cases.services.cases import case_create
from taskforce.models import AuditEvent
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


def new_case(actor, number="26-CR-1", title="State v. Amos"):
    return case_create(actor=actor, number=number, title=title)


def test_a_prosecutor_creates_a_case_from_the_form(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:create"),
        {
            "number": "26-CR-5",
            "title": "State v. Orr",
            "kind": "buyer",
            "assigned_prosecutor": wash_prosecutor.pk,
        },
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:detail", args=[case.public_id])
    assert case.owner_agency == wash_prosecutor.agency
    assert AuditEvent.objects.filter(action="case.created", target_id=case.pk).exists()


def test_a_duplicate_number_is_refused_beside_the_field(client, wash_prosecutor, ramsey_prosecutor):
    new_case(wash_prosecutor, number="26-CR-5")
    new_case(ramsey_prosecutor, number="26-CR-5")  # another agency may use the same number
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:create"), {"number": "26-CR-5", "title": "Dup", "kind": "buyer"}
    )
    assert "already has a case with this number" in str(response.context["form"].errors)
    assert Case.objects.count() == 2


def test_an_overlong_title_is_refused_not_truncated(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:create"), {"number": "1", "title": "x" * 201, "kind": "buyer"}
    )
    assert "at most 200 characters" in str(response.context["form"].errors["title"])
    assert not Case.objects.exists()


def test_a_stale_edit_is_refused_and_keeps_both_versions_visible(
    client, wash_prosecutor, wash_supervisor
):
    case = new_case(wash_prosecutor)
    url = reverse("cases:edit", args=[case.public_id])
    form = {"number": case.number, "kind": "buyer", "version": case.version}

    verified_login(client, wash_supervisor)
    client.post(url, form | {"title": "State v. Amos (supervisor)"})
    verified_login(client, wash_prosecutor)
    stale = client.post(url, form | {"title": "State v. Amos (prosecutor)"})

    case.refresh_from_db()
    assert case.title == "State v. Amos (supervisor)"
    page = stale.content.decode()
    assert "changed this case" in page and "Nothing of yours was saved" in page
    assert "State v. Amos (prosecutor)" in page  # the user's typing is kept in the form

    resubmitted = client.post(url, stale.context["form"].data)
    assert resubmitted.status_code == 302
    case.refresh_from_db()
    assert case.title == "State v. Amos (prosecutor)"
    assert case.version == 3


def test_an_assignee_from_another_agency_is_refused(client, wash_prosecutor, ramsey_prosecutor):
    case = new_case(wash_prosecutor)
    verified_login(client, wash_prosecutor)
    response = client.post(
        reverse("cases:edit", args=[case.public_id]),
        {"number": case.number, "title": case.title, "kind": "buyer", "version": 1,
         "assigned_prosecutor": ramsey_prosecutor.pk},
    )  # fmt: skip
    assert "assigned_prosecutor" in response.context["form"].errors
    case.refresh_from_db()
    assert case.assigned_prosecutor is None


def test_export_neutralises_spreadsheet_formulas(client, wash_prosecutor):
    new_case(wash_prosecutor, title='=HYPERLINK("http://evil.example","open")')
    verified_login(client, wash_prosecutor)
    response = client.get(reverse("cases:export"))
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body
    assert AuditEvent.objects.filter(action="case.exported", changes__rows=1).exists()


def test_viewing_a_case_is_audited_with_who_and_from_where(client, wash_prosecutor):
    case = new_case(wash_prosecutor)
    verified_login(client, wash_prosecutor)
    client.get(reverse("cases:detail", args=[case.public_id]), HTTP_USER_AGENT="Firefox/140")
    event = AuditEvent.objects.get(action="case.viewed")
    assert (event.actor, event.actor_agency, event.target_id) == (
        wash_prosecutor,
        wash_prosecutor.agency,
        case.pk,
    )
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", "Firefox/140")


def test_the_list_pages_by_keyset_with_the_same_number_of_queries(client, wash_prosecutor):
    for n in range(7):
        new_case(wash_prosecutor, number=f"N-{n}")
    verified_login(client, wash_prosecutor)
    from cases.selectors import cases as selectors

    with CaptureQueriesContext(connection) as small:
        selectors.case_list(actor=wash_prosecutor, filters=selectors.CaseFilters(), size=2)
    # Both pages have a next one (a page holding the whole list is counted from its rows).
    with CaptureQueriesContext(connection) as large:
        selectors.case_list(actor=wash_prosecutor, filters=selectors.CaseFilters(), size=6)
    assert len(small) == len(large)

    seen = []
    url = reverse("cases:list")
    page = selectors.case_list(actor=wash_prosecutor, filters=selectors.CaseFilters(), size=3)
    seen += [c.number for c in page.rows]
    while page.has_next:
        page = selectors.case_list(
            actor=wash_prosecutor, filters=selectors.CaseFilters(), size=3, after=page.rows[-1]
        )
        seen += [c.number for c in page.rows]
    assert sorted(seen) == sorted(f"N-{n}" for n in range(7))
    assert client.get(url).status_code == 200


def test_a_foreign_cursor_is_a_404(client, wash_prosecutor, ramsey_prosecutor):
    foreign = new_case(ramsey_prosecutor)
    verified_login(client, wash_prosecutor)
    assert client.get(reverse("cases:list"), {"after": str(foreign.public_id)}).status_code == 404


def test_an_empty_caseload_says_so_plainly(client, wash_prosecutor):
    verified_login(client, wash_prosecutor)
    assert "No cases yet." in client.get(reverse("cases:list")).content.decode()


def test_second_chairs_find_the_case_under_mine_and_outsiders_cannot_be_one(
    client, wash_prosecutor, wash_supervisor, ramsey_prosecutor
):
    case = new_case(wash_prosecutor)
    verified_login(client, wash_prosecutor)
    url = reverse("cases:edit", args=[case.public_id])
    form = {"number": case.number, "title": case.title, "kind": "buyer", "version": 1}
    refused = client.post(url, form | {"other_prosecutors": [ramsey_prosecutor.pk]})
    assert "other_prosecutors" in refused.context["form"].errors
    assert client.post(url, form | {"other_prosecutors": [wash_supervisor.pk]}).status_code == 302
    verified_login(client, wash_supervisor)
    page = client.get(reverse("cases:list"), {"scope": "mine"}).context["page"]
    assert [c.number for c in page.rows] == [case.number]
