"""Seed Minnesota's prostitution, sex-trafficking and child-solicitation offences.

Reference data an administrator edits in the admin (titles abridged; levels are those of a first
offence). Check the statute text before relying on a level.
"""

from django.db import migrations

F, GM, M = "felony", "gross_misdemeanor", "misdemeanor"
STATUTES = [
    ("609.282 subd. 1", "Labor trafficking", F),
    ("609.283", "Unlawful conduct with documents in furtherance of trafficking", F),
    ("609.322 subd. 1", "Sex trafficking in the first degree; promotion of prostitution", F),
    ("609.322 subd. 1a", "Sex trafficking in the second degree; promotion of prostitution", F),
    ("609.324 subd. 1(a)", "Patron: engaging in prostitution with an individual under 13", F),
    ("609.324 subd. 1(b)", "Patron: engaging in prostitution with an individual 13 to 15", F),
    ("609.324 subd. 1(c)", "Patron: engaging in prostitution with an individual 16 or 17", F),
    ("609.324 subd. 2", "Patron: prostitution in a public place", GM),
    ("609.324 subd. 3", "Patron: engaging in or hiring an adult for prostitution", M),
    ("609.3243", "Loitering with intent to participate in prostitution", M),
    ("609.352 subd. 2", "Solicitation of a child to engage in sexual conduct", F),
    ("609.352 subd. 2a", "Solicitation of a child by electronic communication", F),
    ("617.246", "Use of minors in a sexual performance", F),
    ("617.247", "Possession or dissemination of pornographic work involving minors", F),
]


def seed(apps, schema_editor):
    Statute = apps.get_model("cases", "Statute")
    Statute.objects.bulk_create(
        [
            Statute(citation=c, title=t, level=level, is_trafficking_related=True)
            for c, t, level in STATUTES
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("cases", "Statute").objects.filter(
        citation__in=[c for c, _, _ in STATUTES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_stings_arrests_people_handoffs")]
    operations = [migrations.RunPython(seed, unseed)]
