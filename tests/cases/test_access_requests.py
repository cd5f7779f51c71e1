""" "A matching record exists elsewhere" (issue #19 §3): an exact duplicate at an agency the
actor cannot see is announced without saying which agency, record or field matched; a request
with a reason goes to the owning agency's supervisors, who approve (a share with an expiry) or
decline; every step is audited on each side without naming the other, and requests are limited."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRequest, AccessRequestMatch, IdentifierKind, Person
from cases.selectors.people import has_match_elsewhere, people_with_matches_elsewhere
from cases.services.access_requests import access_request_create, access_request_decide
from cases.services.people import PersonData, person_create
from taskforce import access
from taskforce.models import AgencyKind, AuditEvent, Notification, Role, Share
from taskforce.sealing import record_seal
from tests.factories import AgencyFactory, UserFactory, member, verified_login

pytestmark = pytest.mark.django_db

BORN = dt.date(1979, 5, 14)
CANARY_PHONE = "651-555-0142"
CANARY_HANDLE = "canary_handle_77"


@pytest.fixture
def sheriff_supervisor(sheriff):
    return member(sheriff, Role.SUPERVISOR, username="wcso_supervisor")


@pytest.fixture
def known(sheriff_liaison):
    """The sheriff's record of the man, with identifiers the other side must never read."""
    return person_create(actor=sheriff_liaison, data=PersonData(
        first_name="Dale", last_name="Harlan", date_of_birth=BORN,
        identifiers=((IdentifierKind.PHONE, CANARY_PHONE), (IdentifierKind.HANDLE, CANARY_HANDLE),
                     (IdentifierKind.BOOKING, "WC-2026-0042")),
    ))  # fmt: skip


def enter(actor, **overrides):
    fields = dict(first_name="Dale", last_name="Harlan", date_of_birth=BORN) | overrides
    return person_create(actor=actor, data=PersonData(**fields))


def page(client, person):
    return client.get(reverse("cases:person_detail", args=[person.public_id])).content.decode()


def request_url(person):
    return reverse("cases:person_request_access", args=[person.public_id])


def test_an_exact_match_elsewhere_is_announced_and_nothing_about_it(
    client, known, woodbury_liaison
):
    mine = enter(woodbury_liaison)
    verified_login(client, woodbury_liaison)
    html = page(client, mine)
    assert "A matching record exists at another agency." in html
    assert request_url(mine) in html
    for secret in ("Sheriff", "WCSO", CANARY_PHONE, CANARY_HANDLE, "WC-2026-0042",
                   str(known.public_id), str(known.public_id)[:8]):  # fmt: skip
        assert secret not in html
    form = client.get(request_url(mine)).content.decode()
    assert "Sheriff" not in form and str(known.public_id)[:8] not in form


@pytest.mark.parametrize(
    "overrides",
    [
        {"first_name": "Pat", "identifiers": ((IdentifierKind.PHONE, "(651) 555 0142"),)},
        {"first_name": "Pat", "identifiers": ((IdentifierKind.HANDLE, "@Canary_Handle_77"),)},
        {"first_name": "Pat", "identifiers": ((IdentifierKind.BOOKING, " wc-2026-0042"),)},
    ],
    ids=["phone", "handle", "booking"],
)
def test_a_phone_handle_or_booking_number_matches_too(known, woodbury_liaison, overrides):
    assert has_match_elsewhere(actor=woodbury_liaison, subject=enter(woodbury_liaison,
                                                                     **overrides))  # fmt: skip


