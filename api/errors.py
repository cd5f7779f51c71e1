"""One JSON shape for every API error: {"code", "message", "fields"}, whatever raised it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from taskforce.models import StaleVersion

MESSAGES = {
    400: "Some of what was sent is not right; see fields.",
    401: "Sign in or send a valid API token.",
    403: "You may see this record but not do this to it.",
    404: "Not found.",
    405: "This method is not allowed here.",
    406: "The API answers in JSON only.",
    409: "Someone changed this record after you read it; nothing was saved.",
    415: "Send JSON (Content-Type: application/json).",
    429: "Too many requests for this token; wait and try again.",
}
CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"
    default_detail = MESSAGES[409]

    def __init__(self, fields: dict | None = None):
        super().__init__()
        self.fields = fields or {"version": ["The record was changed by someone else."]}


def _django_validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def _flatten(detail) -> dict | list | str:
    """DRF's ErrorDetail tree as plain strings (nested serializers keep their nesting)."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def error_body(status_code: int, *, code: str = "", message: str = "", fields=None) -> dict:
    return {
        "code": code or CODES.get(status_code, "error"),
        "message": message or MESSAGES.get(status_code, "The request failed."),
        "fields": fields or {},
    }


def exception_handler(exc, context):
    """Map domain errors to HTTP ones, then give every error response the same body."""
    if isinstance(exc, StaleVersion):
        exc = Conflict()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_fields(exc))
    elif isinstance(exc, IntegrityError):
        # A constraint the checks before it did not foresee (e.g. a race): refused, not a 500.
        exc = exceptions.ValidationError({"non_field_errors": ["This conflicts with a record."]})
    elif isinstance(exc, Http404):
        # access.NotFound and a missing id alike: the same body, so nothing is revealed.
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        body = error_body(code, fields=fields)
    elif isinstance(exc, exceptions.Throttled):
        body = error_body(code, message=f"{MESSAGES[429]} Retry in {exc.wait or 1:.0f} s.")
    elif isinstance(exc, Conflict):
        body = error_body(code, code="stale_version", fields=exc.fields)
    elif isinstance(exc, (exceptions.NotFound, exceptions.PermissionDenied)):
        body = error_body(code)
    else:
        body = error_body(code, message=str(exc.detail) if hasattr(exc, "detail") else "")
    response.data = body
    return response


def not_found_response() -> Response:
    return Response(error_body(404), status=404)
