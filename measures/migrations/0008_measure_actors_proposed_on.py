"""A measure concerns several actors, and a listed person is linked to some
of them; a measure has the date it was proposed, apart from when it was
recorded; the catalogue gains the Toolbox's own practice (issue 27).

The actor each measure named is copied to its actors here; the old column
goes in 0009, in a transaction of its own (PostgreSQL refuses to alter a
table with rows changed earlier in the same transaction)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def actors_copy(apps, schema_editor):
    ResponseMeasure = apps.get_model("measures", "ResponseMeasure")
    MeasureActor = apps.get_model("measures", "MeasureActor")
    MeasureActor.objects.bulk_create(
        MeasureActor(measure_id=measure_id, actor_id=actor_id)
        for measure_id, actor_id in ResponseMeasure.objects.filter(actor__isnull=False).values_list("pk", "actor_id")
    )


def actors_restore(apps, schema_editor):
    """Backwards: the first actor of each measure becomes its one actor."""
    ResponseMeasure = apps.get_model("measures", "ResponseMeasure")
    MeasureActor = apps.get_model("measures", "MeasureActor")
    for row in MeasureActor.objects.order_by("measure_id", "id"):
        ResponseMeasure.objects.filter(pk=row.measure_id, actor__isnull=True).update(actor_id=row.actor_id)


def proposed_on_fill(apps, schema_editor):
    """A measure recorded before this was proposed the day it was recorded (in Brussels)."""
    for name in ("ResponseMeasure", "HistoricalResponseMeasure"):
        model = apps.get_model("measures", name)
        for pk, proposed_at in model.objects.values_list("pk", "proposed_at").iterator():
            if proposed_at is not None:
                model.objects.filter(pk=pk).update(proposed_on=django.utils.timezone.localtime(proposed_at).date())


def catalogue_practice(apps, schema_editor):
    """The entries of the Toolbox's practice, added where missing (the
    secretariat's edits kept), and the old "amending or extending" entry
    renamed to "amending" if the secretariat left it as seeded, its
    prolongation being an entry of its own now."""
    from measures.catalogue import AMEND_SEEDED_NAME, catalogue_ensure, catalogue_entry

    catalogue_ensure(apps)
    MeasureType = apps.get_model("measures", "MeasureType")
    amend = catalogue_entry("amend-sanctions-regime")
    MeasureType.objects.filter(slug=amend["slug"], name=AMEND_SEEDED_NAME).update(name=amend["name"], description=amend["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("awareness", "0006_distribution_db_default"),
        ("measures", "0007_one_log_per_note"),
    ]

    operations = [
        migrations.CreateModel(
            name="MeasureActor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("actor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="awareness.threatactor")),
                (
                    "measure",
                    models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="measures.responsemeasure"),
                ),
            ],
            options={"verbose_name": "actor concerned"},
        ),
        migrations.AddConstraint(
            model_name="measureactor",
            constraint=models.UniqueConstraint(fields=("measure", "actor"), name="measures_measureactor_unique"),
        ),
        migrations.AddField(
            model_name="responsemeasure",
            name="actors",
            field=models.ManyToManyField(
                blank=True,
                related_name="measures",
                through="measures.MeasureActor",
                to="awareness.threatactor",
                verbose_name="actors concerned",
            ),
        ),
        migrations.AddField(
            model_name="listedperson",
            name="actors",
            field=models.ManyToManyField(
                blank=True, related_name="listed_persons", to="awareness.threatactor", verbose_name="linked actors"
            ),
        ),
        migrations.AddField(
            model_name="responsemeasure",
            name="proposed_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="proposed on"),
        ),
        migrations.AddField(
            model_name="historicalresponsemeasure",
            name="proposed_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="proposed on"),
        ),
        migrations.RunPython(actors_copy, actors_restore),
        migrations.RunPython(proposed_on_fill, migrations.RunPython.noop),
        migrations.RunPython(catalogue_practice, migrations.RunPython.noop),
    ]
