"""The case page reads its lists inside the case's own query on PostgreSQL (`taskforce.folded`,
issue #22): the same page as reading them list by list (the demo's SQLite path), in few queries."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CourtEvent, Statute
from cases.selectors.cases import case_deadlines, case_for_page, page_sections
from cases.services.cases import case_defendant_add, case_update
from cases.services.charges import ChargeInput, charge_amend, charge_dispose, charging_decide
from cases.services.court import (
    court_event_continue,
    court_event_schedule,
    juvenile_detention_record,
    sentence_record,
)
from cases.services.handoffs import handoff_create
from cases.services.notes import document_upload, note_add
from cases.services.notices import case_victim_add, victim_notice_record
from cases.services.people import PersonData
from deadlines.records import deadlines_of_record, deadlines_visible
from referrals.services import referral_send
from taskforce import access, folded
from tests.factories import AgencyFactory, member, verified_login

pytestmark = pytest.mark.django_db
# The page shows dates, hours and deadlines counted from them: one instant, whatever the day.
NOW = dt.datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def full_case(
    clock, sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor, wash_supervisor,
    ramsey_cao, advocacy_center, patron_13_15,
):  # fmt: skip
    """A case with a row in every list its page shows."""
    arrests = make_arrests(sheriff_liaison, operation, 2)
    [handoff] = handoff_create(actor=sheriff_liaison, arrests=arrests[:1], to_agency=wash_cao)
    case = handoff.case
    case_defendant_add(case=case, person=arrests[1].arrestee)
    [first, second] = case.defendants.order_by("pk")
    solicitation = Statute.objects.get(citation="609.352 subd. 2a")
    filed_on = timezone.localdate() - dt.timedelta(days=20)
    charging_decide(
        actor=wash_prosecutor, case=case, decision="charge",
        charges=[ChargeInput(first, patron_13_15, filed_on),
                 ChargeInput(second, solicitation, filed_on)],
    )  # fmt: skip
    convicted, amended = case.charges.order_by("pk")
    charge_dispose(actor=wash_prosecutor, charge=convicted, disposition="pleaded_as_charged",
                   disposed_on=timezone.localdate() - dt.timedelta(days=5))  # fmt: skip
    convicted.refresh_from_db()
    sentence_record(
        actor=wash_prosecutor, charge=convicted, sentenced_on=timezone.localdate(),
        assessment=Decimal("750.00"), custody_days=90, custody_stayed=True, probation_months=24,
        assessment_paid=Decimal("150.50"), installments=5,
    )  # fmt: skip
    charge_amend(actor=wash_prosecutor, charge=amended, statute=patron_13_15,
                 amended_on=timezone.localdate())  # fmt: skip
    hearing = court_event_schedule(
        actor=wash_prosecutor, case=case, kind="omnibus", courtroom="Courtroom 4",
        judge="Marsh", starts_at=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    court_event_continue(actor=wash_prosecutor, event=hearing,
                         starts_at=timezone.now() + dt.timedelta(days=14), continued_by="defense",
                         reason="Counsel unavailable")  # fmt: skip
    victim = case_victim_add(
        actor=wash_prosecutor, case=case, role="recovered",
        data=PersonData(first_name="Ava", last_name="Doe",
                        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365)),
    )  # fmt: skip
    victim_notice_record(actor=wash_prosecutor, case=case, victim=victim, kind="charging",
                         given_on=timezone.localdate(), method="advocate")  # fmt: skip
    juvenile_detention_record(actor=wash_prosecutor, case=case, facility="secure_juvenile",
                              detained_at=timezone.now() - dt.timedelta(hours=3))  # fmt: skip
    note_add(actor=wash_prosecutor, case=case, body="Agency-only strategy", visibility="agency")
    note_add(actor=wash_prosecutor, case=case, body="Shared status note", visibility="shared")
    document_upload(actor=wash_prosecutor, case=case, title="Charging memo", visibility="shared",
                    upload=SimpleUploadedFile("memo.txt", b"memo"))  # fmt: skip
    document_upload(actor=wash_prosecutor, case=case, title="Victim interview", visibility="agency",
                    upload=SimpleUploadedFile("notes.txt", b"private"))  # fmt: skip
    case.refresh_from_db()
    case_update(actor=wash_prosecutor, case=case, expected_version=case.version,
                data={"other_prosecutors": [wash_supervisor]})  # fmt: skip
    access.share(actor=wash_prosecutor, obj=case, to_agency=ramsey_cao, reason="Conflict check")
    referral_send(actor=wash_prosecutor, person=victim.person, to_agency=advocacy_center,
                  source="prosecution", reason="Services for the youth", case=case)  # fmt: skip
    case.refresh_from_db()
    return case


# One line of each list the page shows, as the prosecutor sees it.
SECTIONS = [
    "Buyer01, Pat", "Buyer02, Pat",  # defendants
    "Amended to 609.324 subd. 1(b)", "Pleaded guilty as charged, Nov 13, 2026",  # charges
    "90 days (stayed), 24 months' probation", "$150.50 paid",  # the sentence
    "Courtroom 4, Judge Marsh · Continued", "at the request of the defense",  # hearings
    "Doe, Ava (b. 2011", "Charging decision (611A.02 subd. 2) to Doe, Ava",  # victims, notices
    "Sentencing: A sentence was recorded.",  # a notice due, from the charges' sentences
    "Juvenile held since", "(secure juvenile facility",  # the open detention
    "Detention hearing for a detained juvenile",  # deadlines
    "Agency-only strategy", "Shared status note",  # notes
    "Charging memo", "Victim interview",  # documents
    "Handed off by Washington County Sheriff", "Decision: Charge", "Opened in intake",
    "Intake → Charged", "Shared with Ramsey County Attorney",
    "Referred to Safe Harbor: St. Croix Valley Advocacy",  # the timeline
]  # fmt: skip


def _page(client, case, **extra) -> str:
    html = client.get(reverse("cases:detail", args=[case.public_id]), **extra).content.decode()
    # Different at each request, and nothing of the record.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_the_case_page_reads_every_list_within_twelve_queries(
    client, full_case, wash_prosecutor, wash_supervisor, django_assert_max_num_queries
):
    for viewer in (wash_prosecutor, wash_supervisor):
        verified_login(client, viewer)
        with django_assert_max_num_queries(12):
            page = _page(client, full_case)
        for shown in SECTIONS:
            assert shown in page, shown
        assert f"; {wash_supervisor.display_name()}</dd>" in page  # another prosecutor


def test_the_folded_page_is_the_page_read_list_by_list(
    client, full_case, wash_prosecutor, ramsey_prosecutor
):
    """For the owner's prosecutor and for the agency it is shared with (shared notes and
    documents only, none of the owner's victims)."""
    for viewer in (wash_prosecutor, ramsey_prosecutor):
        verified_login(client, viewer)
        with CaptureQueriesContext(connection) as together:
            page = _page(client, full_case)
        with folded.separately(), CaptureQueriesContext(connection) as apart:
            assert _page(client, full_case) == page
        assert len(together) < len(apart) - 8
    assert "Shared status note" in page and "Charging memo" in page
    for hidden in ("Agency-only strategy", "Victim interview", "Doe, Ava"):
        assert hidden not in page