def test_near_misses_visible_records_and_sealed_records_do_not_match(
    known, woodbury_liaison, sheriff_liaison, woodbury_pd
):
    no_birth = enter(woodbury_liaison, date_of_birth=None)
    other_birth = enter(woodbury_liaison, date_of_birth=BORN + dt.timedelta(days=1))
    alias_only = enter(woodbury_liaison, first_name="Pat",
                       identifiers=((IdentifierKind.ALIAS, "Dale Harlan"),))  # fmt: skip
    for subject in (no_birth, other_birth, alias_only):
        assert not has_match_elsewhere(actor=woodbury_liaison, subject=subject)
    same = enter(woodbury_liaison)
    assert has_match_elsewhere(actor=woodbury_liaison, subject=same)
    # Once the sheriff shares its record, there is nothing to request: it is in sight.
    later = timezone.now() + dt.timedelta(days=9)
    share = access.share(
        actor=sheriff_liaison, obj=known, to_agency=woodbury_pd, reason="Same man", expires_at=later
    )
    assert not has_match_elsewhere(actor=woodbury_liaison, subject=same)
    access.unshare(actor=sheriff_liaison, share_row=share, reason="Done")
    admin = UserFactory(is_superuser=True, is_staff=True)
    record_seal(actor=admin, obj=known, reason="Court order 26-1")
    assert not has_match_elsewhere(actor=woodbury_liaison, subject=same)


def test_people_entered_together_are_checked_together_with_the_same_answers(
    known, woodbury_liaison, django_assert_max_num_queries
):
    """A sting's arrestees are checked for matches elsewhere at once (issue #22): the answer for
    each is `has_match_elsewhere`'s, in four queries however many people were entered."""
    people = [
        enter(woodbury_liaison),
        enter(woodbury_liaison, first_name="Pat",
              identifiers=((IdentifierKind.PHONE, "(651) 555 0142"),)),
        enter(woodbury_liaison, first_name="Pat",
              identifiers=((IdentifierKind.BOOKING, " wc-2026-0042"),)),
        enter(woodbury_liaison, date_of_birth=None),
        enter(woodbury_liaison, first_name="Pat",
              identifiers=((IdentifierKind.ALIAS, "Dale Harlan"),)),
    ]  # fmt: skip
    expected = {p.pk for p in people if has_match_elsewhere(actor=woodbury_liaison, subject=p)}
    assert expected == {people[0].pk, people[1].pk, people[2].pk}
    fresh = list(Person.objects.filter(pk__in=[p.pk for p in people]))
    woodbury_liaison.membership  # noqa: B018 - loaded once per request, as a page does
    with django_assert_max_num_queries(4):
        found = people_with_matches_elsewhere(actor=woodbury_liaison, subjects=fresh)
    assert found == expected


