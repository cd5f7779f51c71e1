"""The client's address behind a reverse proxy, for the audit trail and the lockout by address.

Behind nginx (deploy/nginx/taskforce.conf) REMOTE_ADDR is nginx's own address for every person:
the audit rows would all say 127.0.0.1, and LOCKOUT_ADDRESS_LIMIT failed sign-ins by anyone
would refuse everyone. With TRUST_X_REAL_IP on, the X-Real-IP header, which that nginx site sets
to the connection's address and never passes on from the client, becomes REMOTE_ADDR. Turn it
on only when the app is reachable through that proxy alone (gunicorn bound to loopback):
anyone reaching gunicorn directly could name any address.
"""

from __future__ import annotations

import contextlib
import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse


class RealClientAddressMiddleware:
    def __init__(self, get_response):
        if not settings.TRUST_X_REAL_IP:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = request.META.get("HTTP_X_REAL_IP", "").strip()
        # Absent, or not one address: the connection's own stays.
        with contextlib.suppress(ValueError):
            request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(address))
        return self.get_response(request)
