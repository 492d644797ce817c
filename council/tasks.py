from celery import shared_task

from . import services


@shared_task
def close_due_written_procedures() -> int:
    """Run by beat every minute: close the written procedures whose deadline
    has passed. A periodic scan rather than a task scheduled for the
    deadline: long countdowns are unreliable with the Redis broker."""
    return services.written_procedures_close_due()
