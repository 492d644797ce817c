from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Events (a transactional outbox), their delivery in the notification
    centre and by e-mail, deadlines and their reminders, the iCal feed."""

    name = "notifications"
    verbose_name = _("Notifications")
