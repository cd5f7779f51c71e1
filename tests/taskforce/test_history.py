"""Change history by triggers: bulk and raw writes included, with who, and no protected values."""

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from cases.services.cases import case_create
from tests.factories import verified_login

pytestmark = pytest.mark.django_db


def history(label):
    return apps.get_model(label + "History").objects


def test_every_change_is_kept_even_a_raw_sql_update(wash_prosecutor):
    case = case_create(actor=wash_prosecutor, number="26-CR-77", title="State v. History")
    with connection.cursor() as cursor:  # behind the app's back: the trigger still sees it
        cursor.execute("UPDATE cases_case SET title = 'Edited by hand' WHERE id = %s", [case.pk])
    rows = list(history("cases.Case").filter(pgh_obj_id=case.pk).order_by("pgh_id"))
    assert [(row.pgh_label, row.title) for row in rows] == [
        ("insert", "State v. History"), ("update", "Edited by hand"),
    ]  # fmt: skip
    case_pk = case.pk
    case.delete()
    assert history("cases.Case").filter(pgh_obj_id=case_pk, pgh_label="delete").exists()


def test_a_change_made_through_a_page_carries_the_person_and_the_address(client, wash_prosecutor):
    case = case_create(actor=wash_prosecutor, number="26-CR-78", title="State v. Page")
    verified_login(client, wash_prosecutor)
    client.post(
        reverse("cases:edit", args=[case.public_id]),
        {"number": case.number, "title": "State v. Page (amended)", "kind": case.kind,
         "version": case.version},
        REMOTE_ADDR="10.1.2.3",
    )  # fmt: skip
    row = history("cases.Case").filter(pgh_obj_id=case.pk, pgh_label="update").latest("pgh_id")
    assert row.title == "State v. Page (amended)"
    metadata = row.pgh_context.metadata
    assert metadata["user"] == wash_prosecutor.pk and metadata["ip"] == "10.1.2.3"
    assert metadata["agency"] == wash_prosecutor.membership.agency_id


def test_protected_values_are_not_in_the_history_tables():
    for label, model in (("cases.Person", "cases.PersonHistory"),
                         ("victims.Victim", "victims.VictimHistory")):  # fmt: skip
        from taskforce.history import PROTECTED_FIELDS

        columns = {field.name for field in apps.get_model(model)._meta.get_fields()}
        assert not PROTECTED_FIELDS[label] & columns, label
