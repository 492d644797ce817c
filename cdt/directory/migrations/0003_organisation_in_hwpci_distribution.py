"""Which organisations receive HWPCI documents: the 27 delegations, the
Council secretariat, the EEAS and SIAC (``reference.HWPCI_DISTRIBUTION_CODES``)."""

from django.db import migrations, models


def mark(apps, schema_editor):
    from cdt.directory.reference import hwpci_distribution_set

    hwpci_distribution_set(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_reference_data"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="in_hwpci_distribution",
            field=models.BooleanField(
                default=False,
                help_text="Its staff see what is distributed to HWPCI (within the markings): the 27 delegations, the EEAS, SIAC and the secretariat.",
                verbose_name="receives HWPCI documents",
            ),
        ),
        migrations.RunPython(mark, migrations.RunPython.noop),
    ]
