"""Recompute the audit chain and look at the queue of reads not yet chained;
exit 1 and name the first broken entry, or the first read that waited too
long for the chain, if any."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cdt.security.audit import audit_chain_reads, audit_verify, pending_reads


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit trail and report the first broken entry, "
        "or a read that waits for the chain longer than CDT_AUDIT_PENDING_MAX_SECONDS (a stalled chainer)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--chain",
            action="store_true",
            help="Link the queued reads into the chain first, as beat's chainer would: on a copy restored from a dump "
            "(its queue is as old as the dump) or where beat is not running.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chain"]:
            linked = 0
            while chained := audit_chain_reads():
                linked += chained
            self.stdout.write(f"{linked} queued reads linked into the chain.")
        checked, problem = audit_verify()
        if problem and problem.subject == "entry":
            raise CommandError(f"Audit trail broken at entry #{problem.entry_id}: {problem.reason} ({checked} entries verified before it).")
        if problem:
            raise CommandError(
                f"Audit trail: {problem.subject} #{problem.entry_id} {problem.reason} (the chain itself: {checked} entries verified)."
            )
        waiting, oldest = pending_reads()
        queued = f"; {waiting} reads waiting for the chain, the oldest since {oldest:%Y-%m-%d %H:%M:%S} UTC" if oldest else ""
        self.stdout.write(f"Audit trail intact: {checked} entries verified{queued}.")
