"""Requests for access to a matching record at another agency, and their decisions.

What each side learns:
- the requester: that a matching record exists at another agency (nothing about which agency,
  record or field), then whether the request is waiting, approved or declined; once approved,
  the shared record itself, as any share shows it;
- the owning agency's supervisors: who asked, from which agency, why, and which of their own
  records matched.
The trail follows the same line: the requester's rows are about their own record; each owning
agency's rows are about its own record and carry no actor, so the requesting agency's
supervisors, who read the rows their people write, never see an owning agency named.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessRequest, AccessRequestMatch, AccessRequestStatus, Person
from cases.selectors.people import matches_elsewhere
from taskforce import access, audit
from taskforce.models import Notification, User
from taskforce.selectors import agency_supervisors

REASON_MAX = 1000


def _own_subject(actor: User, subject: Person) -> int:
    """The actor's agency, which must own the subject: a request is made from one's own record."""
    access.require(actor, access.Action.VIEW, subject)
    membership = access.acting_membership(actor)
    if membership is None or subject.owner_agency_id != membership.agency_id:
        raise access.NotFound
    return membership.agency_id


def open_request_for(subject: Person) -> AccessRequest | None:
    """The request already made from this record and not yet decided everywhere."""
    return (
        AccessRequest.objects.filter(subject=subject, matches__status=AccessRequestStatus.PENDING)
        .distinct()
        .first()
    )


def requests_left_today(actor: User, *, now: datetime | None = None) -> int:
    since = (now or timezone.now()) - timedelta(hours=24)
    sent = AccessRequest.objects.filter(requested_by=actor, created_at__gte=since).count()
    return max(settings.ACCESS_REQUESTS_PER_DAY - sent, 0)


@transaction.atomic
def access_request_create(*, actor: User, subject: Person, reason: str) -> AccessRequest:
    agency_id = _own_subject(actor, subject)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why your agency needs to see the matching record."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    # One request at a time per person: serialise on the requester's row.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if open_request_for(subject) is not None:
        raise ValidationError("A request for this person is already waiting for a decision.")
    if requests_left_today(actor) == 0:
        raise ValidationError(
            f"You have sent {settings.ACCESS_REQUESTS_PER_DAY} access requests in the last 24 "
            "hours, the most allowed. Try again tomorrow, or ask your supervisor."
        )
    matches = list(matches_elsewhere(actor=actor, subject=subject).only("pk", "owner_agency_id"))
    if not matches:
        raise ValidationError("No matching record at another agency needs a request.")
    request = AccessRequest.objects.create(
        subject=subject, requested_by=actor, requesting_agency_id=agency_id, reason=reason
    )
    for person in matches:
        match = AccessRequestMatch.objects.create(
            request=request, person=person, owner_agency_id=person.owner_agency_id
        )
        # The owning side's row: about its own record, with no actor (see the module's note).
        audit.record(None, "access_request.received", person, changes={
            "request": str(match.public_id), "requested_by": actor.get_username(),
            "requesting_agency": request.requesting_agency.name,
        })  # fmt: skip
        _tell(agency_supervisors(person.owner_agency_id),
              "Another agency asks to see a record of yours",
              reverse("access_request_decide", args=[match.public_id]))  # fmt: skip
    audit.record(actor, "access_request.sent", subject, reason=reason,
                 changes={"request": str(request.public_id)})  # fmt: skip
    return request


def _tell(people, title: str, url: str) -> None:
    """A bell notification; its title names no person, record or other agency."""
    Notification.objects.bulk_create(Notification(user=p, title=title, url=url) for p in people)


def match_for_decision(*, actor: User, public_id) -> AccessRequestMatch:
    """A match the actor's agency decides on: its supervisors only, its own record, neither
    sealed nor merged away."""
    agency_id = access.supervised_agency(actor)
    match = (
        AccessRequestMatch.objects.select_related(
            "request__requested_by", "request__requesting_agency", "request__subject", "person"
        )
        .filter(Person.live_q("person__"), public_id=public_id, owner_agency_id=agency_id)
        .first()
    )
    if match is None:
        raise access.NotFound
    return match


@transaction.atomic
def access_request_decide(
    *,
    actor: User,
    match: AccessRequestMatch,
    approve: bool,
    note: str = "",
    expires_at: datetime | None = None,
) -> AccessRequestMatch:
    """Approve (a share of the owning agency's record, with the request's reason and an expiry)
    or decline. Decided once; both sides' trails record it."""
    agency_id = access.supervised_agency(actor)
    match = (
        AccessRequestMatch.objects.select_for_update()
        .select_related("request__requesting_agency", "person")
        .get(pk=match.pk)
    )
    if match.owner_agency_id != agency_id or match.person.is_hidden:
        raise access.NotFound
    if match.status != AccessRequestStatus.PENDING:
        raise ValidationError("This request has already been decided.")
    note = note.strip()
    request = match.request
    if approve:
        if expires_at is None:
            raise ValidationError({"expires_at": "Say until when the other agency may see it."})
        match.share = access.share(
            actor=actor,
            obj=match.person,
            to_agency=request.requesting_agency,
            reason=f"Access request: {request.reason}",
            expires_at=expires_at,
        )
        match.status = AccessRequestStatus.APPROVED
    else:
        match.status = AccessRequestStatus.DECLINED
    match.decided_by, match.decided_at, match.note = actor, timezone.now(), note
    match.save(update_fields=["share", "status", "decided_by", "decided_at", "note"])
    audit.record(actor, f"access_request.{match.status}", match.person, reason=note,
                 changes={"request": str(match.public_id)})  # fmt: skip
    # The requester's side: about their own record, with no actor and no owning agency, and
    # only when what they are told changes (one answer per owner would count the owners).
    before = request.status_for_requester(
        [m for m in request.matches.exclude(pk=match.pk)] + [AccessRequestMatch()]
    )
    after = request.status_for_requester(request.matches.all())
    if after != before:
        audit.record(None, "access_request.answered", request.subject,
                     changes={"request": str(request.public_id), "status": after})  # fmt: skip
        _tell([request.requested_by], "Your access request was answered",
              reverse("access_requests"))  # fmt: skip
    return match


def requests_sent(actor: User):
    """The requests the actor's agency sent, newest first, with what the requester is told."""
    membership = access.acting_membership(actor)
    if membership is None:
        return []
    rows = list(
        AccessRequest.objects.filter(requesting_agency_id=membership.agency_id)
        .select_related("subject", "requested_by")
        .prefetch_related("matches")[:50]
    )
    for row in rows:
        row.status = row.status_for_requester(row.matches.all())
        row.status_label = AccessRequestStatus(row.status).label
    return rows


def requests_awaiting(actor: User):
    """Matches waiting for the actor's agency's decision (supervisors only)."""
    try:
        agency_id = access.supervised_agency(actor)
    except access.NotFound:
        return AccessRequestMatch.objects.none()
    return (
        AccessRequestMatch.objects.filter(
            Person.live_q("person__"),
            owner_agency_id=agency_id,
            status=AccessRequestStatus.PENDING,
        )
        .select_related("request__requested_by", "request__requesting_agency", "person")
        .order_by("request__created_at")
    )
