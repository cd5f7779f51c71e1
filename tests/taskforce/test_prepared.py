"""Long SELECTs are planned once per connection (taskforce/prepared.py, issue #22): the same rows
as sent as text, a statement PostgreSQL will not prepare still answered, a transaction never
broken by trying."""

import pghistory
import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.services.cases import case_create
from taskforce import access
from taskforce.prepared import MIN_LENGTH, _numbered, statements_of

pytestmark = pytest.mark.django_db


def _prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'tf_%%'")
        return [row[0] for row in cursor.fetchall()]


def test_a_long_select_is_sent_as_text_then_prepared_with_the_same_rows(
    wash_prosecutor, ramsey_prosecutor
):
    """The policy's list of cases: its first run as text, the next ones as EXECUTE of one
    statement, which another person's values reuse with their own rows."""
    mine = case_create(actor=wash_prosecutor, number="27-CR-26-101")
    theirs = case_create(actor=ramsey_prosecutor, number="62-CR-26-202")
    query = access.visible(wash_prosecutor, Case).order_by("pk").values_list("number", flat=True)
    sql, _ = query.query.sql_with_params()
    assert len(sql) >= MIN_LENGTH  # long enough to be prepared
    runs = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as seen:
            runs.append(list(query.all()))
        [sent] = seen.captured_queries
        runs[-1].append(sent["sql"][:8])
    assert [run[-1] for run in runs] == ['SELECT "', "EXECUTE ", "EXECUTE "]
    assert all(run[:-1] == [mine.number] for run in runs)
    assert any('"cases_case"' in text and "$1" in text for text in _prepared_texts())
    # Another agency's person: the same shape, their own values, their own case only.
    others = access.visible(ramsey_prosecutor, Case).order_by("pk").values_list("number", flat=True)
    assert list(others) == list(others) == [theirs.number]


def test_a_select_postgresql_will_not_prepare_is_sent_as_text_inside_a_transaction():
    """A value whose type PostgreSQL cannot tell refuses PREPARE: the text is answered as it
    is, every time, and the transaction around it goes on."""
    padding = " AND ".join(["TRUE"] * (MIN_LENGTH // 8))
    sql = f"SELECT %s IS NULL AS said WHERE {padding}"
    with transaction.atomic():
        with connection.cursor() as cursor:
            for _ in range(3):
                cursor.execute(sql, ["hello"])
                assert cursor.fetchone() == (False,)
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        assert sql in statements_of(connection.connection).refused


def test_placeholders_become_numbered_parameters_and_percent_signs_stay():
    assert _numbered("SELECT '100%%' || %s || %s", 2) == "SELECT '100%' || $1 || $2"
    assert _numbered("SELECT %s", 2) is None  # not the values given: sent as text


def test_a_union_read_inside_a_history_context_is_sent_alone_and_a_write_keeps_its_context(
    wash_prosecutor,
):
    """django-pghistory puts the request's history context before every statement it does not
    take for a read, a UNION among them: the cursor sends the read alone (the context is for
    the triggers of writes); a write inside the same context still carries it to its history
    row."""
    first = case_create(actor=wash_prosecutor, number="27-CR-26-301")
    second = case_create(actor=wash_prosecutor, number="27-CR-26-302")
    both = (
        Case.objects.filter(pk=first.pk).values("pk")
        .union(Case.objects.filter(pk=second.pk).values("pk"), all=True)
    )  # fmt: skip
    with pghistory.context(purpose="union test"):
        with CaptureQueriesContext(connection) as seen:
            assert sorted(row["pk"] for row in both) == [first.pk, second.pk]
        [sent] = seen.captured_queries
        assert sent["sql"].startswith("(SELECT") and "set_config" not in sent["sql"]
        Case.objects.filter(pk=first.pk).update(title="Renamed in the union test")
    row = apps.get_model("cases.CaseHistory").objects.filter(pgh_obj_id=first.pk).latest("pgh_id")
    assert row.title == "Renamed in the union test"
    assert row.pgh_context.metadata["purpose"] == "union test"
