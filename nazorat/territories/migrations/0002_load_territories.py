"""Load the shipped regions and districts/cities (``territories/data/territories.json``, built by
``scripts/build_territories.py``) so every installation starts with the full SOATO tree."""

from django.db import migrations


def load(apps, schema_editor):
    from nazorat.territories.loading import load_territories

    load_territories(model=apps.get_model("territories", "Territory"))


class Migration(migrations.Migration):

    dependencies = [
        ("territories", "0001_initial"),
    ]

    operations = [
        # Reverse is a no-op: organisations and cases may already point at these rows.
        migrations.RunPython(load, migrations.RunPython.noop, elidable=False),
    ]
