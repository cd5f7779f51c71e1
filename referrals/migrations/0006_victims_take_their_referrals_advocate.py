"""Victim records opened before they had an advocate of their own take their referral's."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Victim = apps.get_model("victims", "Victim")
    Referral = apps.get_model("referrals", "Referral")
    advocate = (
        Referral.objects.filter(victim=OuterRef("pk"), assigned_advocate__isnull=False)
        .order_by("-created_at")
        .values("assigned_advocate")[:1]
    )
    Victim.objects.filter(assigned_advocate__isnull=True).update(
        assigned_advocate=Subquery(advocate)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0005_report_indexes"),
        ("victims", "0012_victim_assigned_advocate"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
