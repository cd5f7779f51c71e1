"""What every keyset-paged list page does with the request: the cursor in, the links out."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from taskforce import access
from taskforce.pagination import Page


def cursor(request: HttpRequest, model: type[models.Model]) -> models.Model | None:
    """The record the page continues after (`?after=<public id>`), through the policy."""
    public_id = request.GET.get("after")
    return access.get_for(request.user, model, public_id) if public_id else None


def page_links(request: HttpRequest, page: Page) -> dict:
    """The filters to keep in page and export links, and the next page's cursor."""
    query = request.GET.copy()
    query.pop("after", None)
    return {
        "page": page,
        "query": query.urlencode(),
        "next_after": page.rows[-1].public_id if page.has_next else None,
    }
