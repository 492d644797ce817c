"""The two TAXII collections the feed starts with (the secretariat may add more in the admin)."""

import uuid

from django.db import migrations

# Also used by ``awareness.models.taxii_collections_ensure``: keep them in one place.
COLLECTIONS = [
    {
        "id": uuid.UUID("0b1a5e7c-5c1a-4e39-9a43-5b0b8d7e2a01"),
        "alias": "siac-assessments",
        "title": "SIAC assessments",
        "description": "Reports, notes and opinions from SIAC and the other contributors, with the identities and marking "
        "definitions they use; also every object type CDT keeps as raw STIX.",
        "stix_types": ["report", "note", "opinion", "identity", "marking-definition"],
        "is_default": True,
    },
    {
        "id": uuid.UUID("0b1a5e7c-5c1a-4e39-9a43-5b0b8d7e2a02"),
        "alias": "threat-actors",
        "title": "Threat actors",
        "description": "Intrusion sets, threat actors and campaigns, and the relationships between them and their targets.",
        "stix_types": ["intrusion-set", "threat-actor", "campaign", "relationship"],
        "is_default": False,
    },
]


def create(apps, schema_editor):
    ensure(apps.get_model("awareness", "TaxiiCollection"))


def ensure(model) -> None:
    if not model.objects.exists():
        for collection in COLLECTIONS:
            model.objects.update_or_create(id=collection["id"], defaults=collection)


class Migration(migrations.Migration):
    dependencies = [("awareness", "0003_stix_feed_taxii")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
