"""API token services: create (secret shown once), revoke, and check a presented token."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from api.models import ApiToken
from taskforce import access, audit
from taskforce.models import User

PREFIX_TAG = "tfc_"
PREFIX_LENGTH = len(PREFIX_TAG) + 8
MAX_DAYS = 365
DEFAULT_DAYS = 90
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenRejected(Exception):
    """The presented token is unknown, revoked, expired or its owner may not sign in."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token string: shown once, never stored


@transaction.atomic
def api_token_create(*, actor: User, name: str, days: int = DEFAULT_DAYS) -> NewToken:
    """Make a token for the actor, valid for `days`; the returned secret is never shown again."""
    errors = {}
    if not name.strip():
        errors["name"] = "Name the token after what will use it, e.g. 'RMS nightly export'."
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"A token lasts between 1 and {MAX_DAYS} days."
    if errors:
        raise ValidationError(errors)
    if access.acting_membership(actor) is None:
        raise access.Forbidden
    prefix = PREFIX_TAG + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        owner=actor,
        name=name.strip()[:80],
        prefix=prefix,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record(
        actor,
        "api_token.created",
        token,
        changes={"name": token.name, "prefix": prefix, "expires_at": token.expires_at.isoformat()},
    )
    return NewToken(token=token, secret=secret)


def api_tokens_of(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(owner=actor)


def api_token_get(*, actor: User, public_id) -> ApiToken:
    """One of the actor's own tokens; anyone else's, or a missing one, is NotFound."""
    try:
        return ApiToken.objects.get(owner=actor, public_id=public_id)
    except (ApiToken.DoesNotExist, ValidationError, ValueError):
        raise access.NotFound from None


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """End a token at once; its next use is refused (and audited)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk, owner=actor)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "api_token.revoked", token, changes={"prefix": token.prefix})
    return token


def _reject(reason: str, prefix: str, owner: User | None = None, token=None) -> TokenRejected:
    # Only the public prefix is recorded: never the secret (ASVS 16.2.5).
    audit.record(owner, "api_token.rejected", token, changes={"prefix": prefix, "reason": reason})
    return TokenRejected(reason)


def api_token_authenticate(presented: str) -> tuple[User, ApiToken]:
    """The user and token a presented token string stands for; TokenRejected otherwise."""
    prefix = presented[:PREFIX_LENGTH]
    if not presented.startswith(PREFIX_TAG) or len(presented) > 200:
        raise _reject("malformed", prefix[:16])
    token = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
    # Compare hashes in constant time even when the prefix matched nothing.
    expected = token.secret_hash if token is not None else _hash("")
    if not hmac.compare_digest(expected, _hash(presented)) or token is None:
        raise _reject("unknown", prefix)
    now = timezone.now()
    if token.revoked_at is not None:
        raise _reject("revoked", prefix, token.owner, token)
    if token.expires_at <= now:
        raise _reject("expired", prefix, token.owner, token)
    if not token.owner.is_active:
        raise _reject("user inactive", prefix, token.owner, token)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.owner, token
