"""Admin for Safe Harbor regions (redrawn from time to time); referrals are never in the admin."""

from django.contrib import admin

from referrals.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "navigator"]
    search_fields = ["name"]
    filter_horizontal = ["counties"]
