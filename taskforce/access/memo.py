"""The policy's answers kept for one read-only request: a page that asks the same question of
the same record (can this person share it? change it?) is answered once.

Only inside `remembered()`, which the middleware opens around GET and HEAD requests (they change
no grant, membership or seal); a service, a task or a test calling the policy outside a request
always gets a fresh answer. The memo belongs to the request's context and dies with it: nothing
is kept across requests or shared between people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_memo: ContextVar[dict | None] = ContextVar("access_memo", default=None)


@contextmanager
def remembered() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def recall(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`, or its answer already given for `key` in this request."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def recalled(key: tuple) -> Any:
    """The answer kept for `key` in this request, or None."""
    memo = _memo.get()
    return None if memo is None else memo.get(key)


def remember(key: tuple, answer: Any) -> None:
    memo = _memo.get()
    if memo is not None:
        memo[key] = answer


class RequestMemoMiddleware:
    """Keeps the policy's answers for the length of one read-only request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        with remembered():
            return self.get_response(request)
