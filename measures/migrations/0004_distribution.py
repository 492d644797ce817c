"""Distribution of existing StrategicResponseNote rows, consistent with their grants: a
strategicresponsenote granted to the "HWPCI delegate" group becomes HWPCI-wide, every
other one stays restricted to its grant holders (nothing else becomes more
visible). Made HWPCI-wide (the role grant dropped, which the distribution
replaces), such a row is also seen by the other staff of organisations that
receive HWPCI documents (EEAS, SIAC, secretariat) who held no grant on it,
within its markings: see
``cdt.security.migration_helpers.distribution_from_grants`` and
docs/decisions/0022."""

from django.db import migrations, models


def distribute(apps, schema_editor):
    from cdt.security.migration_helpers import distribution_from_grants

    distribution_from_grants(apps, "measures", "StrategicResponseNote")


def undistribute(apps, schema_editor):
    from cdt.security.migration_helpers import grants_from_distribution

    grants_from_distribution(apps, "measures", "StrategicResponseNote")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_organisation_in_hwpci_distribution"),
        ("measures", "0003_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="strategicresponsenote",
            name="distribution",
            field=models.CharField(
                choices=[
                    ("hwpci", "HWPCI: every delegation, the Presidency, the EEAS, SIAC and the secretariat"),
                    ("restricted", "Restricted to named recipients (originator control)"),
                    ("with_cases", "With the cases it informs"),
                ],
                default="restricted",
                max_length=20,
                verbose_name="distribution",
            ),
        ),
        migrations.RunPython(distribute, undistribute),
    ]
