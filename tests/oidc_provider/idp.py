"""What the test directory says about people: groups (the `groups` claim), MFA (`amr`), and the
two misbehaviours the app must refuse: an expired ID token and one signed with another key.

People are marked with directory groups named `idp:*`, which never reach the claims:
`idp:mfa` (signed in with a second factor), `idp:expired`, `idp:forged`.
"""

import json
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oidc_provider.lib.claims import ScopeClaims
from oidc_provider.models import Client, ResponseType, Token

# Not the directory's key: what a forger would sign with.
FORGER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _marks(user) -> set[str]:
    return set(user.groups.filter(name__startswith="idp:").values_list("name", flat=True))


def userinfo(claims, user):
    claims.update(
        email=user.email,
        email_verified=True,
        given_name=user.first_name,
        family_name=user.last_name,
        preferred_username=user.username,
    )
    return claims


class GroupsClaims(ScopeClaims):
    info_groups = ("Groups", "The directory groups you belong to.")

    def scope_groups(self):
        names = self.user.groups.exclude(name__startswith="idp:").values_list("name", flat=True)
        return {"groups": sorted(names)}


def id_token_hook(id_token, user, token, request):
    marks = _marks(user)
    id_token["amr"] = ["pwd", "mfa"] if "idp:mfa" in marks else ["pwd"]
    if "idp:expired" in marks:
        id_token["iat"] = int(time.time()) - 7200
        id_token["exp"] = int(time.time()) - 3600
    return id_token


class DirectoryPolicyMiddleware:
    """As Entra ID, Okta and Keycloak do: no refresh for a disabled account. And, for people
    marked `idp:forged`, an ID token re-signed with a key that is not the directory's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        is_token = request.path.rstrip("/").endswith("/openid/token")
        if is_token and request.POST.get("grant_type") == "refresh_token":
            token = Token.objects.filter(refresh_token=request.POST.get("refresh_token")).first()
            if token is not None and not token.user.is_active:
                return JsonResponse({"error": "invalid_grant"}, status=400)
        response = self.get_response(request)
        if is_token and response.status_code == 200:
            body = json.loads(response.content)
            if body.get("id_token"):
                header = jwt.get_unverified_header(body["id_token"])
                claims = jwt.decode(body["id_token"], options={"verify_signature": False})
                user = User.objects.filter(pk=claims["sub"]).first()
                if user is not None and "idp:forged" in _marks(user):
                    body["id_token"] = jwt.encode(
                        claims, FORGER_KEY, algorithm="RS256", headers={"kid": header["kid"]}
                    )
                    response.content = json.dumps(body).encode()
                    response["Content-Length"] = str(len(response.content))
        return response


@csrf_exempt
def control(request: HttpRequest):
    """The suite's hand on the directory (loopback, with a token): clients and people."""
    if request.headers.get("X-Control-Token") != settings.CONTROL_TOKEN:
        return HttpResponseForbidden()
    order = json.loads(request.body)
    if order["action"] == "client":
        client, _ = Client.objects.get_or_create(client_id=order["client_id"])
        client.name = "Task Force Caseload"
        client.client_type = "confidential"
        client.client_secret = order["secret"]
        client.redirect_uris = order["redirect_uris"]
        client.post_logout_redirect_uris = order.get("post_logout_redirect_uris", [])
        client.require_consent = False
        client.jwt_alg = "RS256"
        client.save()
        client.response_types.set(ResponseType.objects.filter(value="code"))
        return JsonResponse({"ok": True})
    if order["action"] == "user":
        user, _ = User.objects.get_or_create(username=order["username"])
        user.set_password(order.get("password", "directory-password"))
        user.email = order.get("email", f"{order['username']}@county.example")
        user.first_name = order.get("first_name", "")
        user.last_name = order.get("last_name", "")
        user.is_active = order.get("is_active", True)
        user.save()
        user.groups.set(
            [Group.objects.get_or_create(name=name)[0] for name in order.get("groups", [])]
        )
        return JsonResponse({"ok": True, "sub": str(user.pk)})
    return JsonResponse({"error": "unknown action"}, status=400)
