"""API tokens: named, per user, stored only as a hash, with an expiry; revocable."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from taskforce.models import User


class ApiToken(models.Model):
    """One token a person made for a program acting as them. The secret is shown once and kept
    only as its SHA-256: a leaked table gives no usable token."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What uses it, e.g. 'RMS nightly export'.")
    # The token's first characters, shown in lists and used to find the row without the secret.
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="api_token_owner")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at
