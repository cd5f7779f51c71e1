"""The API's page cursors tell the client nothing: no record's time of change, due time or id can
be read out of one (DRF's own cursor is base64 of the last row's sort key), a changed one is
400, and paging still returns every record exactly once."""

import base64
import contextlib
import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from cases.models import Arrest
from taskforce.models import Deadline, Notification

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(rb"\d{4}-\d{2}-\d{2}")


def cursor_of(url: str) -> str:
    return parse_qs(urlparse(url).query)["cursor"][0]


def walk(client, path: str, **params) -> tuple[list[str], list[str]]:
    """Every page of a list, by its `next` links: the ids in order and the cursors given."""
    page = client.get(path, {"page_size": 2, **params}).json()
    ids, cursors = [row["public_id"] for row in page["results"]], []
    while page["next"]:
        cursors.append(cursor_of(page["next"]))
        page = client.client.get(page["next"]).json()
        ids += [row["public_id"] for row in page["results"]]
    return ids, cursors


def readable(cursor: str) -> bytes:
    """All the cursor's base64 can tell: its bytes, decoded both ways base64 is written."""
    padded = cursor + "=" * (-len(cursor) % 4)
    out = b""
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        with contextlib.suppress(ValueError):
            out += decode(padded.encode())
    return out + cursor.encode()


def assert_opaque(cursors: list[str], records) -> None:
    assert cursors, "the list fits on one page: nothing was tested"
    for cursor in cursors:
        seen = readable(cursor)
        assert not ISO_DATE.search(seen), seen
        for record in records:
            for shown in (str(record.public_id), record.public_id.hex):
                assert shown.encode() not in seen


@pytest.fixture
def arrests(sheriff_liaison, operation, make_arrests):
    made = make_arrests(sheriff_liaison, operation, 7)
    # Three rows changed in the same microsecond: the cursor carries an offset past the tie.
    same = timezone.now() - dt.timedelta(hours=1)
    Arrest.objects.filter(pk__in=[a.pk for a in made[2:5]]).update(updated_at=same)
    return made


def test_cursors_read_as_random_bytes_and_paging_returns_every_record_once(
    api, arrests, sheriff_liaison
):
    client = api(sheriff_liaison)
    ids, cursors = walk(client, "/api/arrests/")
    assert sorted(ids) == sorted(str(a.public_id) for a in arrests)
    assert len(ids) == len(set(ids)) == 7
    assert_opaque(cursors, arrests)
    # Back one page from the second: the first again, in the same order.
    second = client.client.get(f"/api/arrests/?page_size=2&cursor={cursors[0]}").json()
    back = client.client.get(second["previous"]).json()
    assert [row["public_id"] for row in back["results"]] == ids[:2]
    assert_opaque([cursor_of(second["previous"])], arrests)


def test_deadline_and_notification_cursors_hide_due_and_creation_times(
    api, arrests, sheriff_liaison
):
    client = api(sheriff_liaison)
    ids, cursors = walk(client, "/api/deadlines/")
    deadlines = Deadline.objects.all()
    assert sorted(ids) == sorted(str(d.public_id) for d in deadlines)
    assert len(ids) == len(set(ids))
    assert_opaque(cursors, list(deadlines) + list(arrests))
    # The bell's pages are of 50: two of them.
    Notification.objects.bulk_create(
        Notification(user=sheriff_liaison, title=f"Due {n}") for n in range(55)
    )
    ids, cursors = walk(client, "/api/notifications/")
    assert len(ids) == len(set(ids)) == 55
    assert_opaque(cursors, Notification.objects.all())


def test_a_changed_or_made_up_cursor_is_400_never_500(api, arrests, sheriff_liaison):
    client = api(sheriff_liaison)
    _, [given, *_] = walk(client, "/api/arrests/")
    middle = len(given) // 2
    flipped = given[:middle] + ("A" if given[middle] != "A" else "B") + given[middle + 1 :]
    drf_style = base64.b64encode(b"p=2026-01-01+00%3A00%3A00%2B00%3A00").decode()
    for cursor in (flipped, given[:-3], drf_style, "bm90IGEgY3Vyc29y", "%%%", "é", ""):
        answer = client.get("/api/arrests/", {"cursor": cursor})
        assert answer.status_code == 400, (cursor, answer.status_code)
        assert answer.json()["code"] == "invalid" and "cursor" in answer.json()["fields"]
    assert client.get("/api/arrests/", {"cursor": given}).status_code == 200
