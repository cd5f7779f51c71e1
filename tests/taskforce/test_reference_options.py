"""The counties' options and select markup, kept per process (taskforce/web/reference.py): the
same markup Django builds, a county saved shows at once, and nothing of one person's request
(their search words, their choice, their records) reaches another person through what is kept."""

import re

import pytest
from django import forms
from django.urls import reverse

from cases.forms import CaseFilterForm
from cases.services.cases import case_create
from taskforce.models import County
from taskforce.web import reference
from tests.factories import search, verified_login

pytestmark = pytest.mark.django_db


class DjangosOwn(forms.Form):
    county = forms.ModelChoiceField(
        queryset=County.objects.all(), required=False, empty_label="Any county"
    )


@pytest.fixture(autouse=True)
def nothing_kept():
    reference.forget()
    yield
    reference.forget()


@pytest.mark.parametrize("chosen", ["", "Ramsey"])
def test_the_kept_select_is_the_markup_django_builds(chosen):
    data = {"county": County.objects.get(name=chosen).pk} if chosen else {}
    ours = str(CaseFilterForm(data)["county"])
    assert ours == str(DjangosOwn(data)["county"])
    assert str(CaseFilterForm(data)["county"]) == ours  # from what was kept, the same
    assert ours.count("<option") == County.objects.count() + 1


def test_a_county_saved_is_offered_at_once():
    str(CaseFilterForm({})["county"])
    County.objects.create(name="Lake of the Woods North", state="MN")
    assert "Lake of the Woods North" in str(CaseFilterForm({})["county"])


def test_the_options_are_read_once_until_they_are_stale(django_assert_num_queries):
    str(CaseFilterForm({})["county"])
    with django_assert_num_queries(0):
        str(CaseFilterForm({})["county"])


def selected(page: str) -> list[str]:
    return re.findall(r'<option value="(\d+)" selected>', page)


def test_another_agencys_user_never_sees_the_first_users_search_choice_or_cases(
    client, wash_prosecutor, ramsey_prosecutor
):
    ramsey = County.objects.get(name="Ramsey")
    case_create(actor=wash_prosecutor, number="26-CR-0700", title="State v. Whitlock",
                county=ramsey)  # fmt: skip
    verified_login(client, wash_prosecutor)
    first = search(client, reverse("cases:list"), "Whitlock", county=ramsey.pk)
    assert "26-CR-0700" in first.content.decode()
    assert selected(first.content.decode()) == [str(ramsey.pk)]

    client.logout()
    verified_login(client, ramsey_prosecutor)
    page = client.get(reverse("cases:list")).content.decode()
    assert "Whitlock" not in page and "26-CR-0700" not in page
    assert selected(page) == []  # their own (empty) choice, not the first user's
    # What is kept is options and which one is chosen: no one's words or records.
    kept = "".join(reference._markup.values())
    assert "Whitlock" not in kept and "26-CR-0700" not in kept
