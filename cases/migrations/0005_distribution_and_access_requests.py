"""Distribution of existing Case rows, consistent with their grants: a
case granted to the "HWPCI delegate" group becomes HWPCI-wide, every
other one stays restricted to its grant holders (nothing else becomes more
visible). Made HWPCI-wide (the role grant dropped, which the distribution
replaces), such a row is also seen by the other staff of organisations that
receive HWPCI documents (EEAS, SIAC, secretariat) who held no grant on it,
within its markings: see
``cdt.security.migration_helpers.distribution_from_grants`` and
docs/decisions/0022."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def distribute(apps, schema_editor):
    from cdt.security.migration_helpers import distribution_from_grants

    distribution_from_grants(apps, "cases", "Case")


def undistribute(apps, schema_editor):
    from cdt.security.migration_helpers import grants_from_distribution

    grants_from_distribution(apps, "cases", "Case")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_organisation_in_hwpci_distribution"),
        ("cases", "0004_delete_caseevent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
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
        migrations.AddField(
            model_name="historicalcase",
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
        migrations.CreateModel(
            name="AccessRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reference", models.CharField(max_length=30, verbose_name="case reference")),
                ("reason", models.TextField(max_length=2000, verbose_name="why you need access")),
                ("requested_at", models.DateTimeField(auto_now_add=True, verbose_name="requested at")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("granted", "Granted"), ("declined", "Declined")],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        blank=True,
                        choices=[("user", "The requester (named official)"), ("organisation", "The requester's delegation or body")],
                        max_length=12,
                        verbose_name="access given to",
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided at")),
                ("decision_reason", models.TextField(blank=True, max_length=2000, verbose_name="reason for the decision")),
                (
                    "case",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="access_requests", to="cases.case"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="access_requests", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "access request",
                "verbose_name_plural": "access requests",
                "ordering": ["-requested_at", "-id"],
                "default_permissions": (),
                "indexes": [models.Index(fields=["case", "status"], name="cases_accessreq_case_status")],
            },
        ),
        migrations.RunPython(distribute, undistribute),
    ]
