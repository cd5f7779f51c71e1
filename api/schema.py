"""OpenAPI additions: the one error shape on every operation, and the docs page without CDN."""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "fields"],
    "properties": {
        "code": {"type": "string", "example": "stale_version"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "description": "Problems by field name (non_field_errors for the whole request).",
            "additionalProperties": True,
        },
    },
}
ERRORS = {
    "400": "The request is not right; `fields` says what to fix.",
    "401": "No valid session or API token.",
    "403": "You may see the record but not do this.",
    "404": "No such record, or one you may not see (the same answer).",
    "409": "Someone saved the record after you read it; send the new version.",
    "429": "Too many requests for this token.",
}
WRITES_ONLY = {"409"}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    """Document the error answers every operation can give, with their one JSON shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITES_ONLY and method not in WRITE_METHODS:
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the app's own static files (drf-spectacular-sidecar), script apart from
    the page: nothing inline, nothing from a CDN."""

    template_name = "api/docs.html"
