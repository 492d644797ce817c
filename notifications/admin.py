"""The secretariat sees the outbox and deliveries (to follow up a stuck
e-mail), never edits them: they are the record of who was told what."""

from django.contrib import admin

from .models import Deadline, Event, Notification
from .selectors import visible_rows


class ReadOnly(admin.ModelAdmin):
    #: Path from the row to its event fields ("" for the event itself).
    prefix = ""

    def get_queryset(self, request):
        """The access rule, as everywhere: staff see rows about what they may see."""
        return super().get_queryset(request).filter(visible_rows(request.user, self.prefix))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("id", "kind", "reference", "marking", "created_at", "dispatched_at", "attempts")
    list_filter = ("kind",)
    search_fields = ("reference",)


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    prefix = "event__"
    list_display = ("id", "event", "recipient", "channel", "mode", "created_at", "sent_at", "read_at", "attempts", "last_error")
    list_filter = ("channel", "mode")
    list_select_related = ("event", "recipient")


@admin.register(Deadline)
class DeadlineAdmin(ReadOnly):
    list_display = ("id", "kind", "reference", "due_at", "done_at")
    list_filter = ("kind",)
