"""Single sign-on accounts: made pending by a first sign-in, approved by an administrator, and
what the directory's answer allows (groups, the agency's sign-in method, its MFA)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.events import account_event
from taskforce.models import SignInMethod, User

# Session keys: the directory vouched for a second factor at this sign-in (amr/acr), and the
# tokens kept to check the person's standing at the directory again.
SSO_MFA = "sso_mfa"
REFRESH_TOKEN = "oidc_refresh_token"  # noqa: S105 (a session key, not a secret)

# Why a directory sign-in or recheck was refused: the audit's reason and the person's message.
REFUSALS = {
    "group": "Your directory account is not in a group allowed to use Task Force Caseload.",
    "agency_password_only": (
        "Your agency signs in with a password and the app's own two-step sign-in, not through "
        "the directory. Use the form below."
    ),
    "disabled": "This account is disabled. Ask an administrator of the task force.",
    "untrusted_token": (
        "The directory's answer could not be verified (its signature, audience or expiry), so "
        "the sign-in was refused. Try again; if it keeps happening, tell an administrator."
    ),
    "directory_refused": "The directory ended your sign-in. Sign in again.",
    "directory_unreachable": "The directory could not be reached to check your sign-in. "
    "Sign in again.",
    "other_person": "The directory answered for another person. Sign in again.",
}


def claims_groups(claims: dict) -> list[str]:
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return [str(group) for group in groups]


def in_required_group(claims: dict) -> bool:
    required = set(settings.OIDC_REQUIRED_GROUPS)
    return not required or bool(required & set(claims_groups(claims)))


def directory_did_mfa(id_claims: dict) -> bool:
    """CJIS 5.6.2.2: the directory says it checked a second factor (RFC 8176 `amr`, or `acr`)."""
    amr = id_claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(settings.OIDC_MFA_AMR_VALUES) & {str(method) for method in amr}:
        return True
    acr = id_claims.get("acr")
    return acr is not None and str(acr) in set(settings.OIDC_MFA_ACR_VALUES)


def may_use_sso(user: User) -> bool:
    """A person placed in an agency that signs in by password only may not use the directory."""
    agency = user.agency
    return agency is None or agency.sign_in_method != SignInMethod.PASSWORD


def may_use_password(user: User) -> bool:
    agency = user.agency
    return agency is None or agency.sign_in_method != SignInMethod.SSO


def _free_username(wanted: Iterable[str]) -> str:
    for candidate in wanted:
        candidate = (candidate or "").strip()[:140]
        if candidate and not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    base = next((w.strip()[:140] for w in wanted if w and w.strip()), "sso")
    number = 2
    while User.objects.filter(username__iexact=f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def pending_account_create(*, claims: dict) -> User:
    """A first sign-in through the directory: an account that cannot sign in yet, in no agency,
    until an administrator places it in one (`account_approve`)."""
    email = claims.get("email") or ""
    wanted = [claims.get("preferred_username") or "", email, f"sso-{claims['sub']}"]
    user = User(
        username=_free_username(wanted),
        email=email[:254],
        first_name=(claims.get("given_name") or "")[:150],
        last_name=(claims.get("family_name") or "")[:150],
        oidc_subject=claims["sub"],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    account_event("account.sso_requested", user, actor=None)
    return user


def account_update_from_claims(*, user: User, claims: dict) -> User:
    """Keep the name and address the directory holds; never the agency, role or activation."""
    changed = {
        field: (claims.get(claim) or "")[:limit]
        for field, claim, limit in (
            ("email", "email", 254),
            ("first_name", "given_name", 150),
            ("last_name", "family_name", 150),
        )
        if claims.get(claim) and getattr(user, field) != claims.get(claim)[:limit]
    }
    if changed:
        for field, value in changed.items():
            setattr(user, field, value)
        user.save(update_fields=list(changed))
    return user


@transaction.atomic
def account_approve(*, actor: User, account: User) -> User:
    """An administrator placed a pending directory account in an agency: it may sign in now."""
    account.is_active = True
    account.reactivated_at = timezone.now()
    account.save(update_fields=["is_active", "reactivated_at"])
    # The membership is the approval: filed under the agency it joined, with the actor.
    account.__dict__.pop("membership", None)
    account_event(
        "account.sso_approved",
        account,
        actor=actor,
        changes={"agency": account.agency.label if account.agency else None,
                 "role": account.role},
    )  # fmt: skip
    return account


def sign_in_refused(*, account: User | None, reason: str, during: str) -> None:
    """Audit a directory sign-in (or a recheck) that did not let the person in."""
    account_event(
        "auth.sso_refused", account, actor=account, changes={"reason": reason, "during": during}
    )
