from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The bench's templates, and its switch for read-auditing
    (:mod:`bench.reads`), installed by ``bench/settings.py`` only."""

    name = "bench"

    def ready(self) -> None:
        from cdt.security import kept, selectors

        from .reads import audit_read_switchable

        # protected_read_record looks the name up in its own module, and a
        # kept page shown again records its reads through kept's.
        selectors.audit_read = audit_read_switchable(selectors.audit_read)  # type: ignore[assignment]
        kept.audit_read_again = audit_read_switchable(kept.audit_read_again)  # type: ignore[assignment]
