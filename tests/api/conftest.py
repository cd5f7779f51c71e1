"""API test helpers: a JSON client carrying a real token of a named actor."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.tokens import api_token_create


class ApiClient:
    """Sends JSON with `Authorization: Bearer <token>`; answers have `.json()`."""

    def __init__(self, secret: str | None):
        headers = {"authorization": f"Bearer {secret}"} if secret else {}
        self.client = Client(headers=headers)

    def _send(self, method: str, path: str, data=None, **extra):
        body = json.dumps(data) if data is not None else None
        return getattr(self.client, method)(
            path, data=body, content_type="application/json", **extra
        )

    def get(self, path: str, params=None):
        return self.client.get(path, params or {})

    def post(self, path: str, data=None):
        return self._send("post", path, data)

    def patch(self, path: str, data=None):
        return self._send("patch", path, data)

    def put(self, path: str, data=None):
        return self._send("put", path, data)

    def delete(self, path: str, params: str = ""):
        return self.client.delete(path + (f"?{params}" if params else ""))


def token_for(user, name: str = "test") -> str:
    return api_token_create(actor=user, name=name).secret


@pytest.fixture
def api():
    """`api(user)`: a client acting as the user through a fresh token; `api(None)`: none."""

    def make(user) -> ApiClient:
        return ApiClient(token_for(user) if user is not None else None)

    return make
