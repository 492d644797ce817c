"""Load the directory's reference data: 27 Member States with their 2025
population shares, Council bodies, organisations and the Presidency calendar.
Creates only what is missing (see ``cdt.directory.reference``)."""

from django.db import migrations


def load(apps, schema_editor):
    from cdt.directory.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
