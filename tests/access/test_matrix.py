"""The permission harness: every role of every agency, on every channel, gets exactly its due.

A protected model joins by one entry in PROTECTED (who makes one, how, its pages, and the
expected outcomes). Agencies: a prosecution owner and a police owner (each model is made by the
right one); one agency shared with for view and change; three for view only, one of them the task
force; two never shared with. Expected outcomes are written out by hand below: everything not
listed for an (agency, role) must keep them out.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from cases.services.arrests import arrests_create
from cases.services.cases import case_create
from cases.services.operations import operation_create
from cases.services.people import PersonData, person_create
from taskforce.models import County, Role
from tests.access.conftest import share_record
from tests.factories import search, verified_login
from tests.stings_fixtures import arrest_row

P, S, L, A, C = (
    Role.PROSECUTOR,
    Role.SUPERVISOR,
    Role.POLICE_LIAISON,
    Role.ADVOCATE,
    Role.COORDINATOR,
)
READ = {"list", "detail", "export", "search"}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')

# (agency, role) -> the channels that must let the actor in. Everything else must keep them out.
NOBODY_ELSE = {
    ("owner", P): set(),
    ("owner", S): set(),
    ("owner_le", L): set(),
    ("owner_le", S): set(),
    ("shared_change", P): set(),
    ("shared_change", S): set(),
    ("shared_view_le", L): set(),
    ("shared_view_le", S): set(),
    ("shared_view_vs", A): set(),
    ("shared_view_vs", S): set(),
    ("task_force", C): set(),  # coordinators see aggregates only, never rows
    ("task_force", S): set(),
    ("unshared_le", L): set(),
    ("unshared_le", S): set(),
    ("unshared_pros", P): set(),
    ("unshared_pros", S): set(),
}
WORK = {"edit", "decide", "charge"}  # the pages that change a case
CASE_EXPECTED: dict[tuple[str, str], set[str]] = NOBODY_ELSE | {
    ("owner", P): READ | WORK | {"share"},
    ("owner", S): READ | WORK | {"share", "delete"},
    ("shared_change", P): READ | WORK,
    ("shared_change", S): READ | WORK,
    ("shared_view_le", L): READ,
    ("shared_view_le", S): READ,
    ("shared_view_vs", A): READ,
    ("shared_view_vs", S): READ,
    ("task_force", S): READ,
}
ARREST_EXPECTED = NOBODY_ELSE | {
    ("owner_le", L): READ | {"edit"},
    ("owner_le", S): READ | {"edit"},
    ("shared_change", P): READ,  # shared for change, but prosecutors never change arrests
    ("shared_change", S): READ | {"edit"},
    ("shared_view_le", L): READ,
    ("shared_view_le", S): READ,
    ("shared_view_vs", A): READ,
    ("shared_view_vs", S): READ,
    ("task_force", S): READ,
}
OPERATION_EXPECTED = NOBODY_ELSE | {
    ("owner_le", L): READ | {"edit"},
    ("owner_le", S): READ | {"edit"},
    ("shared_change", P): READ,
    ("shared_change", S): READ | {"edit"},  # supervisors change what is shared for change
    ("shared_view_le", L): READ,
    ("shared_view_le", S): READ,
    ("shared_view_vs", S): READ,  # advocates see no operations, even shared ones
    ("task_force", S): READ,
}


PERSON_EXPECTED = NOBODY_ELSE | {
    ("owner_le", L): {"detail"},
    ("owner_le", S): {"detail"},
    ("shared_change", P): {"detail"},
    ("shared_change", S): {"detail"},
    ("shared_view_le", L): {"detail"},
    ("shared_view_le", S): {"detail"},
    ("shared_view_vs", A): {"detail"},
    ("shared_view_vs", S): {"detail"},
    ("task_force", S): {"detail"},
}

# Runaway reports: prosecutors and supervisors review; police see what is shared, never review.
RUNAWAY_EXPECTED = NOBODY_ELSE | {
    ("owner", P): {"detail", "edit"},
    ("owner", S): {"detail", "edit"},
    ("shared_change", P): {"detail", "edit"},
    ("shared_change", S): {"detail", "edit"},
    ("shared_view_le", L): {"detail"},
    ("shared_view_le", S): {"detail"},
    ("shared_view_vs", S): {"detail"},  # advocates see no runaway reports, even shared ones
    ("task_force", S): {"detail"},
}


def _county():
    return County.objects.get(name="Washington")


def _runaway(author):
    from cases.models import RunawayReport
    from taskforce.records import record_create

    youth = person_create(actor=author, data=PersonData(first_name="Kayla", last_name="Lindgren"))
    reported_at = dt.datetime(2024, 5, 1, 22, tzinfo=dt.UTC)
    return record_create(actor=author, model=RunawayReport, youth=youth, reported_at=reported_at,
                         reported_by="Group home")  # fmt: skip


def _arrest(author):
    from cases.models import Statute

    row = arrest_row(_county(), Statute.objects.get(citation="609.324 subd. 1(b)"), 7)
    return arrests_create(actor=author, operation=None, arresting_agency=author.agency, rows=[row])[
        0
    ]


@dataclass(frozen=True)
class ProtectedSpec:
    name: str
    author: tuple[str, str]  # (agency, role) of the actor who makes the record
    make: Callable  # (author) -> record owned by the author's agency
    marker: Callable  # record -> text that finds the record by search, and shows in an export
    list_url: str | None  # None where the model has no list of its own
    export_url: str | None
    detail: str  # URL names taking public_id; None where the model has no such page
    edit: str | None
    delete: str | None
    share: str | None
    expected: dict
    more: tuple[tuple[str, str], ...] = ()  # further (channel, URL name) pages of one record


PROTECTED = [
    ProtectedSpec(
        name="case",
        author=("owner", P),
        make=lambda author: case_create(actor=author, number="26-CR-0142", title="State v. Harlan"),
        marker=lambda case: case.number,
        list_url="cases:list",
        export_url="cases:export",
        detail="cases:detail",
        edit="cases:edit",
        delete="cases:delete",
        share="cases:share",
        expected=CASE_EXPECTED,
        more=(("decide", "cases:decide"), ("charge", "cases:charge_new")),
    ),
    ProtectedSpec(
        name="arrest",
        author=("owner_le", L),
        make=_arrest,
        marker=lambda arrest: arrest.arrestee.last_name,
        list_url="cases:arrest_list",
        export_url="cases:arrest_export",
        detail="cases:arrest_detail",
        edit="cases:arrest_edit",
        delete=None,
        share=None,
        expected=ARREST_EXPECTED,
    ),
    ProtectedSpec(
        name="operation",
        author=("owner_le", L),
        make=lambda author: operation_create(
            actor=author,
            name="Operation Harvest Moon",
            kind="buyer_sting",
            starts_on=dt.date(2026, 4, 1),
        ),
        marker=lambda operation: operation.name,
        list_url="cases:operation_list",
        export_url="cases:operation_export",
        detail="cases:operation_detail",
        edit="cases:operation_edit",
        delete=None,
        share=None,
        expected=OPERATION_EXPECTED,
    ),
    # People are listed only through their arrests and cases; each has a page of its own.
    ProtectedSpec(
        name="person",
        author=("owner_le", L),
        make=lambda author: person_create(
            actor=author, data=PersonData(first_name="Dale", last_name="Harlan")
        ),
        marker=lambda person: person.last_name,
        list_url=None,
        export_url=None,
        detail="cases:person_detail",
        edit=None,
        delete=None,
        share=None,
        expected=PERSON_EXPECTED,
    ),
    # The queue lists only reports that match other records: tests/cases/test_runaway.py.
    ProtectedSpec(
        name="runaway",
        author=("owner", P),
        make=_runaway,
        marker=lambda r: r.reported_by,
        list_url=None,
        export_url=None,
        detail="cases:runaway_detail",
        edit="cases:runaway_review",
        delete=None,
        share=None,
        expected=RUNAWAY_EXPECTED,
    ),
]

ACTORS = sorted(NOBODY_ELSE)


def outcome(response) -> int:
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
@pytest.mark.parametrize("actor_key", ACTORS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_each_channel_allows_exactly_what_the_matrix_says(client, world, spec, actor_key):
    author = world.actors[spec.author]
    record = spec.make(author)
    share_record(world, record, author)
    allowed = spec.expected[actor_key]
    verified_login(client, world.actors[actor_key])
    marker = spec.marker(record)
    can_view = "detail" in allowed

    # Lists and search results show a record as a link to it (the search box echoes the query).
    link = f'href="{reverse(spec.detail, args=[record.public_id])}"'
    if spec.list_url:
        listed = client.get(reverse(spec.list_url)).content.decode()
        assert (link in listed) == ("list" in allowed)
        searched = search(client, reverse(spec.list_url), marker).content.decode()
        assert (link in searched) == ("search" in allowed)
    if spec.export_url:
        exported = b"".join(client.get(reverse(spec.export_url)).streaming_content).decode()
        assert (marker in exported) == ("export" in allowed)

    detail = client.get(reverse(spec.detail, args=[record.public_id]))
    assert detail.status_code == (200 if can_view else 404)

    pages = [(c, getattr(spec, c)) for c in ("edit", "delete", "share") if getattr(spec, c)]
    for channel, url_name in [*pages, *spec.more]:
        response = client.get(reverse(url_name, args=[record.public_id]))
        expected = 200 if channel in allowed else (403 if can_view else 404)
        assert response.status_code == expected, f"{channel}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
def test_a_hidden_record_answers_exactly_like_a_missing_one(client, world, spec):
    import uuid

    record = spec.make(world.actors[spec.author])
    verified_login(client, world.actors[("unshared_pros", P)])
    for name in [*filter(None, (spec.detail, spec.edit, spec.delete, spec.share)),
                 *(url for _, url in spec.more)]:  # fmt: skip
        hidden = client.get(reverse(name, args=[record.public_id]))
        missing = client.get(reverse(name, args=[uuid.uuid4()]))
        assert hidden.status_code == missing.status_code == 404
        # The same page, byte for byte, once the per-response CSRF token is set aside.
        assert CSRF.sub(b"", hidden.content) == CSRF.sub(b"", missing.content)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
def test_deactivated_and_agencyless_users_see_nothing(client, world, spec):
    record = spec.make(world.actors[spec.author])
    insider = world.actors[(spec.author[0], S)]
    insider.is_active = False
    insider.save()
    from taskforce import access

    assert not access.visible(insider, type(record)).exists()
    assert not access.can(insider, access.Action.VIEW, record)
    from tests.factories import UserFactory

    verified_login(client, UserFactory())
    assert client.get(reverse(spec.detail, args=[record.public_id])).status_code == 404
    if spec.list_url:
        link = f'href="{reverse(spec.detail, args=[record.public_id])}"'
        assert link not in client.get(reverse(spec.list_url)).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
def test_a_sealed_record_is_gone_from_every_channel_for_every_actor(client, world, spec):
    """Sealed by an administrator, the record is missing for everyone in the matrix, its owners
    included: no list, search or export shows it, and every page of it answers 404."""
    from taskforce.sealing import record_seal
    from tests.factories import UserFactory

    author = world.actors[spec.author]
    record = spec.make(author)
    share_record(world, record, author)
    administrator = UserFactory(is_staff=True, is_superuser=True)
    record_seal(actor=administrator, obj=record, reason="Court order")
    link = f'href="{reverse(spec.detail, args=[record.public_id])}"'
    marker = spec.marker(record)
    for actor_key in ACTORS:
        client.logout()
        verified_login(client, world.actors[actor_key])
        if spec.list_url:
            assert link not in client.get(reverse(spec.list_url)).content.decode(), actor_key
            searched = search(client, reverse(spec.list_url), marker).content.decode()
            assert link not in searched, actor_key
        if spec.export_url:
            exported = b"".join(client.get(reverse(spec.export_url)).streaming_content).decode()
            assert marker not in exported, actor_key
        pages = [spec.detail, *filter(None, (spec.edit, spec.delete, spec.share)),
                 *(url for _, url in spec.more)]  # fmt: skip
        for name in pages:
            answer = client.get(reverse(name, args=[record.public_id]))
            assert answer.status_code == 404, (actor_key, name)
