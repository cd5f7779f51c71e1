"""Requests for access to a matching record at another agency (issue #19 §3).

A user who enters a person that an exact duplicate check matches with someone recorded by an
agency they cannot see is told only that a matching record exists elsewhere. Their request names
their own record (the subject) and a reason; the matches stay on the owning side: each owning
agency's supervisors see their own matching record and approve (a share with a reason and an
expiry) or decline. The requester never learns which agency, record or field matched."""

import uuid

from django.db import models
from django.utils import timezone

from cases.models.people import Person
from taskforce.encryption import EncryptedTextField
from taskforce.models import Agency, Share, User


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class AccessRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The requester's own record of the person: the only record the request names to them.
    subject = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requesting_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()  # free text: it may name people
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="access_req_by")]

    def __str__(self) -> str:
        return f"Access request {str(self.public_id)[:8]}"

    @property
    def owner_agency(self) -> Agency:
        """The trail files the request under the agency that asked."""
        return self.requesting_agency

    def status_for_requester(self, matches) -> str:
        """What the requester is told: approved once any owner approved, pending while any owner
        has not decided, declined when all declined. Never how many owners there are."""
        statuses = {m.status for m in matches}
        if AccessRequestStatus.APPROVED in statuses:
            return AccessRequestStatus.APPROVED
        if AccessRequestStatus.PENDING in statuses:
            return AccessRequestStatus.PENDING
        return AccessRequestStatus.DECLINED


class AccessRequestMatch(models.Model):
    """One matching record of the owning agency's: what its supervisors decide on."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="matches")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_matches")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True)
    share = models.ForeignKey(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="access_match_once")
        ]
        indexes = [
            models.Index(fields=["owner_agency", "status"], name="access_match_owner_status")
        ]

    def __str__(self) -> str:
        return f"Access request {str(self.request.public_id)[:8]}"
