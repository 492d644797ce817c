"""Start a new data generation: every count and answer kept for a reader is
computed again on its next read (decisions 0033 and 0034). For changes made
round the application: a restore into a running deployment, ``psql``."""

from django.core.management.base import BaseCommand, CommandError

from cdt.core import generation


class Command(BaseCommand):
    help = "Start a new data generation, after data was changed outside the application (a restore, psql)."

    def handle(self, *args, **options):
        before = generation.current()
        generation.bump()
        after = generation.current()
        if after is None or after == before:
            raise CommandError("The cache did not answer: nothing is kept while it is away, but check REDIS_URL.")
        self.stdout.write(f"Data generation {after}: every kept count and answer is computed again.")
