"""The holiday table, for administrators: a change recounts every open deadline."""

from django.contrib import admin, messages
from django.db import transaction

from deadlines.tasks import recompute_after_holidays_changed
from taskforce.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["day", "name", "rule"]
    date_hierarchy = "day"
    search_fields = ["name"]

    def _recount(self, request) -> None:
        transaction.on_commit(lambda: recompute_after_holidays_changed.delay(request.user.pk))
        messages.info(
            request,
            "Open deadlines are being counted again with the holidays as they are now; each one "
            "that moves is recorded in the audit trail and its reminders follow.",
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recount(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recount(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._recount(request)