@pytest.mark.parametrize("first", ["owner", "shared with"])
def test_one_compiled_page_serves_every_agency_with_its_own_notes(
    client, full_case, wash_prosecutor, ramsey_prosecutor, first
):
    """The page's SQL is compiled once for all agencies, the viewer's agency put in at each use
    (`folded.fold_built`): whichever agency opens the case first, the owner's prosecutor reads
    its agency-only note and document, and the agency it is shared with reads neither."""
    folded._COMPILED.clear()
    viewers = [wash_prosecutor, ramsey_prosecutor]
    if first == "shared with":
        viewers.reverse()
    pages = {}
    for viewer in viewers:
        verified_login(client, viewer)
        pages[viewer] = _page(client, full_case)
    assert [key for key in folded._COMPILED if "case_page" in key] == [
        ("default", "cases.Case", "fold", "case_page", ("agency_id",), ())
    ]
    for private in ("Agency-only strategy", "Victim interview"):
        assert private in pages[wash_prosecutor]
        assert private not in pages[ramsey_prosecutor]
    for shared in ("Shared status note", "Charging memo"):
        assert shared in pages[wash_prosecutor] and shared in pages[ramsey_prosecutor]


def test_a_value_the_lists_do_not_use_is_refused(full_case):
    """A value `fold_built` was given but the lists never filter by would be silently dropped
    from every later use: compiling refuses it."""
    folded._COMPILED.clear()
    with pytest.raises(ValueError, match="agency_id"):
        folded.fold_built(Case.objects.all(), lambda agency_id: page_sections(None),
                          key=("unused value",), agency_id=full_case.owner_agency_id)  # fmt: skip


