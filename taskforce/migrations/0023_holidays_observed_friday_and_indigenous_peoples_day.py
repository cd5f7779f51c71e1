"""Minn. Stat. 645.44 subd. 5: a fixed holiday on a Saturday makes the Friday before a holiday
(the seeded table had only the Sunday -> Monday half); the second Monday of October is
Indigenous Peoples Day; every holiday says which rule made it.

The computation is copied here, not imported, so the migration stays as it was written.
"""

import datetime as dt

from django.db import migrations, models

FIXED = [(1, 1, "New Year's Day"), (6, 19, "Juneteenth"), (7, 4, "Independence Day"),
         (11, 11, "Veterans Day"), (12, 25, "Christmas Day")]  # fmt: skip
SUBD_5 = "645.44 subd. 5"


def _nth(year, month, weekday, n):
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last(year, month, weekday):
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def holidays(year):
    days = []
    for y in (year, year + 1):
        for month, dom, name in FIXED:
            day = dt.date(y, month, dom)
            days.append((day, name, f"{SUBD_5}: {name}, {day:%B %-d}"))
            if day.weekday() == 6:
                days.append((day + dt.timedelta(days=1), f"{name} (observed)",
                             f"{SUBD_5}: falls on Sunday, observed Monday"))  # fmt: skip
            elif day.weekday() == 5:
                days.append((day - dt.timedelta(days=1), f"{name} (observed)",
                             f"{SUBD_5}: falls on Saturday, observed Friday"))  # fmt: skip
    thanksgiving = _nth(year, 11, 3, 4)
    days += [(d, n, f"{SUBD_5}: {w}") for d, n, w in [
        (_nth(year, 1, 0, 3), "Martin Luther King Jr. Day", "third Monday in January"),
        (_nth(year, 2, 0, 3), "Washington's and Lincoln's Birthday", "third Monday in February"),
        (_last(year, 5, 0), "Memorial Day", "last Monday in May"),
        (_nth(year, 9, 0, 1), "Labor Day", "first Monday in September"),
        (_nth(year, 10, 0, 2), "Indigenous Peoples Day", "second Monday in October"),
        (thanksgiving, "Thanksgiving Day", "fourth Thursday in November"),
        (thanksgiving + dt.timedelta(days=1), "Day after Thanksgiving",
         "the Friday after Thanksgiving"),
    ]]  # fmt: skip
    return [h for h in days if h[0].year == year]


def reseed(apps, schema_editor):
    Holiday = apps.get_model("taskforce", "Holiday")
    for year in range(2024, 2033):
        for day, name, rule in holidays(year):
            Holiday.objects.update_or_create(day=day, defaults={"name": name, "rule": rule})


def unseed(apps, schema_editor):
    Holiday = apps.get_model("taskforce", "Holiday")
    Holiday.objects.filter(rule__endswith="observed Friday").delete()
    Holiday.objects.filter(name="Indigenous Peoples Day").update(name="Christopher Columbus Day")


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0022_reminders_redirected_to_supervisors_never_dropped")]
    operations = [
        migrations.AddField(
            model_name="holiday",
            name="rule",
            field=models.CharField(
                blank=True,
                help_text="Which rule of Minn. Stat. 645.44 made it a holiday.",
                max_length=120,
            ),
        ),
        migrations.RunPython(reseed, unseed),
    ]
