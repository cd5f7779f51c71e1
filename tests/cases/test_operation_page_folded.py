"""An operation's page reads its counties, participants and ad responses inside the record's own
query on PostgreSQL (`taskforce.folded`, issue #22): the same page as reading them apart. An
arrest's page reads the arrest and its charges in two plain queries (cases/selectors/arrests.py):
the same page either way, within the page budget."""

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Arrest
from cases.selectors.arrests import arrest_for_page
from cases.services.operations import ad_responses_add, operation_create
from taskforce import access, folded
from tests.factories import verified_login

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def sting(sheriff_liaison, washington, ramsey, woodbury_pd, wash_cao, make_arrests):
    with time_machine.travel(NOW, tick=True):
        operation = operation_create(
            actor=sheriff_liaison, name="Operation Northern Lights", kind="buyer_sting",
            starts_on=dt.date(2026, 11, 1), counties=[washington, ramsey],
            participants=[woodbury_pd],
        )  # fmt: skip
        make_arrests(sheriff_liaison, operation, 2)
        ad_responses_add(actor=sheriff_liaison, operation=operation, seen_on=dt.date(2026, 11, 2),
                         text="651-555-0101\n@night_buyer")  # fmt: skip
        access.share(actor=sheriff_liaison, obj=operation, to_agency=wash_cao, reason="Charging")
        yield operation


def _page(client, operation) -> str:
    url = reverse("cases:operation_detail", args=[operation.public_id])
    html = client.get(url).content.decode()
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def test_the_operation_page_is_the_same_read_in_one_query_or_apart(
    client, sting, sheriff_liaison, wash_prosecutor, django_assert_max_num_queries
):
    for viewer in (sheriff_liaison, wash_prosecutor):
        verified_login(client, viewer)
        _page(client, sting)  # content types cached, as on a running server
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as together:
            page = _page(client, sting)
        with folded.separately(), CaptureQueriesContext(connection) as apart:
            assert _page(client, sting) == page
        assert len(together) == len(apart) - 3
        for shown in ("Ramsey, Washington", "Woodbury Police Department", "@night_buyer",
                      "Numbers and handles seen (2)"):  # fmt: skip
            assert shown in page, shown


def test_an_arrest_page_is_the_same_read_in_one_query_or_apart(
    client, sting, sheriff_liaison, wash_prosecutor, django_assert_max_num_queries
):
    arrest = sting.arrests.order_by("pk").first()
    url = reverse("cases:arrest_detail", args=[arrest.public_id])

    def page() -> str:
        html = client.get(url).content.decode()
        return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)

    for viewer in (sheriff_liaison, wash_prosecutor):
        verified_login(client, viewer)
        page()  # content types cached, as on a running server
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as together:
            shown = page()
        with folded.separately(), CaptureQueriesContext(connection) as apart:
            assert page() == shown
        assert len(together) == len(apart)
        assert "609.324 subd. 1(b)" in shown and "Operation Northern Lights" in shown


def _values(record) -> dict:
    return {f.attname: getattr(record, f.attname) for f in type(record)._meta.concrete_fields}


def test_the_arrest_page_reads_the_records_a_queryset_would(
    sting, sheriff_liaison, wash_prosecutor, ramsey_prosecutor, django_assert_num_queries
):
    """Every column of the arrest and of each related record, decrypted, and its charges with
    their statutes: what select_related and prefetch_related make; NotFound for an arrest the
    viewer may not see and for a missing one."""
    related = ("arrestee", "operation", "county", "arresting_agency", "owner_agency")
    for arrest in sting.arrests.order_by("pk"):
        want = (
            Arrest.objects.select_related(*related)
            .prefetch_related("charges__statute")
            .get(pk=arrest.pk)
        )
        charges_wanted = list(want.charges.order_by("pk"))
        for viewer in (sheriff_liaison, wash_prosecutor):  # the owner; through the shared sting
            got = arrest_for_page(actor=viewer, public_id=arrest.public_id)
            assert _values(got) == _values(want)
            for name in related:
                assert _values(getattr(got, name)) == _values(getattr(want, name)), name
            with django_assert_num_queries(0):
                charges = list(got.charges.all())
                statutes = [charge.statute for charge in charges]
            assert [_values(c) for c in charges] == [_values(c) for c in charges_wanted]
            assert [_values(s) for s in statutes] == [_values(c.statute) for c in charges_wanted]
        with pytest.raises(access.NotFound):
            arrest_for_page(actor=ramsey_prosecutor, public_id=arrest.public_id)
    with pytest.raises(access.NotFound):
        arrest_for_page(actor=sheriff_liaison, public_id=uuid.uuid4())
