"""Seed the catalogue with every measure the two source texts name."""

from django.db import migrations


def seed(apps, schema_editor):
    from measures.catalogue import catalogue_ensure

    catalogue_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial"), ("directory", "0002_reference_data")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
