"""An operation's page reads its counties, participants and ad responses, an arrest's page its
recommended charges, inside the record's own query on PostgreSQL (`taskforce.folded`, issue
#22): the same pages as reading them apart."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
        assert len(together) == len(apart) - 1
        assert "609.324 subd. 1(b)" in shown and "Operation Northern Lights" in shown
