"""Admin for the reference data of stings and cases; protected records are never in the admin."""

from django.contrib import admin

from cases.models import Statute


@admin.register(Statute)
class StatuteAdmin(admin.ModelAdmin):
    list_display = ["citation", "title", "level", "is_trafficking_related", "is_active"]
    list_filter = ["level", "is_trafficking_related", "is_active"]
    search_fields = ["citation", "title"]
