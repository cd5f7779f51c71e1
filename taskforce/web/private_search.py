"""Search words stay out of addresses: what a person types in a list's search box (often a
name) would otherwise sit in the browser history, proxy logs and the server's access log.

List filter forms post; the words go into the session under a short random token and the page
is shown at `?s=<token>` with the other (non-identifying) filters. Reading the page puts the words
back into `request.GET["q"]` for the view, so views, forms and exports need not know. The session
keeps the words encrypted (`_sealed`). An old link with `?q=` is moved the same way. The API keeps
its query parameters (clients, not people).
"""

from __future__ import annotations

import secrets

from cryptography.fernet import InvalidToken
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

from taskforce.encryption import token_cipher

FORM_MARKER = "_filters"  # the hidden field of templates/includes/filters.html
WORDS = "q"
TOKEN = "s"  # noqa: S105 (a query parameter name, not a secret)
SESSION_KEY = "private_searches"
KEPT = 20  # the latest searches of a session; older tokens fall back to no search


def _sealed(words: str) -> str:
    """The words as the session table keeps them: encrypted, so the database holds no name a
    person searched for (an expunged one included) in clear or as a keyed hash."""
    return token_cipher("search words").encrypt(words.encode()).decode()


def _opened(kept: str) -> str:
    try:
        return token_cipher("search words").decrypt(kept.encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        return ""  # kept before a key rotation, or not ours: no search


def _stash(request: HttpRequest, query: QueryDict) -> str:
    """The address of this page with the search words replaced by a token."""
    words = " ".join(query.pop(WORDS, [""])[-1].split())
    query.pop(TOKEN, None)
    query.pop("after", None)  # a new search starts at the first page
    if words:
        searches = dict(request.session.get(SESSION_KEY, {}))
        token = secrets.token_urlsafe(6)
        searches[token] = _sealed(words)
        request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
        query[TOKEN] = token
    for name in [name for name, values in query.lists() if not any(values)]:
        del query[name]  # empty filters make no difference; keep the address short
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


class PrivateSearchMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After CSRF, authentication and MFA (see MIDDLEWARE): only signed-in pages, never the API.
        if not request.user.is_authenticated or request.path.startswith("/api/"):
            return None
        if request.method == "POST" and FORM_MARKER in request.POST:
            query = request.POST.copy()
            for name in ("csrfmiddlewaretoken", FORM_MARKER):
                query.pop(name, None)
            return HttpResponseRedirect(_stash(request, query))
        if request.method == "GET" and WORDS in request.GET:
            return HttpResponseRedirect(_stash(request, request.GET.copy()))
        token = request.GET.get(TOKEN)
        if request.method == "GET" and token:
            words = _opened(request.session.get(SESSION_KEY, {}).get(token) or "")
            if words:
                query = request.GET.copy()
                query[WORDS] = words
                request.GET = query
        return None


def link_query(query: QueryDict) -> QueryDict:
    """The filters to carry in a page's links: the token, never the words it stands for."""
    if TOKEN in query:
        query.pop(WORDS, None)
    return query
