"""Each report table's and headline figure's definition, for the page beside it."""

from __future__ import annotations

from django import template

from reports.figures.definitions import definition_for, figure_key, treatment

register = template.Library()


@register.simple_tag
def table_definition(key: str, wide: bool) -> dict | None:
    """What a table counts and whether it is exact for this viewer (`wide`: task-force-wide)."""
    found = definition_for(key)
    if found is None:
        return None
    return {"definition": found, "treatment": treatment(found.sensitive, wide)}


@register.simple_tag
def figure_definition_key(label: str) -> str:
    """The definitions page's anchor for a headline figure."""
    return figure_key(label) or ""