def test_the_request_is_approved_as_a_share_and_each_side_learns_only_its_part(
    client, known, woodbury_liaison, woodbury_pd, sheriff_supervisor, sheriff
):
    mine = enter(woodbury_liaison)
    verified_login(client, woodbury_liaison)
    blank = client.post(request_url(mine), {"reason": "  "})
    assert blank.status_code == 200 and "reason" in blank.context["form"].errors
    assert not AccessRequest.objects.exists()
    sent = client.post(request_url(mine), {"reason": "Arrested him in our sting; same phone?"},
                       follow=True)  # fmt: skip
    assert "Request sent." in sent.content.decode()
    request = AccessRequest.objects.get()
    match = AccessRequestMatch.objects.get()
    assert (match.person, match.owner_agency, match.status) == (known, sheriff, "pending")
    assert "waiting for a decision" in page(client, mine)
    listed = client.get(reverse("access_requests")).content.decode()
    assert "Waiting for a decision" in listed and "Sheriff" not in listed
    decide = reverse("access_request_decide", args=[match.public_id])
    assert client.get(decide).status_code == 404  # the requester never reaches the owner's page

    verified_login(client, sheriff_supervisor)
    home = client.get(reverse("home")).content.decode()
    assert "1 request from other agencies" in home
    assert Notification.objects.filter(user=sheriff_supervisor, url=decide).exists()
    shown = client.get(decide).content.decode()
    assert "Woodbury Police Department" in shown and "same phone?" in shown
    refused = client.post(decide, {"decision": "approve", "expires_on": ""})
    assert refused.context["form"].errors["expires_on"]
    ends = timezone.localdate() + dt.timedelta(days=30)
    client.post(decide, {"decision": "approve", "expires_on": ends.isoformat(), "note": "ok"})
    match.refresh_from_db()
    assert match.status == "approved" and match.decided_by == sheriff_supervisor
    share = Share.objects.get(object_id=known.pk, to_agency=woodbury_pd, revoked_at__isnull=True)
    assert share.expires_at.date() == ends and "same phone?" in share.reason
    assert client.post(decide, {"decision": "decline"}).status_code == 200  # decided once
    match.refresh_from_db()
    assert match.status == "approved"

    verified_login(client, woodbury_liaison)
    told = Notification.objects.filter(user=woodbury_liaison)
    assert [n.title for n in told] == ["Your access request was answered"]
    listed = client.get(reverse("access_requests")).content.decode()
    assert "Approved" in listed
    assert reverse("cases:person_detail", args=[known.public_id]) in listed
    assert CANARY_HANDLE in page(client, known)  # the share shows the record itself now

    # The trail: each side's rows are about its own record; the requester's side never names
    # the owner (its supervisors read rows written by their people and about their records).
    assert AuditEvent.objects.filter(action="access_request.sent", target_id=mine.pk).exists()
    assert AuditEvent.objects.filter(action="access_request.received", target_id=known.pk,
                                     actor=None).exists()  # fmt: skip
    assert AuditEvent.objects.filter(action="access_request.approved",
                                     actor=sheriff_supervisor).exists()  # fmt: skip
    woodbury_supervisor = member(woodbury_pd, Role.SUPERVISOR, username="wpd_supervisor")
    theirs = access.audit_trail_visible(woodbury_supervisor).filter(
        action__startswith="access_request"
    )
    assert {e.action for e in theirs} == {"access_request.sent", "access_request.answered"}
    for event in theirs:
        assert event.target_id == mine.pk and "Sheriff" not in str(event.changes)
    assert request.pk


def test_a_decline_tells_the_requester_declined_and_shares_nothing(
    known, woodbury_liaison, sheriff_supervisor
):
    mine = enter(woodbury_liaison)
    request = access_request_create(actor=woodbury_liaison, subject=mine, reason="Our case")
    access_request_decide(actor=sheriff_supervisor, match=request.matches.get(), approve=False)
    assert request.status_for_requester(request.matches.all()) == "declined"
    assert not Share.objects.exists()
    assert not access.can(woodbury_liaison, access.Action.VIEW, known)


def test_two_owners_are_told_apart_but_the_requester_sees_one_request(
    known, woodbury_liaison, sheriff_supervisor
):
    county = AgencyFactory(name="Dakota County Sheriff", kind=AgencyKind.LAW_ENFORCEMENT)
    dakota_supervisor = member(county, Role.SUPERVISOR, username="dakota_supervisor")
    dakota_liaison = member(county, Role.POLICE_LIAISON, username="dakota_liaison")
    enter(dakota_liaison)
    request = access_request_create(actor=woodbury_liaison, subject=enter(woodbury_liaison),
                                    reason="Our case")  # fmt: skip
    assert request.matches.count() == 2
    first = request.matches.get(owner_agency__name="Dakota County Sheriff")
    access_request_decide(actor=dakota_supervisor, match=first, approve=False)
    # One owner declining changes nothing the requester is told: still waiting, no bell.
    assert request.status_for_requester(request.matches.all()) == "pending"
    assert not Notification.objects.filter(user=woodbury_liaison).exists()
    # Neither supervisor decides on the other's match.
    with pytest.raises(access.NotFound):
        access_request_decide(actor=sheriff_supervisor, match=first, approve=False)
    second = request.matches.get(owner_agency__name="Washington County Sheriff's Office")
    with pytest.raises(access.NotFound):
        access_request_decide(actor=dakota_supervisor, match=second, approve=False)
    access_request_decide(actor=sheriff_supervisor, match=second, approve=False)
    assert request.status_for_requester(request.matches.all()) == "declined"
    assert Notification.objects.filter(user=woodbury_liaison).count() == 1


