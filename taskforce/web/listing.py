"""What every keyset-paged list page does with the request: the cursor in, the links out."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from taskforce import access
from taskforce.web.pagination import Page
from taskforce.web.private_search import link_query
from taskforce.web.saved_filters import saved_filters_for


def cursor(request: HttpRequest, model: type[models.Model]) -> models.Model | None:
    """The record the page continues after (`?after=<public id>`), through the policy."""
    public_id = request.GET.get("after")
    return access.get_for(request.user, model, public_id) if public_id else None


def page_links(request: HttpRequest, page: Page) -> dict:
    """The filters to keep in page and export links, the next page's cursor, saved filters."""
    query = link_query(request.GET.copy())
    query.pop("after", None)
    list_name = request.resolver_match.view_name
    return {
        "page": page,
        "query": query.urlencode(),
        "next_after": page.rows[-1].public_id if page.has_next else None,
        "list_name": list_name,
        "saved_filters": saved_filters_for(request.user, list_name),
    }
