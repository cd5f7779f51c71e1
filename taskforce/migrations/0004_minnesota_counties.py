"""Seed Minnesota's 87 counties (reference data; administrators may add others)."""

from django.db import migrations

MINNESOTA = """\
Aitkin, Anoka, Becker, Beltrami, Benton, Big Stone, Blue Earth, Brown, Carlton, Carver, Cass,
Chippewa, Chisago, Clay, Clearwater, Cook, Cottonwood, Crow Wing, Dakota, Dodge, Douglas, Faribault,
Fillmore, Freeborn, Goodhue, Grant, Hennepin, Houston, Hubbard, Isanti, Itasca, Jackson, Kanabec,
Kandiyohi, Kittson, Koochiching, Lac qui Parle, Lake, Lake of the Woods, Le Sueur, Lincoln, Lyon,
McLeod, Mahnomen, Marshall, Martin, Meeker, Mille Lacs, Morrison, Mower, Murray, Nicollet, Nobles,
Norman, Olmsted, Otter Tail, Pennington, Pine, Pipestone, Polk, Pope, Ramsey, Red Lake, Redwood,
Renville, Rice, Rock, Roseau, St. Louis, Scott, Sherburne, Sibley, Stearns, Steele, Stevens, Swift,
Todd, Traverse, Wabasha, Wadena, Waseca, Washington, Watonwan, Wilkin, Winona, Wright,
Yellow Medicine"""


def county_names() -> list[str]:
    return [name.strip() for name in MINNESOTA.replace("\n", " ").split(",")]


def seed(apps, schema_editor):
    County = apps.get_model("taskforce", "County")
    names = county_names()
    assert len(names) == 87, len(names)
    County.objects.bulk_create(
        [County(name=name, state="MN") for name in names], ignore_conflicts=True
    )


def unseed(apps, schema_editor):
    apps.get_model("taskforce", "County").objects.filter(
        state="MN", name__in=county_names()
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0003_counties")]
    operations = [migrations.RunPython(seed, unseed)]