@override_settings(ACCESS_REQUESTS_PER_DAY=2)
def test_requests_are_limited_per_person_and_one_at_a_time_per_record(
    client, known, woodbury_liaison
):
    first, second, third = (enter(woodbury_liaison) for _ in range(3))
    verified_login(client, woodbury_liaison)
    client.post(request_url(first), {"reason": "Our case"})
    again = client.post(request_url(first), {"reason": "Our case"})
    assert "already waiting for a decision" in again.content.decode()
    client.post(request_url(second), {"reason": "Our case"})
    refused = client.post(request_url(third), {"reason": "Our case"})
    assert "the most allowed" in refused.content.decode()
    assert AccessRequest.objects.count() == 2
    later = timezone.now() + dt.timedelta(hours=24, minutes=1)
    with time_machine.travel(later, tick=False):
        access_request_create(actor=woodbury_liaison, subject=third, reason="Our case")
    assert AccessRequest.objects.count() == 3


def test_other_agencies_and_other_roles_get_404(
    client, known, woodbury_liaison, sheriff_liaison, wash_supervisor, sheriff_supervisor
):
    mine = enter(woodbury_liaison)
    request = access_request_create(actor=woodbury_liaison, subject=mine, reason="Our case")
    decide = reverse("access_request_decide", args=[request.matches.get().public_id])
    # Not one's own record: a request is made from the record one's agency entered.
    verified_login(client, sheriff_liaison)
    assert client.get(request_url(mine)).status_code == 404
    assert client.post(request_url(mine), {"reason": "x"}).status_code == 404
    # Its own record, which matches nothing hidden from it: nothing to request.
    alone = enter(sheriff_liaison, first_name="Solo")
    assert client.get(request_url(alone)).status_code == 302
    # The match runs both ways: the sheriff is told of Woodbury's record just as vaguely.
    assert "A matching record exists at another agency." in page(client, known)
    assert client.get(decide).status_code == 404  # not a supervisor
    verified_login(client, wash_supervisor)
    assert client.get(decide).status_code == 404  # not the owning agency
    assert client.post(decide, {"decision": "decline"}).status_code == 404
    assert "Access requests" not in client.get(reverse("home")).content.decode()
    listed = client.get(reverse("access_requests")).content.decode()
    assert str(mine.public_id) not in listed and "Woodbury" not in listed
    assert AccessRequestMatch.objects.get().status == "pending"
    # A sealed record's request disappears from its owner's queue and page.
    admin = UserFactory(is_superuser=True, is_staff=True)
    record_seal(actor=admin, obj=known, reason="Court order 26-1")
    verified_login(client, sheriff_supervisor)
    assert client.get(decide).status_code == 404
    assert Person.objects.filter(pk=known.pk, sealed_at__isnull=False).exists()


def test_entering_a_sting_says_how_many_match_elsewhere_and_not_whom(
    client, sheriff_liaison, operation, sheriff, washington, patron_13_15, woodbury_liaison
):
    from tests.cases.test_bulk_and_import import bulk_post

    # Woodbury knows Dale Harlan; the sheriff cannot see Woodbury's record.
    elsewhere = enter(woodbury_liaison)
    verified_login(client, sheriff_liaison)
    saved = client.post(
        reverse("cases:arrest_bulk"),
        bulk_post(
            operation,
            sheriff,
            washington,
            patron_13_15,
            [
                {},
                {"first_name": "Dale", "last_name": "Harlan", "date_of_birth": BORN.isoformat()},
                {},
            ],
        ),
        follow=True,
    )
    html = saved.content.decode()
    assert "3 arrests saved." in html
    assert "1 person you entered matches a record at another agency." in html
    assert "Woodbury" not in html and str(elsewhere.public_id)[:8] not in html
