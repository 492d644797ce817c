"""Load the directory's reference data (idempotent: creates only what is missing)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from cdt.directory.reference import load_reference_data


class Command(BaseCommand):
    help = "Load Member States, population shares, Council bodies, organisations and the Presidency calendar."

    def handle(self, *args, **options):
        with transaction.atomic():
            created = load_reference_data(apps)
        summary = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in created.items())
        self.stdout.write(f"Directory loaded (created {summary}).")
