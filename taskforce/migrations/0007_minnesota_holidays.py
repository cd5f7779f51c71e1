"""Seed Minnesota's legal holidays for 2024-2032 (Minn. Stat. 645.44 subd. 5).

The computation is copied here, not imported, so the migration stays as it was written.
"""

import datetime as dt

from django.db import migrations


def _nth(year, month, weekday, n):
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last(year, month, weekday):
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def holidays(year):
    fixed = [(dt.date(year, 1, 1), "New Year's Day"), (dt.date(year, 6, 19), "Juneteenth"),
             (dt.date(year, 7, 4), "Independence Day"), (dt.date(year, 11, 11), "Veterans Day"),
             (dt.date(year, 12, 25), "Christmas Day")]  # fmt: skip
    observed = [(d + dt.timedelta(days=1), f"{n} (observed)") for d, n in fixed if d.weekday() == 6]
    thanksgiving = _nth(year, 11, 3, 4)
    moving = [(_nth(year, 1, 0, 3), "Martin Luther King Jr. Day"),
              (_nth(year, 2, 0, 3), "Washington's and Lincoln's Birthday"),
              (_last(year, 5, 0), "Memorial Day"), (_nth(year, 9, 0, 1), "Labor Day"),
              (_nth(year, 10, 0, 2), "Christopher Columbus Day"),
              (thanksgiving, "Thanksgiving Day"),
              (thanksgiving + dt.timedelta(days=1), "Day after Thanksgiving")]  # fmt: skip
    return fixed + observed + moving


def seed(apps, schema_editor):
    Holiday = apps.get_model("taskforce", "Holiday")
    Holiday.objects.bulk_create(
        [Holiday(day=d, name=n) for year in range(2024, 2033) for d, n in holidays(year)],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("taskforce", "Holiday").objects.filter(
        day__gte=dt.date(2024, 1, 1), day__lte=dt.date(2032, 12, 31)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0006_holidays_and_deadlines")]
    operations = [migrations.RunPython(seed, unseed)]
