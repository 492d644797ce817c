from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The bench's templates, and its switch for read-auditing
    (:mod:`bench.reads`), installed by ``bench/settings.py`` only."""

    name = "bench"

    def ready(self) -> None:
        from cdt.security import selectors

        from .reads import audit_read_switchable

        # protected_read_record looks the name up in its own module.
        selectors.audit_read = audit_read_switchable(selectors.audit_read)  # type: ignore[assignment]
