"""The one actor of a measure, copied to its actors by 0008."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("measures", "0008_measure_actors_proposed_on")]

    operations = [
        migrations.RemoveField(model_name="historicalresponsemeasure", name="actor"),
        migrations.RemoveField(model_name="responsemeasure", name="actor"),
    ]