def _fields(record) -> dict:
    """Each column's value by its repr: of the same type and precision (150.50, not 150.5)."""
    return {f.attname: repr(getattr(record, f.attname)) for f in record._meta.concrete_fields}


def _same(left, right, tree: dict) -> None:
    """Equal records, with equal related records cached along the select_related tree."""
    assert type(left) is type(right)
    assert _fields(left) == _fields(right)
    for name, subtree in tree.items():
        descriptor = left._meta.get_field(name)
        assert descriptor.is_cached(left) and descriptor.is_cached(right), name
        one, other = descriptor.get_cached_value(left), descriptor.get_cached_value(right)
        assert (one is None) == (other is None), name
        if one is not None:
            _same(one, other, subtree)


def test_folded_rows_are_the_rows_django_reads(full_case, wash_prosecutor):
    """Every column of every list, decrypted names, decimals, dates and empty relations
    included, as `prefetch_related` gives them."""
    together = case_for_page(actor=wash_prosecutor, public_id=full_case.public_id)
    with folded.separately(), CaptureQueriesContext(connection) as apart:
        alone = case_for_page(actor=wash_prosecutor, public_id=full_case.public_id)
    assert len(apart) > 10  # each list in its own query
    for section in page_sections(wash_prosecutor.membership.agency_id):
        if section.to_attr:
            rows, others = getattr(together, section.to_attr), getattr(alone, section.to_attr)
        else:
            name = section.prefetch_through
            rows = list(getattr(together, name).all())
            others = list(getattr(alone, name).all())
        if section.prefetch_through == "defendants":  # no order asked: the page sorts them
            rows, others = sorted(rows, key=lambda p: p.pk), sorted(others, key=lambda p: p.pk)
        assert rows, section.prefetch_through  # the fixture fills every list
        assert len(rows) == len(others), section.prefetch_through
        tree = section.queryset.query.select_related or {}
        for row, other in zip(rows, others, strict=True):
            _same(row, other, tree)
    [sentenced] = [c for c in together.charges.all() if getattr(c, "sentence", None)]
    assert sentenced.sentence.assessment_paid == Decimal("150.50")
    assert sentenced.sentence.charge is sentenced
    assert together.charges.all()[0].case is together


def test_another_agency_still_gets_404(client, full_case):
    outsider = member(AgencyFactory(name="Dakota County Attorney", kind="prosecution"),
                      "prosecutor", username="dakota_prosecutor")  # fmt: skip
    verified_login(client, outsider)
    assert client.get(reverse("cases:detail", args=[full_case.public_id])).status_code == 404


def test_a_case_pages_deadlines_are_those_the_policy_shows(
    full_case, wash_prosecutor, ramsey_prosecutor, sheriff_liaison
):
    """Decided for the case in hand (`deadlines_of_record`): the same rows as the policy's id
    sets give, for its agency, the agency it is shared with and one that sees nothing of it."""
    events = list(full_case.court_events.all())
    for viewer in (wash_prosecutor, ramsey_prosecutor, sheriff_liaison):
        expected = deadlines_visible(
            viewer, of={Case: [full_case.pk], CourtEvent: [e.pk for e in events]}
        )
        found = deadlines_of_record(viewer, full_case, events)
        assert sorted(d.pk for d in found) == sorted(d.pk for d in expected)
        # The page's own read, its SQL kept compiled: every hearing of the case, no other's.
        shown = case_deadlines(viewer, Case.objects.get(pk=full_case.pk))
        assert sorted(d.pk for d in shown) == sorted(d.pk for d in expected)
    assert deadlines_of_record(wash_prosecutor, full_case, events).count() >= 2
    assert not deadlines_of_record(sheriff_liaison, full_case, events).exists()
