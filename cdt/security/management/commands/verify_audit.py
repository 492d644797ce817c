"""Recompute the audit chain; exit 1 and name the first broken entry if any."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cdt.security.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail and report the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problem = audit_verify()
        if problem:
            raise CommandError(f"Audit trail broken at entry #{problem.entry_id}: {problem.reason} ({checked} entries verified before it).")
        self.stdout.write(f"Audit trail intact: {checked} entries verified.")
