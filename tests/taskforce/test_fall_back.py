"""Local times on the days the clocks change (America/Chicago): 01:00-01:59 on 1 Nov 2026
happens twice and is asked about, 02:00-02:59 on 8 Mar 2026 and 14 Mar 2027 never happens and
is refused, an ordinary day is taken as typed; the two 01:30s are shown with their zones."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from rest_framework.exceptions import ValidationError as ApiError

from api.fields import DateTimeField as ApiDateTimeField
from cases.forms.arrests import ArrestRowForm
from cases.forms.court import DetentionForm
from cases.models import CourtEvent
from cases.services.handoffs import handoff_create
from cases.services.imports import _parse_datetime
from tests.factories import verified_login

UTC = dt.UTC
CHICAGO = ZoneInfo("America/Chicago")
FIRST_0130 = dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 CDT
SECOND_0130 = dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # 01:30 CST


def test_the_app_keeps_central_time():
    assert settings.TIME_ZONE == "America/Chicago"


def detention(when: str, **extra) -> DetentionForm:
    return DetentionForm({"detained_at": when, "facility": "secure_juvenile", **extra})


def test_a_time_that_happens_twice_is_asked_about_beside_the_field():
    form = detention("2026-11-01T01:30")
    assert not form.is_valid()
    [message] = form.errors["detained_at"]
    assert "01:30 happens twice on Nov 1, 2026" in message
    assert "01:30 CDT" in message and "01:30 CST" in message
    html = str(form["detained_at"])
    assert 'name="detained_at_fold"' in html
    assert "01:30 CDT (first)" in html and "01:30 CST (second)" in html


@pytest.mark.parametrize("fold, instant", [("0", FIRST_0130), ("1", SECOND_0130)])
def test_either_hour_is_taken_once_chosen(fold, instant):
    form = detention("2026-11-01T01:30", detained_at_fold=fold)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["detained_at"] == instant
    # Shown again (an edit page), the choice stays beside the field with the reading checked.
    shown = str(DetentionForm(initial={"detained_at": instant})["detained_at"])
    assert f'value="{fold}" id="id_detained_at_fold_{fold}" checked' in shown


@pytest.mark.parametrize("when", ["2026-03-08T02:30", "2027-03-14T02:00", "2026-03-08T02:59"])
def test_a_time_in_the_spring_gap_is_refused(when):
    form = detention(when, detained_at_fold="0")
    assert not form.is_valid()
    [message] = form.errors["detained_at"]
    assert "This time does not exist on that day: clocks moved from 2:00 to 3:00" in message


def test_an_ordinary_day_is_taken_as_typed_without_a_question():
    form = detention("2026-06-01T01:30")
    assert form.is_valid()
    assert form.cleaned_data["detained_at"] == dt.datetime(2026, 6, 1, 6, 30, tzinfo=UTC)
    assert "fold" not in str(form["detained_at"])
    form = detention("2026-11-01T03:30")  # after the change, that day: CST, no question
    assert form.is_valid()
    assert form.cleaned_data["detained_at"] == dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_bulk_arrest_row_asks_which_hour_too(washington, patron_13_15):
    row = {"last_name": "Buyer", "first_name": "Al", "arrested_on": "2026-11-01",
           "arrested_time": "01:30", "county": washington.pk, "custody_status": "booked",
           "statute": patron_13_15.pk}  # fmt: skip
    form = ArrestRowForm(row)
    assert not form.is_valid()
    assert "happens twice" in form.errors["arrested_time"][0]
    assert [label for _, label in form.fold_choices] == ["01:30 CDT (first)", "01:30 CST (second)"]
    form = ArrestRowForm({**row, "arrested_time_fold": "1"})
    assert form.is_valid(), form.errors
    assert form.arrested_at() == SECOND_0130
    form = ArrestRowForm({**row, "arrested_on": "2026-03-08", "arrested_time": "02:30"})
    assert not form.is_valid() and "does not exist" in form.errors["arrested_time"][0]


def test_the_api_wants_an_offset_for_a_time_that_happens_twice():
    field = ApiDateTimeField()
    with pytest.raises(ApiError, match="Send it with its offset: 2026-11-01T01:30-05:00"):
        field.run_validation("2026-11-01T01:30")
    assert field.run_validation("2026-11-01T01:30-06:00") == SECOND_0130
    assert field.run_validation("2026-11-01T01:30-05:00") == FIRST_0130
    with pytest.raises(ApiError, match="clocks moved from 2:00 to 3:00"):
        field.run_validation("2026-03-08T02:30")
    assert field.run_validation("2026-06-01T01:30") == dt.datetime(2026, 6, 1, 6, 30, tzinfo=UTC)


def test_an_arrest_file_names_the_zone_of_a_time_that_happens_twice():
    with pytest.raises(ValueError, match="'2026-11-01 01:30 CST'"):
        _parse_datetime("2026-11-01 01:30")
    assert _parse_datetime("2026-11-01 01:30 CST") == SECOND_0130
    assert _parse_datetime("2026-11-01 01:30 CDT") == FIRST_0130
    with pytest.raises(ValueError, match="does not exist on that day"):
        _parse_datetime("2026-03-08 02:30")
    assert _parse_datetime("2026-03-14 21:30") == dt.datetime(2026, 3, 15, 2, 30, tzinfo=UTC)


def test_times_of_the_repeated_hour_are_shown_with_their_zone():
    template = Template('{{ when|date:"M j, Y H:i" }}')
    assert template.render(Context({"when": FIRST_0130})) == "Nov 1, 2026 01:30 CDT"
    assert template.render(Context({"when": SECOND_0130})) == "Nov 1, 2026 01:30 CST"
    ordinary = dt.datetime(2026, 6, 1, 6, 30, tzinfo=UTC)
    assert template.render(Context({"when": ordinary})) == "Jun 1, 2026 01:30"
    assert Template('{{ when|date:"M j, Y" }}').render(Context({"when": SECOND_0130})) == (
        "Nov 1, 2026"
    )


@pytest.fixture
def october():
    """Mid-October 2026, before the clocks go back: the hearing is still ahead."""
    with time_machine.travel(dt.datetime(2026, 10, 15, 12, 0, tzinfo=CHICAGO), tick=False):
        yield


@pytest.mark.django_db
def test_a_hearing_at_the_second_0130_is_scheduled_after_the_question(
    october, client, sheriff_liaison, operation, make_arrests, wash_cao, wash_prosecutor
):
    [arrest] = make_arrests(sheriff_liaison, operation, 1)
    case = handoff_create(actor=sheriff_liaison, arrests=[arrest], to_agency=wash_cao)[0].case
    verified_login(client, wash_prosecutor)
    url = reverse("cases:hearing_new", args=[case.public_id])
    asked = client.post(url, {"kind": "omnibus", "starts_at": "2026-11-01T01:30"})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "happens twice" in html and "01:30 CST (second)" in html
    assert not CourtEvent.objects.exists()
    chosen = client.post(
        url, {"kind": "omnibus", "starts_at": "2026-11-01T01:30", "starts_at_fold": "1"}
    )
    assert chosen.status_code == 302
    assert CourtEvent.objects.get().starts_at == SECOND_0130
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "01:30 CST" in page
    gap = client.post(url, {"kind": "omnibus", "starts_at": "2027-03-14T02:30"})
    assert "clocks moved from 2:00 to 3:00" in gap.content.decode()
