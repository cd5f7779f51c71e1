"""The permission harness: every role of every agency, on every channel, gets exactly its due.

A protected model joins by one line in PROTECTED (how to make one, and its pages).
Agencies: the owner; one shared with (view and change); three shared with (view only), one of
them the task force; two never shared with. Expected outcomes are written out by hand below.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from cases.services.cases import case_create
from taskforce.models import Role
from tests.access.conftest import share_record

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
CASE_EXPECTED: dict[tuple[str, str], set[str]] = {
    ("owner", P): READ | {"edit", "share"},
    ("owner", S): READ | {"edit", "share", "delete"},
    ("shared_change", P): READ | {"edit"},
    ("shared_change", S): READ | {"edit"},
    ("shared_view_le", L): READ,
    ("shared_view_le", S): READ,
    ("shared_view_vs", A): READ,
    ("shared_view_vs", S): READ,
    ("task_force", C): set(),  # coordinators see aggregates only, never rows
    ("task_force", S): READ,
    ("unshared_le", L): set(),
    ("unshared_le", S): set(),
    ("unshared_pros", P): set(),
    ("unshared_pros", S): set(),
}


@dataclass(frozen=True)
class ProtectedSpec:
    name: str
    make: Callable  # (author) -> record owned by the author's agency
    marker: Callable  # record -> text that shows the record in a list or export
    list_url: str
    export_url: str
    detail: str  # URL names taking public_id
    edit: str
    delete: str
    share: str
    expected: dict


PROTECTED = [
    ProtectedSpec(
        name="case",
        make=lambda author: case_create(
            actor=author, number="26-CR-0142", title="State v. Harlan", status="intake"
        ),
        marker=lambda case: case.number,
        list_url="cases:list",
        export_url="cases:export",
        detail="cases:detail",
        edit="cases:edit",
        delete="cases:delete",
        share="cases:share",
        expected=CASE_EXPECTED,
    ),
]

ACTORS = sorted(CASE_EXPECTED)


def outcome(response) -> int:
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
@pytest.mark.parametrize("actor_key", ACTORS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_each_channel_allows_exactly_what_the_matrix_says(client, world, spec, actor_key):
    record = spec.make(world.owner_author)
    share_record(world, record)
    allowed = spec.expected[actor_key]
    client.force_login(world.actors[actor_key])
    marker = spec.marker(record)
    can_view = "detail" in allowed

    # Lists and search results show a record as a link to it (the search box echoes the query).
    link = f'href="{reverse(spec.detail, args=[record.public_id])}"'
    listed = client.get(reverse(spec.list_url)).content.decode()
    assert (link in listed) == ("list" in allowed)

    searched = client.get(reverse(spec.list_url), {"q": marker}).content.decode()
    assert (link in searched) == ("search" in allowed)

    exported = b"".join(client.get(reverse(spec.export_url)).streaming_content).decode()
    assert (marker in exported) == ("export" in allowed)

    detail = client.get(reverse(spec.detail, args=[record.public_id]))
    assert detail.status_code == (200 if can_view else 404)

    for channel in ("edit", "delete", "share"):
        response = client.get(reverse(getattr(spec, channel), args=[record.public_id]))
        expected = 200 if channel in allowed else (403 if can_view else 404)
        assert response.status_code == expected, f"{channel}: {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
def test_a_hidden_record_answers_exactly_like_a_missing_one(client, world, spec):
    import uuid

    record = spec.make(world.owner_author)
    client.force_login(world.actors[("unshared_pros", P)])
    for name in (spec.detail, spec.edit, spec.delete, spec.share):
        hidden = client.get(reverse(name, args=[record.public_id]))
        missing = client.get(reverse(name, args=[uuid.uuid4()]))
        assert hidden.status_code == missing.status_code == 404
        # The same page, byte for byte, once the per-response CSRF token is set aside.
        assert CSRF.sub(b"", hidden.content) == CSRF.sub(b"", missing.content)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", PROTECTED, ids=lambda s: s.name)
def test_deactivated_and_agencyless_users_see_nothing(client, world, spec):
    record = spec.make(world.owner_author)
    insider = world.actors[("owner", S)]
    insider.is_active = False
    insider.save()
    from taskforce import access

    assert not access.visible(insider, type(record)).exists()
    assert not access.can(insider, access.Action.VIEW, record)
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse(spec.detail, args=[record.public_id])).status_code == 404
    link = f'href="{reverse(spec.detail, args=[record.public_id])}"'
    assert link not in client.get(reverse(spec.list_url)).content.decode()
