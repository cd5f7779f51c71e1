"""CSV downloads: streamed, and safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone

# A cell a spreadsheet would run as a formula (OWASP CSV injection); tab and CR included.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a CSV cell: a moment in local time with its offset (a 9:00 hearing in
    Minnesota is `2026-12-24T09:00:00-06:00`, not 15:00 UTC), a day as `2026-12-24`."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def neutralise(value: object) -> str:
    text = cell(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read UTF-8 names correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
